"""Firms' text embeddings in the database: each text embedded once per model.

A firm's vectors are stored with the model's name and version and the hash of the texts they
came from (`firm_embeddings`); they are recomputed only when that hash changes. A profile save
embeds its firm at once (in the refresh that follows it); a bulk import leaves the work to the
background jobs (with Redis) or to the start of the next `match run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np
from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from matchmaker.matching.embedding import (
    FIELDS,
    Embedder,
    default_embedder,
    embed_profiles,
    field_texts,
    text_hash,
)
from matchmaker.models import Firm, FirmEmbedding

log = logging.getLogger(__name__)
BATCH = 64  # firms embedded and committed at a time
Progress = Callable[[int, int], None]  # (firms done, firms to do)


def _texts_select(firm_ids: Iterable[int] | None):
    stmt = select(Firm.id, Firm.offers, Firm.seeks, Firm.description).order_by(Firm.id)
    if firm_ids is not None:
        stmt = stmt.where(Firm.id.in_(list(firm_ids)))
    return stmt


def stale_firms(
    session: Session, embedder: Embedder, firm_ids: Iterable[int] | None = None
) -> list[tuple[int, tuple[str, ...], str]]:
    """(id, texts to embed, their hash) of the firms whose stored vectors are missing or
    outdated (embedding.field_texts: what is embedded of a firm)."""
    ids = None if firm_ids is None else list(firm_ids)
    hashes = select(FirmEmbedding.firm_id, FirmEmbedding.text_hash).where(
        FirmEmbedding.model == embedder.name
    )
    if ids is not None:
        hashes = hashes.where(FirmEmbedding.firm_id.in_(ids))
    stored = dict(session.execute(hashes).all())
    out = []
    for firm_id, offers, seeks, description in session.execute(_texts_select(ids)):
        texts = field_texts(offers or "", seeks or "", description or "")
        digest = text_hash(texts)
        if stored.get(firm_id) != digest:
            out.append((firm_id, texts, digest))
    return out


def ensure_embeddings(
    session: Session,
    firm_ids: Iterable[int] | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> int:
    """Embed the listed firms (default: all) whose vectors are missing or outdated; commits
    after each batch, so work done survives an interruption. Returns how many were embedded."""
    embedder = embedder or default_embedder()
    todo = stale_firms(session, embedder, firm_ids)
    session.commit()  # end the read: the embedding below takes a while
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        vectors = embed_profiles(embedder, [t[1] for t in batch])
        _store(session, embedder, batch, vectors)
        session.commit()
        if progress is not None:
            progress(min(start + BATCH, len(todo)), len(todo))
    if todo:
        log.info("embedded %s firms with %s", len(todo), embedder.name)
    return len(todo)


def _store(session: Session, embedder: Embedder, batch, vectors: np.ndarray) -> None:
    keys = [(firm_id, embedder.name) for firm_id, *_ in batch]
    session.execute(
        delete(FirmEmbedding).where(tuple_(FirmEmbedding.firm_id, FirmEmbedding.model).in_(keys))
    )
    present = set(session.scalars(select(Firm.id).where(Firm.id.in_([k[0] for k in keys]))))
    session.add_all(
        FirmEmbedding(
            firm_id=firm_id,
            model=embedder.name,
            text_hash=digest,
            dim=embedder.dim,
            vectors=np.ascontiguousarray(row, dtype="<f4").tobytes(),
        )
        for (firm_id, _, digest), row in zip(batch, vectors, strict=True)
        if firm_id in present  # a firm deleted meanwhile
    )


def load_vectors(
    session: Session, embedder: Embedder | None = None, firm_ids: Iterable[int] | None = None
) -> dict[int, np.ndarray]:
    """Firm id -> (len(FIELDS), dim) float32, for the firms with current vectors."""
    embedder = embedder or default_embedder()
    stmt = select(FirmEmbedding.firm_id, FirmEmbedding.dim, FirmEmbedding.vectors).where(
        FirmEmbedding.model == embedder.name
    )
    if firm_ids is not None:
        stmt = stmt.where(FirmEmbedding.firm_id.in_(list(firm_ids)))
    return {
        firm_id: np.frombuffer(blob, dtype="<f4").reshape(len(FIELDS), dim)
        for firm_id, dim, blob in session.execute(stmt)
    }


def stale_firm_ids(session: Session) -> list[int]:
    """The firms whose vectors for the default model are missing or outdated."""
    return [row[0] for row in stale_firms(session, default_embedder())]


def warm_model() -> None:
    """Load the embedding model (in each process that embeds: after a fork, never before)."""
    default_embedder().embed(["warm up"], "query")
