"""One engine state for every process: the stored snapshot and the changes made since.

A full `match run` starts a generation (a row of `engine_generations`) and writes the fitted
engine to `engine-<generation>-<last change>.pickle` in the state folder (written to a
temporary file and renamed, so a reader never sees half of one). Every refresh after a profile
save records the firms it put into the engine (`engine_changes`, in the transaction that
writes their proposals). Before using its engine, a process (each gunicorn worker, the RQ
worker, a command) loads the newest snapshot of the current generation if it has an older
one, and replays the changes it has not applied yet from the database. So all processes agree
on the engine, and a worker that dies loses nothing. Every `COMPACT_EVERY` changes the
refreshing process writes a newer snapshot, so a starting process replays few changes.

One lock per process keeps two threads from changing one engine; across processes, a refresh
locks its generation's row (PostgreSQL `FOR UPDATE`; SQLite has one writer at a time anyway).
The stored engine carries `ENGINE_VERSION`; a snapshot of another version is refused
(`EngineVersionMismatch`, which says to run `match run`).
"""

from __future__ import annotations

import logging
import pickle
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.matching import ENGINE_VERSION, MatchEngine
from matchmaker.models import EngineChange, EngineGeneration
from matchmaker.services.profiles import put_firms

log = logging.getLogger(__name__)
COMPACT_EVERY = 50
_SNAPSHOT = re.compile(r"engine-(\d+)-(\d+)\.pickle$")
lock = threading.RLock()  # held while an engine is read or changed in this process


class EngineVersionMismatch(RuntimeError):
    """The kept engine was written by another engine version."""


@dataclass
class HeldEngine:
    engine: MatchEngine
    generation: int
    applied: int  # the last change id applied
    saved: int  # the change id of the snapshot it came from or wrote


_held: dict[str, HeldEngine] = {}


def latest_generation(session: Session) -> EngineGeneration | None:
    return session.scalar(select(EngineGeneration).order_by(EngineGeneration.id.desc()).limit(1))


def start_generation(
    session: Session, engine: MatchEngine, state_dir: str | Path, firms: int
) -> int:
    """A new generation for a freshly fitted engine: its row (in the caller's transaction) and
    its snapshot file. Older snapshots are removed."""
    row = EngineGeneration(
        engine_version=engine.engine_version_, embedder=engine.embedder_name_, firms=firms
    )
    session.add(row)
    session.flush()
    _write(engine, state_dir, row.id, 0)
    with lock:
        _held[str(state_dir)] = HeldEngine(engine, row.id, 0, 0)
    return row.id


def forget(state_dir: str | Path) -> None:
    """Drop this process's engine (after a failed change; the next use reloads)."""
    with lock:
        _held.pop(str(state_dir), None)


def current_engine(session: Session, state_dir: str | Path) -> HeldEngine | None:
    """This process's engine, brought up to date with the stored state; None when there is
    no usable snapshot (never fitted, or its file is missing or unreadable). Raises
    EngineVersionMismatch for a snapshot of another engine version. Call with `lock` held."""
    generation = latest_generation(session)
    if generation is None:
        return None
    if generation.engine_version != ENGINE_VERSION:
        raise EngineVersionMismatch(
            f"the kept matching engine is version {generation.engine_version}, this code "
            f"needs {ENGINE_VERSION}: run `flask --app matchmaker match run` to rebuild it"
        )
    key = str(state_dir)
    held = _held.get(key)
    if held is None or held.generation != generation.id:
        held = _load(state_dir, generation.id)
        if held is None:
            return None
        _held[key] = held
    replay(session, held)
    return held


def _load(state_dir: str | Path, generation: int) -> HeldEngine | None:
    found = sorted(
        (int(m.group(2)), path)
        for path in Path(state_dir).glob(f"engine-{generation}-*.pickle")
        if (m := _SNAPSHOT.search(path.name)) and int(m.group(1)) == generation
    )
    if not found:
        log.warning("no snapshot of matching engine generation %s in %s", generation, state_dir)
        return None
    applied, path = found[-1]
    try:
        with open(path, "rb") as stream:
            # Written only by this application into its own state folder.
            engine = pickle.load(stream)  # noqa: S301
        if not isinstance(engine, MatchEngine):
            raise TypeError(type(engine).__name__)
    except Exception:  # an unreadable snapshot: wait for the next full run
        log.warning("ignoring the unreadable matching snapshot %s", path, exc_info=True)
        return None
    if getattr(engine, "engine_version_", None) != ENGINE_VERSION:
        raise EngineVersionMismatch(
            f"the snapshot {path.name} is engine version "
            f"{getattr(engine, 'engine_version_', 'unknown')}, this code needs "
            f"{ENGINE_VERSION}: run `flask --app matchmaker match run` to rebuild it"
        )
    return HeldEngine(engine, generation, applied, applied)


def replay(session: Session, held: HeldEngine) -> None:
    """Apply the changes recorded by other processes since this engine's last one."""
    changes = session.execute(
        select(EngineChange.id, EngineChange.firm_id)
        .where(EngineChange.generation_id == held.generation, EngineChange.id > held.applied)
        .order_by(EngineChange.id)
    ).all()
    if not changes:
        return
    put_firms(session, held.engine, list(dict.fromkeys(firm_id for _, firm_id in changes)))
    held.applied = changes[-1][0]


def lock_generation(session: Session, generation: int) -> None:
    """Serialise changes to one generation across processes (until the transaction ends)."""
    session.execute(
        select(EngineGeneration.id).where(EngineGeneration.id == generation).with_for_update()
    )


def record_changes(session: Session, held: HeldEngine, firm_ids: list[int]) -> list[int]:
    """The changes of this refresh, in the caller's transaction; their ids."""
    rows = [EngineChange(generation_id=held.generation, firm_id=f) for f in firm_ids]
    session.add_all(rows)
    session.flush()
    return [row.id for row in rows]


def maybe_compact(state_dir: str | Path, held: HeldEngine) -> None:
    """Write a newer snapshot once enough changes have piled up since the last one."""
    if held.applied - held.saved >= COMPACT_EVERY:
        _write(held.engine, state_dir, held.generation, held.applied)
        held.saved = held.applied


def _write(engine: MatchEngine, state_dir: str | Path, generation: int, applied: int) -> None:
    folder = Path(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"engine-{generation}-{applied}.pickle"
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as out:
        pickle.dump(engine, out, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in folder.glob("engine-*.pickle"):
        m = _SNAPSHOT.search(old.name)
        if m and (int(m.group(1)), int(m.group(2))) < (generation, applied):
            old.unlink(missing_ok=True)


def change_count(session: Session, generation: int) -> int:
    return (
        session.scalar(
            select(func.count(EngineChange.id)).where(EngineChange.generation_id == generation)
        )
        or 0
    )


def warm(session: Session, state_dir: str | Path) -> bool:
    """Load the shared engine and its matrices (before the first request, so the first profile
    save after a start answers as fast as the next); True when there was one to load."""
    with lock:
        held = current_engine(session, state_dir)
        if held is not None and held.engine.pk_firms_ and held.engine.by_firms_:
            held.engine.rank_for(0, "PK")  # computes both sides' matrices
    return held is not None
