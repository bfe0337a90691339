"""Recomputing proposals with the matching engine, incremental refresh, and the export.

A full run embeds what is not embedded yet, fits the engine on every firm, writes every
proposal in one transaction and starts a new engine generation (engine_state.py). A refresh
after a profile save embeds that firm, puts it into the shared engine (the new words and the
new embedding included) and rewrites only its proposals.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numexpr
import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from threadpoolctl import threadpool_limits

from matchmaker.matching import SIGNALS, DefaultWeights, MatchEngine
from matchmaker.matching.explain import explain, sentence_indexes
from matchmaker.matching.learning import LearningReport, fit_weights
from matchmaker.matching.scoring import PairSet, Scorer
from matchmaker.models import (
    Firm,
    Proposal,
)
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import embeddings, engine_state
from matchmaker.services.profiles import load_profiles, put_firms, vectors_by_ref
from matchmaker.services.proposal_display import english_reasons
from matchmaker.services.proposal_store import delete_stale, write

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (stage, percent done)
EmbedProgress = Callable[[int, int], None]  # (firms embedded, firms to embed)
INLINE_RECOMPUTE_LIMIT = 2000
WRITE_BATCH = 50_000
# No pair below this score is proposed (pairs staff decided on stay whatever their score).
# On ../shared/data (top 10 per firm) the weakest labelled true pair scores 0.427 (multilingual
# set; 0.475 in English); 0.30 (calibrated 17 %) keeps all 30 labelled pairs in both sets with
# a margin of 0.13 and drops 57 % of the proposals (493 -> 211, 497 -> 212).
MIN_SCORE = 0.30


@dataclass
class RunReport:
    firms: int = 0
    proposals: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_decided: int = 0
    embedded: int = 0
    batches: int = 0
    seconds: float = 0.0
    learning: LearningReport | None = None
    timings: dict[str, float] = field(default_factory=dict)


def choose_scorer(session: Session) -> tuple[Scorer, LearningReport]:
    """Weights fitted to EDB decisions when there are enough, else the documented defaults.
    Decisions whose stored signals lack one of today's (scored by an older engine) are left
    out until a run has rescored them."""
    rows = session.execute(
        select(Proposal.signals, Proposal.status).where(Proposal.status != Status.PROPOSED)
    ).all()
    complete = [(s, status) for s, status in rows if s and all(name in s for name in SIGNALS)]
    signals = np.array(
        [[float(s[name]) for name in SIGNALS] for s, _ in complete], dtype=float
    ).reshape(-1, len(SIGNALS))
    approved = np.array([status == Status.APPROVED for _, status in complete], dtype=bool)
    report = fit_weights(signals, approved)
    return (report.weights or DefaultWeights()), report


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a full run builds its millions of
    acyclic objects (profiles, matrices' indexes, reasons, rows): its passes over them cost
    4 s of a 30 s run at 10,000 firms per country (benchmarks/matching.py: `match run` CPU
    30.0-30.8 s with it, 25.5-26.5 s without, peak memory the same). What the run leaves in
    cycles is collected after it. (Runs in two threads at once: the one that found it
    enabled enables it when it ends, and the other goes on with it: slower, never wrong.)"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _one_thread() -> Iterator[None]:
    """BLAS, OpenMP and numexpr on one thread while a full run scores: on a shared server the
    web workers keep the other cores (gunicorn.conf.py limits them the same way), and threads
    that wait for a busy core spin: at 10,000 firms per country a run took 27.9 s of CPU with
    two threads and 24.2 s with one under load; on a quiet machine 26.1 s of CPU (20.8 s wall)
    with two, 20.9 s (20.9 s wall) with one (benchmarks/matching.py)."""
    old_numexpr = numexpr.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        numexpr.set_num_threads(old_numexpr)


@_collector_paused()
@_one_thread()
def recompute(
    session: Session,
    state_dir: str | Path,
    top_k: int = 10,
    progress: Progress | None = None,
    write_batch: int = WRITE_BATCH,
    embed_progress: EmbedProgress | None = None,
    min_score: float = MIN_SCORE,
) -> RunReport:
    """Recompute every proposal in one transaction; staff decisions and notes survive.
    Proposals are explained and written `write_batch` at a time; none scores below
    `min_score` unless staff decided on it."""
    started = time.perf_counter()
    tick = _ticker(progress)
    report = RunReport()
    report.embedded = embeddings.ensure_embeddings(session, progress=embed_progress)
    scorer, report.learning = choose_scorer(session)
    profiles = load_profiles(session)
    report.firms = len(profiles)
    tick("read firms", 10)
    engine = MatchEngine(scorer=scorer, top_k=top_k).fit(
        list(profiles.values()), vectors_by_ref(session, profiles)
    )
    tick("vectorised profiles", 35)
    pairs = engine.propose(progress=lambda done: tick("scoring pairs", 35 + int(25 * done)))
    pairs = pairs.subset(pairs.score >= min_score)
    tick("scored pairs", 60)
    pk_ids, by_ids = _ids(engine, {p.ref: firm_id for firm_id, p in profiles.items()})
    existing = _existing(session)
    pairs = PairSet.concat([pairs, _decided_outside(engine, pairs, pk_ids, by_ids, existing)])
    delete_stale(session, pairs, pk_ids, by_ids, existing, report)
    # Reasons are written batch by batch, so their text never all sits in memory at once.
    indexes = sentence_indexes(engine)
    batch = max(1, int(write_batch))
    total = -(-len(pairs) // batch)
    for number, start in enumerate(range(0, len(pairs), batch), start=1):
        part = pairs.subset(np.arange(start, min(start + batch, len(pairs))))
        write(session, part, explain(engine, part, indexes), pk_ids, by_ids, existing, report)
        report.batches = number
        tick(f"explained and saved batch {number}/{total}", 60 + int(35 * number / total))
    engine_state.start_generation(session, engine, state_dir, report.firms)
    session.commit()
    tick("saved", 100)
    report.proposals = len(pairs)
    report.seconds = time.perf_counter() - started
    return report


def _ids(engine: MatchEngine, id_of: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Database ids of the engine's PK and BY firms (-1 for a firm deleted since)."""
    return (
        np.array([id_of.get(f.ref, -1) for f in engine.pk_firms_], dtype=np.int64),
        np.array([id_of.get(f.ref, -1) for f in engine.by_firms_], dtype=np.int64),
    )


