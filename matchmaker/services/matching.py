"""Recomputing proposals with the matching engine, incremental refresh, and the export."""

from __future__ import annotations

import json
import logging
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    JSON,
    Column,
    Float,
    Integer,
    MetaData,
    Table,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from matchmaker.matching import SIGNALS, DefaultWeights, FirmProfile, MatchEngine
from matchmaker.matching.explain import explain, sentence_indexes
from matchmaker.matching.learning import LearningReport, fit_weights
from matchmaker.matching.model import PairSet, Scorer
from matchmaker.models import (
    Direction,
    Firm,
    FirmCooperationType,
    FirmSector,
    Proposal,
    utcnow,
)
from matchmaker.models import ProposalStatus as Status

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (stage, percent done)
SNAPSHOT = "engine.pickle"
INLINE_RECOMPUTE_LIMIT = 2000
WRITE_BATCH = 50_000
_engine_cache: dict[str, tuple[float, MatchEngine]] = {}


@dataclass
class RunReport:
    firms: int = 0
    proposals: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_decided: int = 0
    seconds: float = 0.0
    learning: LearningReport | None = None
    timings: dict[str, float] = field(default_factory=dict)


def load_profiles(
    session: Session, firm_ids: Iterable[int] | None = None
) -> dict[int, FirmProfile]:
    """Firm id -> profile, read with three plain queries (fast for tens of thousands)."""
    firm_q = select(
        Firm.id, Firm.ref, Firm.name, Firm.country, Firm.offers, Firm.seeks, Firm.description
    )
    sector_q = select(FirmSector.firm_id, FirmSector.sector_code).order_by(
        FirmSector.firm_id, FirmSector.position
    )
    type_q = select(
        FirmCooperationType.firm_id, FirmCooperationType.type_code, FirmCooperationType.direction
    ).order_by(FirmCooperationType.firm_id, FirmCooperationType.position)
    if firm_ids is not None:
        ids = list(firm_ids)
        firm_q = firm_q.where(Firm.id.in_(ids))
        sector_q = sector_q.where(FirmSector.firm_id.in_(ids))
        type_q = type_q.where(FirmCooperationType.firm_id.in_(ids))
    sectors: dict[int, list[str]] = {}
    for firm_id, code in session.execute(sector_q):
        sectors.setdefault(firm_id, []).append(code)
    offer_types: dict[int, list[str]] = {}
    seek_types: dict[int, list[str]] = {}
    for firm_id, code, direction in session.execute(type_q):
        target = offer_types if direction == Direction.OFFER else seek_types
        target.setdefault(firm_id, []).append(code)
    return {
        row.id: FirmProfile(
            ref=row.ref,
            country=row.country,
            sectors=tuple(sectors.get(row.id, ())),
            offers=row.offers,
            seeks=row.seeks,
            description=row.description or "",
            offer_types=tuple(offer_types.get(row.id, ())),
            seek_types=tuple(seek_types.get(row.id, ())),
            name=row.name,
        )
        for row in session.execute(firm_q)
    }


def choose_scorer(session: Session) -> tuple[Scorer, LearningReport]:
    """Weights fitted to EDB decisions when there are enough, else the documented defaults."""
    rows = session.execute(
        select(Proposal.signals, Proposal.status).where(Proposal.status != Status.PROPOSED)
    ).all()
    signals = np.array(
        [[float((s or {}).get(name, 0.0)) for name in SIGNALS] for s, _ in rows], dtype=float
    ).reshape(-1, len(SIGNALS))
    approved = np.array([status == Status.APPROVED for _, status in rows], dtype=bool)
    report = fit_weights(signals, approved)
    return (report.weights or DefaultWeights()), report


