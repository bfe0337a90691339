"""What the matching engine keeps in the database: each firm's text embeddings, and the
generations of the fitted engine with the firms changed since (the engine state every process
follows); and the count of the writes the directory search follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, utcnow


class FirmEmbedding(Base):
    """A firm's text vectors under one model (name and version): float32 little-endian bytes,
    one row of `dim` values per embedded field (offers, seeks). `text_hash` is the hash of the
    texts they were computed from: a changed text is embedded again, an unchanged one never."""

    __tablename__ = "firm_embeddings"

    firm_id: Mapped[int] = mapped_column(
        ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(120), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vectors: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EngineGeneration(Base):
    """One fitted engine, written by a full `match run` (its snapshot file carries the id)."""

    __tablename__ = "engine_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    engine_version: Mapped[str] = mapped_column(String(16))
    embedder: Mapped[str] = mapped_column(String(120))
    firms: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EngineChange(Base):
    """A firm put into a generation's engine since its full run, in order (`id`): every
    process replays the changes it has not applied yet, so all engines agree."""

    __tablename__ = "engine_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation_id: Mapped[int] = mapped_column(
        ForeignKey("engine_generations.id", ondelete="CASCADE"), index=True
    )
    firm_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchChanges(Base):
    """How many writes the directory search's word index has to follow (a firm's searched
    columns, its sectors): kept by database triggers on those tables (migration
    perf03_search_changes), so every writer counts, a bulk import or a deletion cascading too.
    The index is current while the count is what it was built at (services/search.py). A
    database restored from a backup may bring back an older count: restart the workers.

    A count written in the writer's transaction is seen exactly when its write is: the newest
    `updated_at` and id the index followed before missed a write committed after a later one
    (its time and id are taken before it commits). One row (`slot` 0); on PostgreSQL a
    transaction counts once, as it commits, so writers hold its lock only for a commit. A
    migration that rebuilds one of those tables on SQLite (batch mode) must create its
    triggers again."""

    __tablename__ = "search_changes"

    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