def _existing(session: Session, firm_id: int | None = None, country: str = "PK"):
    stmt = select(Proposal.id, Proposal.pk_firm_id, Proposal.by_firm_id, Proposal.status)
    if firm_id is not None:
        column = Proposal.pk_firm_id if country == "PK" else Proposal.by_firm_id
        stmt = stmt.where(column == firm_id)
    return {(row.pk_firm_id, row.by_firm_id): (row.id, row.status) for row in session.execute(stmt)}


def _decided_outside(engine, pairs, pk_ids, by_ids, existing) -> PairSet:
    """Decided pairs that fell out of everyone's top k: kept and rescored."""
    chosen = set(zip(pk_ids[pairs.pk].tolist(), by_ids[pairs.by].tolist(), strict=True))
    pk_pos = {int(v): n for n, v in enumerate(pk_ids)}
    by_pos = {int(v): n for n, v in enumerate(by_ids)}
    extra = [
        pair
        for pair, (_, status) in existing.items()
        if status != Status.PROPOSED
        and pair not in chosen
        and pair[0] in pk_pos
        and pair[1] in by_pos
    ]
    if not extra:
        return PairSet.concat([])
    return engine.score_pairs(
        np.array([pk_pos[a] for a, _ in extra], dtype=np.int64),
        np.array([by_pos[b] for _, b in extra], dtype=np.int64),
    )


def _ticker(progress: Progress | None) -> Progress:
    def tick(stage: str, percent: int) -> None:
        if progress is not None:
            progress(stage, percent)

    return tick