def recompute(
    session: Session,
    state_dir: str | Path,
    top_k: int = 10,
    progress: Progress | None = None,
    write_batch: int = WRITE_BATCH,
) -> RunReport:
    """Recompute every proposal in one transaction; staff decisions and notes survive."""
    started = time.perf_counter()
    tick = _ticker(progress)
    report = RunReport()
    scorer, report.learning = choose_scorer(session)
    profiles = load_profiles(session)
    report.firms = len(profiles)
    tick("read firms", 10)
    engine = MatchEngine(scorer=scorer).fit(list(profiles.values()))
    tick("vectorised profiles", 35)
    pairs = engine.propose(top_k, progress=lambda done: tick("scoring pairs", 35 + int(25 * done)))
    tick("scored pairs", 60)
    id_of = {p.ref: firm_id for firm_id, p in profiles.items()}
    pk_ids = np.array([id_of[f.ref] for f in engine.pk_firms], dtype=np.int64)
    by_ids = np.array([id_of[f.ref] for f in engine.by_firms], dtype=np.int64)
    existing = {
        (row.pk_firm_id, row.by_firm_id): (row.id, row.status)
        for row in session.execute(
            select(Proposal.id, Proposal.pk_firm_id, Proposal.by_firm_id, Proposal.status)
        )
    }
    # Decided pairs that fell out of everyone's top k are kept and rescored.
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
    if extra:
        rescored = engine.score_pairs(
            np.array([pk_pos[a] for a, _ in extra], dtype=np.int64),
            np.array([by_pos[b] for _, b in extra], dtype=np.int64),
        )
        pairs = PairSet.concat([pairs, rescored])
    _delete_stale(session, pairs, pk_ids, by_ids, existing, report)
    # Reasons are written batch by batch, so their text never all sits in memory at once.
    indexes = sentence_indexes(engine)
    for start in range(0, len(pairs), WRITE_BATCH):
        part = pairs.subset(np.arange(start, min(start + WRITE_BATCH, len(pairs))))
        _write(session, part, explain(engine, part, indexes), pk_ids, by_ids, existing, report)
        tick(
            "explained and saved", 60 + int(35 * min(start + WRITE_BATCH, len(pairs)) / len(pairs))
        )
    session.commit()
    tick("saved", 95)
    save_snapshot(engine, state_dir)
    tick("done", 100)
    report.proposals = len(pairs)
    report.seconds = time.perf_counter() - started
    log.debug(
        "match run: %s firms, %s proposals in %.1fs", report.firms, report.proposals, report.seconds
    )
    return report


def _ticker(progress: Progress | None) -> Progress:
    def tick(stage: str, percent: int) -> None:
        if progress is not None:
            progress(stage, percent)

    return tick


_SIGNALS_JSON = "{" + ", ".join(f'"{name}": %.6g' for name in SIGNALS) + "}"
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _write(
    session: Session,
    pairs: PairSet,
    reasons: list[list[str]],
    pk_ids: np.ndarray,
    by_ids: np.ndarray,
    existing: dict[tuple[int, int], tuple[int, Status]],
    report: RunReport,
) -> None:
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    scores = np.round(pairs.score, 6).tolist()
    signals = pairs.signals.astype(np.float64).tolist()
    for p, (a, b) in enumerate(
        zip(pk_ids[pairs.pk].tolist(), by_ids[pairs.by].tolist(), strict=True)
    ):
        values = (scores[p], _encode_json(reasons[p]), _SIGNALS_JSON % tuple(signals[p]))
        if (a, b) in existing:
            proposal_id, status = existing[(a, b)]
            updates.append((proposal_id, *values))
            report.kept_decided += status != Status.PROPOSED
        else:
            inserts.append((a, b, *values))
    _update_in_bulk(session, updates)
    _insert_in_bulk(session, inserts)
    report.created += len(inserts)
    report.updated += len(updates)


def _delete_stale(
    session: Session,
    pairs: PairSet,
    pk_ids: np.ndarray,
    by_ids: np.ndarray,
    existing: dict[tuple[int, int], tuple[int, Status]],
    report: RunReport,
    *,
    only_firm: int | None = None,
) -> None:
    """Remove `proposed` pairs that are no longer proposed (decided ones always stay)."""
    seen = set(zip(pk_ids[pairs.pk].tolist(), by_ids[pairs.by].tolist(), strict=True))
    stale = [
        proposal_id
        for pair, (proposal_id, status) in existing.items()
        if status == Status.PROPOSED
        and pair not in seen
        and (only_firm is None or only_firm in pair)
    ]
    for start in range(0, len(stale), 500):
        session.execute(delete(Proposal).where(Proposal.id.in_(stale[start : start + 500])))
    report.removed += len(stale)


def _driver_sql(session: Session, table: str, columns: list[str], rows: list[tuple]) -> None:
    """executemany straight through the driver: no per-row work in SQLAlchemy."""
    if not rows:
        return
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Table and column names are constants of this module; values go as parameters.
    placeholders = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    for start in range(0, len(rows), 20_000):
        connection.exec_driver_sql(sql, rows[start : start + 20_000])


