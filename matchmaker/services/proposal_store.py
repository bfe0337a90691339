"""Writing proposals in bulk: new rows through the driver's executemany, new scores of existing
rows staged in a temporary table and applied with one UPDATE ... FROM (all in the caller's
transaction, so a failed run leaves the previous proposals intact)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import orjson
from sqlalchemy import JSON, Column, Connection, Float, Integer, MetaData, Table, delete, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from matchmaker.matching import SIGNALS
from matchmaker.matching.scoring import PairSet
from matchmaker.models import Proposal, ProposalCount, utcnow
from matchmaker.models import ProposalStatus as Status

Existing = dict[tuple[int, int], tuple[int, Status]]


_SIGNALS_JSON = "{" + ", ".join(f'"{name}": %.6g' for name in SIGNALS) + "}"


def _encode_json(value: Any) -> str:
    """JSON text of a proposal's reasons: orjson, a tenth of the standard encoder's CPU over
    a match run's 130,000 proposals (benchmarks/matching.py)."""
    return orjson.dumps(value).decode()


def write(
    session: Session,
    pairs: PairSet,
    reasons: list[list[str]],
    pk_ids: np.ndarray,
    by_ids: np.ndarray,
    existing: Existing,
    report,
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


def delete_stale(
    session: Session,
    pairs: PairSet,
    pk_ids: np.ndarray,
    by_ids: np.ndarray,
    existing: Existing,
    report,
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
        # A pair a firm asked EDB to introduce stays until EDB decides on it.
        result = session.execute(
            delete(Proposal).where(
                Proposal.id.in_(stale[start : start + 500]),
                Proposal.requested_by_firm_id.is_(None),
            )
        )
        report.removed += result.rowcount


def _driver_sql(session: Session, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Rows straight through the driver, no per-row work in SQLAlchemy: executemany (SQLite),
    COPY (PostgreSQL)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, rows)
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    # Table and column names are constants of this module; values go as parameters.
    placeholders = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    for start in range(0, len(rows), 20_000):
        connection.exec_driver_sql(sql, rows[start : start + 20_000])


def _copy(connection: Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """PostgreSQL: the rows in one COPY, one statement, so the statement-level trigger that
    counts proposals (migration perf01_counters) runs once. Through executemany it ran once
    per row, each run updating the same count row again in one transaction: 40,562 proposals
    (3,000 firms per country) cost 15.5 s of PostgreSQL CPU to insert that way, 73 s when
    done again in that transaction, against 2.3 s with no trigger at all."""
    # Table and column names are constants of this module; the rows go as COPY data.
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


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
    rows = [(*row, "proposed", 1, stamp) for row in rows]
    if session.connection().dialect.name != "sqlite":
        _driver_sql(session, "proposals", columns, rows)  # a statement-level trigger counts
        return
    with _count_trigger_suspended(session.connection(), "proposal_counts_insert"):
        _driver_sql(session, "proposals", columns, rows)
        session.execute(
            insert(ProposalCount)
            .values(status=Status.PROPOSED.value, total=len(rows))
            .on_conflict_do_update(
                index_elements=["status"], set_={"total": ProposalCount.total + len(rows)}
            )
        )


@contextmanager
def _count_trigger_suspended(connection: Connection, trigger: str) -> Iterator[None]:
    """SQLite counts proposals with a trigger per row (migration perf01_counters), which
    doubled a bulk insert's cost: the 130,242 proposals of benchmarks/matching.py's database
    took 5.1 s of CPU to insert with it and 2.5 s without (the same rows, one executemany).
    For a bulk insert the trigger is dropped and created again from its own stored
    definition, in the caller's transaction (SQLite's DDL is transactional: a failure
    restores it), and the caller counts the rows once."""
    definition = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
    ).scalar()
    if definition is None:
        yield
        return
    connection.exec_driver_sql(f"DROP TRIGGER {trigger}")  # a name of this module
    yield
    connection.exec_driver_sql(definition)


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
