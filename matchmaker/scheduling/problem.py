"""The input of the scheduler: an event's slots and tables, its participants and candidate meetings.

Public surface: `Participant`, `Candidate`, `Assignment`, `Problem`, `ProblemError`.

Slots are numbered 0 .. slot_count - 1 in time order (see slots.build_slots for their times).
Tables are numbered 1 .. tables; an assignment whose table is None is an online meeting (it needs
no table but a video link), of which each slot holds at most `online_capacity`.
Firms and meetings are named by the caller's keys (any hashable: database ids, say); the problem
keeps the caller's order, and the same input always gives the same schedule.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from matchmaker.scheduling.priority import DEFAULT_PRIORITY, MeetingKind, Priority

FirmKey = Hashable
MeetingKey = Hashable


class ProblemError(ValueError):
    """The input cannot be scheduled as given (unknown firm, duplicate meeting, bad slot...)."""


@dataclass(frozen=True)
class Participant:
    """A registered firm: the slots it cannot attend, its own cap on meetings, remote or not."""

    key: FirmKey
    unavailable: frozenset[int] = frozenset()
    max_meetings: int | None = None  # None: the event's default (Problem.max_meetings)
    online_only: bool = False  # attends remotely: its meetings must be online

    def __post_init__(self) -> None:
        object.__setattr__(self, "unavailable", frozenset(self.unavailable))
        if self.max_meetings is not None and self.max_meetings < 0:
            raise ProblemError(f"firm {self.key!r}: max_meetings must be >= 0")


@dataclass(frozen=True)
class Candidate:
    """An accepted meeting to place: two firms, its kind and (if recommended) match strength."""

    key: MeetingKey
    firm_a: FirmKey
    firm_b: FirmKey
    kind: MeetingKind
    strength: float = 0.0  # match strength in [0, 1]; weighs recommended meetings only

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", MeetingKind(self.kind))
        if not (math.isfinite(self.strength) and 0.0 <= self.strength <= 1.0):
            raise ProblemError(f"meeting {self.key!r}: strength must be in [0, 1]")
        if self.firm_a == self.firm_b:
            raise ProblemError(f"meeting {self.key!r}: a firm cannot meet itself")

    @property
    def firms(self) -> tuple[FirmKey, FirmKey]:
        return (self.firm_a, self.firm_b)


@dataclass(frozen=True)
class Assignment:
    """A meeting placed in a slot at a table (table None: online, with a video link)."""

    meeting: MeetingKey
    slot: int
    table: int | None

    @property
    def online(self) -> bool:
        return self.table is None


@dataclass(frozen=True)
class Problem:
    """One event to schedule. Checked on construction; the arrays below are derived once."""

    slot_count: int
    tables: int
    participants: tuple[Participant, ...]
    candidates: tuple[Candidate, ...]
    online_capacity: int = 0
    max_meetings: int | None = None  # per firm, unless the participant sets its own
    locked: tuple[Assignment, ...] = ()  # placed by staff or published: kept as they are
    priority: Priority = field(default=DEFAULT_PRIORITY)

    def __post_init__(self) -> None:
        for name in ("participants", "candidates", "locked"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name in ("slot_count", "tables", "online_capacity"):
            if getattr(self, name) < 0:
                raise ProblemError(f"{name} must be >= 0")
        if self.max_meetings is not None and self.max_meetings < 0:
            raise ProblemError("max_meetings must be >= 0")
        _unique((p.key for p in self.participants), "firm")
        _unique((c.key for c in self.candidates), "meeting")
        _unique((a.meeting for a in self.locked), "locked meeting")
        for p in self.participants:
            bad = [s for s in p.unavailable if not 0 <= s < self.slot_count]
            if bad:
                raise ProblemError(f"firm {p.key!r}: no slot {min(bad)}")
        self._check_candidates()
        for a in self.locked:
            if a.meeting not in self.candidate_index:
                raise ProblemError(f"locked meeting {a.meeting!r} is not a candidate")
            if not 0 <= a.slot < self.slot_count:
                raise ProblemError(f"locked meeting {a.meeting!r}: no slot {a.slot}")

    def _check_candidates(self) -> None:
        pairs: dict[frozenset, MeetingKey] = {}
        for c in self.candidates:
            for firm in c.firms:
                if firm not in self.firm_index:
                    raise ProblemError(f"meeting {c.key!r}: unknown firm {firm!r}")
            pair = frozenset(c.firms)
            if pair in pairs:
                raise ProblemError(
                    f"meetings {pairs[pair]!r} and {c.key!r} are both between "
                    f"{c.firm_a!r} and {c.firm_b!r}: give one candidate per pair"
                )
            pairs[pair] = c.key

    def with_locked(self, locked: Iterable[Assignment]) -> Problem:
        """The same event with these meetings locked (say, the published ones, to re-solve)."""
        return replace(self, locked=tuple(locked))

    @property
    def capacity(self) -> int:
        """Meetings one slot holds: its tables plus its online meetings."""
        return self.tables + self.online_capacity

    @cached_property
    def firm_index(self) -> dict[FirmKey, int]:
        return {p.key: i for i, p in enumerate(self.participants)}

    @cached_property
    def candidate_index(self) -> dict[MeetingKey, int]:
        return {c.key: i for i, c in enumerate(self.candidates)}

    @cached_property
    def firms_of(self) -> Mapping[MeetingKey, tuple[FirmKey, FirmKey]]:
        """Each candidate's two firms, by meeting key (what diff_schedules needs)."""
        return {c.key: c.firms for c in self.candidates}

    @cached_property
    def pairs(self) -> np.ndarray:
        """(candidates, 2) firm indices of each candidate."""
        index = self.firm_index
        flat = [index[f] for c in self.candidates for f in c.firms]
        return np.array(flat, dtype=np.intp).reshape(len(self.candidates), 2)

    @cached_property
    def available(self) -> np.ndarray:
        """(firms, slots) True where the firm can meet."""
        grid = np.ones((len(self.participants), self.slot_count), dtype=bool)
        for i, p in enumerate(self.participants):
            grid[i, list(p.unavailable)] = False
        return grid

    def cap(self, firm: int) -> int | None:
        """The most meetings the firm (by index) may have, if it or the event sets a maximum."""
        own = self.participants[firm].max_meetings
        return self.max_meetings if own is None else own

    @cached_property
    def limits(self) -> np.ndarray:
        """(firms,) the most meetings each firm can have: its cap, and never more than the slots."""
        caps = [self.cap(f) for f in range(len(self.participants))]
        caps = [self.slot_count if c is None else min(c, self.slot_count) for c in caps]
        return np.array(caps, dtype=np.int64)

    @cached_property
    def online_only(self) -> np.ndarray:
        """(candidates,) True where a firm of the meeting attends remotely."""
        remote = np.array([p.online_only for p in self.participants], dtype=bool)
        return remote[self.pairs].any(axis=1)

    @cached_property
    def weights(self) -> np.ndarray:
        """(candidates,) the priority of each candidate (see priority.py)."""
        weight = self.priority.weight
        return np.array([weight(c.kind, c.strength) for c in self.candidates], dtype=np.float64)

    def objective(self, assignments: Iterable[Assignment]) -> float:
        """The total priority of the (known, distinct) meetings in `assignments`."""
        index = self.candidate_index
        keys = {a.meeting for a in assignments if a.meeting in index}
        return float(sum(self.weights[index[k]] for k in keys))


def _unique(keys: Iterable[Hashable], what: str) -> None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise ProblemError(f"{what} {key!r} is given twice")
        seen.add(key)