def refresh_firms(
    session: Session,
    firm_ids: Iterable[int],
    state_dir: str | Path,
    top_k: int = 10,
    min_score: float = MIN_SCORE,
) -> RunReport:
    """Refresh the proposals of a few new or edited firms without a full recompute: their
    top K come out as a full run on the same data would give them."""
    ids = list(dict.fromkeys(firm_ids))
    report = RunReport()
    if not ids:
        return report
    started = time.perf_counter()
    report.embedded = embeddings.ensure_embeddings(session, ids)
    with engine_state.lock:
        try:
            held = engine_state.current_engine(session, state_dir)
        except engine_state.EngineVersionMismatch as exc:
            log.warning("%s", exc)
            held = None
        if held is None:
            session.rollback()
            # No usable engine: a small registry is simply recomputed; a large one waits for
            # the next `match run` rather than holding up the request.
            if (session.scalar(select(func.count(Firm.id))) or 0) <= INLINE_RECOMPUTE_LIMIT:
                return recompute(session, state_dir, top_k, min_score=min_score)
            log.warning("no matching engine yet: firms %s wait for the next match run", ids)
            return report
        try:
            engine_state.lock_generation(session, held.generation)
            engine_state.replay(session, held)  # changes committed while we waited
            _refresh(session, held, ids, top_k, report, min_score)
            changes = engine_state.record_changes(session, held, ids)
            session.commit()
        except Exception:
            session.rollback()
            engine_state.forget(state_dir)  # its engine has changes the database has not
            raise
        held.applied = max(held.applied, changes[-1])
        engine_state.maybe_compact(state_dir, held)
    report.seconds = time.perf_counter() - started
    return report


def _refresh(
    session: Session, held, ids: list[int], top_k: int, report: RunReport, min_score: float
) -> None:
    engine = held.engine
    placed = put_firms(session, engine, ids)
    id_of = dict(session.execute(select(Firm.ref, Firm.id)).all())
    pk_ids, by_ids = _ids(engine, id_of)
    for firm_id, country, index in placed:
        pairs = engine.pairs_for(index, country, top_k)
        # Firms of the engine that no longer exist are left out.
        pairs = pairs.subset(
            (pk_ids[pairs.pk] > 0) & (by_ids[pairs.by] > 0) & (pairs.score >= min_score)
        )
        existing = _existing(session, firm_id, country)
        delete_stale(session, pairs, pk_ids, by_ids, existing, report, only_firm=firm_id)
        write(session, pairs, explain(engine, pairs), pk_ids, by_ids, existing, report)
        report.proposals += len(pairs)
    report.firms = len(placed)


def score_pair(session: Session, state_dir: str | Path, pk: Firm, by: Firm):
    """The engine's score, reasons and signals for one PK and one BY firm (an introduction a
    firm asked for), as a run would write them; None when the engine does not hold both."""
    with engine_state.lock:
        try:
            held = engine_state.current_engine(session, state_dir)
        except engine_state.EngineVersionMismatch as exc:
            log.warning("%s", exc)
            return None
        if held is None:
            return None
        engine = held.engine
        i, j = engine.index_of(pk.ref, "PK"), engine.index_of(by.ref, "BY")
        if i is None or j is None:
            return None
        pairs = engine.score_pairs(np.array([i], dtype=np.int64), np.array([j], dtype=np.int64))
        reasons = explain(engine, pairs)[0]
    signals = {name: float(v) for name, v in zip(SIGNALS, pairs.signals[0].tolist(), strict=True)}
    return round(float(pairs.score[0]), 6), reasons, signals


def export_rows(session: Session) -> list[dict[str, Any]]:
    """CONTRACT: per firm, its proposals ranked by score (ties by partner ref), rank from 1."""
    pk, by = aliased(Firm), aliased(Firm)
    rows = session.execute(
        select(pk.ref, by.ref, Proposal.score, Proposal.status, Proposal.reasons)
        .join(pk, Proposal.pk_firm_id == pk.id)
        .join(by, Proposal.by_firm_id == by.id)
    ).all()
    per_firm: dict[str, list[tuple[float, str, str, list[str]]]] = {}
    for pk_ref, by_ref, score, status, reasons in rows:
        per_firm.setdefault(pk_ref, []).append((score, by_ref, str(status), reasons))
        per_firm.setdefault(by_ref, []).append((score, pk_ref, str(status), reasons))
    out = []
    for firm in sorted(per_firm):
        ranked = sorted(per_firm[firm], key=lambda item: (-item[0], item[1]))
        for rank, (score, partner, status, reasons) in enumerate(ranked, start=1):
            out.append(
                {
                    "firm": firm,
                    "partner": partner,
                    "rank": rank,
                    "score": round(float(score), 4),
                    "status": status,
                    "reasons": english_reasons(reasons),
                }
            )
    return out