def _insert_in_bulk(session: Session, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    now = utcnow()
    # SQLite keeps timestamps as text in SQLAlchemy's format; PostgreSQL takes the datetime.
    stamp: Any = now
    if session.connection().dialect.name == "sqlite":
        stamp = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    columns = [
        "pk_firm_id",
        "by_firm_id",
        "score",
        "reasons",
        "signals",
        "status",
        "version",
        "created_at",
    ]
    _driver_sql(session, "proposals", columns, [(*row, "proposed", 1, stamp) for row in rows])


# New scores of existing proposals are staged in a temporary table and applied with one
# UPDATE ... FROM.
_STAGE = Table(
    "proposal_stage",
    MetaData(),
    Column("proposal_id", Integer, primary_key=True),
    Column("score", Float),
    Column("reasons", JSON),
    Column("signals", JSON),
    prefixes=["TEMPORARY"],
)


def _update_in_bulk(session: Session, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    connection = session.connection()
    _STAGE.drop(connection, checkfirst=True)
    _STAGE.create(connection)
    _driver_sql(session, "proposal_stage", ["proposal_id", "score", "reasons", "signals"], rows)
    table = Proposal.__table__
    connection.execute(
        update(table)
        .where(table.c.id == _STAGE.c.proposal_id)
        .values(score=_STAGE.c.score, reasons=_STAGE.c.reasons, signals=_STAGE.c.signals)
    )
    _STAGE.drop(connection)


def save_snapshot(engine: MatchEngine, state_dir: str | Path) -> None:
    """Keep the fitted engine so one edited firm can be refreshed without a full run."""
    path = Path(state_dir) / SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        pickle.dump(engine, out, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    _engine_cache[str(path)] = (path.stat().st_mtime, engine)


def load_snapshot(state_dir: str | Path) -> MatchEngine | None:
    path = Path(state_dir) / SNAPSHOT
    if not path.exists():
        return None
    mtime = path.stat().st_mtime
    cached = _engine_cache.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1]
    # Written only by this application into its own instance folder.
    try:
        with open(path, "rb") as stream:
            engine = pickle.load(stream)  # noqa: S301
        if not isinstance(engine, MatchEngine):
            raise TypeError(type(engine).__name__)
    except Exception:  # an unreadable or outdated snapshot: wait for the next full run
        log.warning("ignoring the unreadable matching snapshot %s", path, exc_info=True)
        return None
    _engine_cache[str(path)] = (mtime, engine)
    return engine


def refresh_firms(
    session: Session, firm_ids: Iterable[int], state_dir: str | Path, top_k: int = 10
) -> RunReport:
    """Refresh the proposals of a few new or edited firms without a full recompute."""
    ids = list(firm_ids)
    report = RunReport()
    if not ids:
        return report
    engine = load_snapshot(state_dir)
    if engine is None:
        # No fitted engine yet: a small registry is simply recomputed; a large one waits for
        # the next `match run` rather than holding up the request.
        if (session.scalar(select(func.count(Firm.id))) or 0) <= INLINE_RECOMPUTE_LIMIT:
            return recompute(session, state_dir, top_k)
        log.warning("no matching snapshot yet: firms %s wait for the next match run", ids)
        return report
    started = time.perf_counter()
    profiles = load_profiles(session, ids)
    ids_by_ref = dict(session.execute(select(Firm.ref, Firm.id)).all())
    for firm_id, profile in profiles.items():
        index = engine.upsert_firm(profile)
        pairs = engine.pairs_for(index, profile.country)
        pk_ids = np.array([ids_by_ref.get(f.ref, -1) for f in engine.pk_firms], dtype=np.int64)
        by_ids = np.array([ids_by_ref.get(f.ref, -1) for f in engine.by_firms], dtype=np.int64)
        # Firms of the snapshot that no longer exist are left out.
        pairs = pairs.subset((pk_ids[pairs.pk] > 0) & (by_ids[pairs.by] > 0))
        column = Proposal.pk_firm_id if profile.country == "PK" else Proposal.by_firm_id
        existing = {
            (row.pk_firm_id, row.by_firm_id): (row.id, row.status)
            for row in session.execute(
                select(
                    Proposal.id, Proposal.pk_firm_id, Proposal.by_firm_id, Proposal.status
                ).where(column == firm_id)
            )
        }
        _delete_stale(session, pairs, pk_ids, by_ids, existing, report, only_firm=firm_id)
        _write(session, pairs, explain(engine, pairs), pk_ids, by_ids, existing, report)
        report.proposals += len(pairs)
    session.commit()
    report.firms = len(profiles)
    report.seconds = time.perf_counter() - started
    return report


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
                    "reasons": list(reasons),
                }
            )
    return out
