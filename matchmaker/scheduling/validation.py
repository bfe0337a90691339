"""Checking a schedule (the solver's or one staff edited) against the event's constraints.

Public surface: `validate`, `move_meeting`, `cancel_meeting`, `check_locked`, `Violation`,
`ViolationKind`, `MoveResult`, `LockedConflictError`.

A violation names its kind, the meetings, and where it applies (firm, slot, table); its message
is English for logs, and the web layer words it from the kind in the user's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from matchmaker.scheduling.problem import (
    Assignment,
    FirmKey,
    MeetingKey,
    Problem,
    ProblemError,
)


class ViolationKind(StrEnum):
    UNKNOWN_MEETING = "unknown_meeting"  # not one of the problem's candidates
    DUPLICATE_MEETING = "duplicate_meeting"  # the same meeting placed twice
    UNKNOWN_SLOT = "unknown_slot"
    UNKNOWN_TABLE = "unknown_table"  # a table number outside 1 .. tables
    FIRM_UNAVAILABLE = "firm_unavailable"  # a firm marked that slot unavailable
    FIRM_DOUBLE_BOOKED = "firm_double_booked"  # a firm in two meetings in one slot
    TABLE_DOUBLE_BOOKED = "table_double_booked"  # two meetings at one table in one slot
    ONLINE_OVER_CAPACITY = "online_over_capacity"  # more online meetings than online places
    SLOT_OVER_CAPACITY = "slot_over_capacity"  # more meetings than tables + online places
    FIRM_OVER_LIMIT = "firm_over_limit"  # a firm over its maximum number of meetings
    REMOTE_AT_TABLE = "remote_at_table"  # a remote (online-only) firm's meeting at a table


@dataclass(frozen=True)
class Violation:
    kind: ViolationKind
    meetings: tuple[MeetingKey, ...]
    message: str
    firm: FirmKey | None = None
    slot: int | None = None
    table: int | None = None


@dataclass(frozen=True)
class MoveResult:
    """The schedule after a move (unchanged when refused) and the violations the move causes."""

    assignments: tuple[Assignment, ...]
    violations: tuple[Violation, ...]

    @property
    def applied(self) -> bool:
        return not self.violations


class LockedConflictError(ProblemError):
    """The locked meetings alone break a constraint: staff must move one before re-solving."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("locked meetings conflict: " + "; ".join(v.message for v in violations))


def validate(problem: Problem, assignments: Iterable[Assignment]) -> list[Violation]:
    """Every constraint the assignments break, in a stable order (empty: the schedule is valid)."""
    out: list[Violation] = []
    tally = _Tally()
    for a in assignments:
        misplaced = _misplaced(problem, a, tally.seen)
        if misplaced is not None:
            out.append(misplaced)
            continue
        tally.seen.add(a.meeting)
        c = problem.candidate_index[a.meeting]
        if a.table is not None and problem.online_only[c]:
            out.append(_v(ViolationKind.REMOTE_AT_TABLE, a, "a remote firm meets online only"))
        for f in map(int, problem.pairs[c]):
            if not problem.available[f, a.slot]:
                firm = problem.participants[f].key
                out.append(_v(ViolationKind.FIRM_UNAVAILABLE, a, "firm unavailable", firm))
            tally.firm_slot[(f, a.slot)].append(a.meeting)
            tally.per_firm[f].append(a.meeting)
        if a.table is None:
            tally.online[a.slot].append(a.meeting)
        else:
            tally.table_slot[(a.slot, a.table)].append(a.meeting)
        tally.in_slot[a.slot].append(a.meeting)
    out.extend(_overbooked(problem, tally))
    return out


def _lists() -> defaultdict:
    return defaultdict(list)


@dataclass
class _Tally:
    seen: set[MeetingKey] = field(default_factory=set)
    firm_slot: dict[tuple[int, int], list[MeetingKey]] = field(default_factory=_lists)
    table_slot: dict[tuple[int, int], list[MeetingKey]] = field(default_factory=_lists)
    online: dict[int, list[MeetingKey]] = field(default_factory=_lists)
    in_slot: dict[int, list[MeetingKey]] = field(default_factory=_lists)
    per_firm: dict[int, list[MeetingKey]] = field(default_factory=_lists)


def _misplaced(problem: Problem, a: Assignment, seen: set[MeetingKey]) -> Violation | None:
    if a.meeting not in problem.candidate_index:
        return _v(ViolationKind.UNKNOWN_MEETING, a, "not a candidate meeting")
    if a.meeting in seen:
        return _v(ViolationKind.DUPLICATE_MEETING, a, "placed twice")
    if not 0 <= a.slot < problem.slot_count:
        return _v(ViolationKind.UNKNOWN_SLOT, a, "no such slot")
    if a.table is not None and not 1 <= a.table <= problem.tables:
        return _v(ViolationKind.UNKNOWN_TABLE, a, f"tables are 1..{problem.tables}")
    return None


def _overbooked(problem: Problem, tally: _Tally) -> Iterator[Violation]:
    firms = [p.key for p in problem.participants]
    for (f, slot), meetings in tally.firm_slot.items():
        if len(meetings) > 1:
            msg = f"firm {firms[f]!r} in {len(meetings)} meetings in slot {slot}"
            yield Violation(ViolationKind.FIRM_DOUBLE_BOOKED, tuple(meetings), msg, firms[f], slot)
    for (slot, table), meetings in tally.table_slot.items():
        if len(meetings) > 1:
            msg = f"table {table} holds {len(meetings)} meetings in slot {slot}"
            kind = ViolationKind.TABLE_DOUBLE_BOOKED
            yield Violation(kind, tuple(meetings), msg, None, slot, table)
    for slot, meetings in tally.online.items():
        if len(meetings) > problem.online_capacity:
            msg = (
                f"{len(meetings)} online meetings in slot {slot}: {problem.online_capacity} places"
            )
            yield Violation(ViolationKind.ONLINE_OVER_CAPACITY, tuple(meetings), msg, None, slot)
    for slot, meetings in tally.in_slot.items():
        if len(meetings) > problem.capacity:
            msg = f"{len(meetings)} meetings in slot {slot}: room for {problem.capacity}"
            yield Violation(ViolationKind.SLOT_OVER_CAPACITY, tuple(meetings), msg, None, slot)
    for f, meetings in tally.per_firm.items():
        cap = problem.cap(f)
        if cap is not None and len(meetings) > cap:
            msg = f"firm {firms[f]!r} has {len(meetings)} meetings, at most {cap}"
            yield Violation(ViolationKind.FIRM_OVER_LIMIT, tuple(meetings), msg, firms[f])


def _v(kind: ViolationKind, a: Assignment, what: str, firm: FirmKey | None = None) -> Violation:
    where = f"meeting {a.meeting!r} in slot {a.slot}" + ("" if firm is None else f", {firm!r}")
    return Violation(kind, (a.meeting,), f"{where}: {what}", firm, a.slot, a.table)


def check_locked(problem: Problem) -> None:
    """Raise LockedConflictError when the problem's locked meetings break a constraint."""
    violations = validate(problem, problem.locked)
    if violations:
        raise LockedConflictError(violations)


def move_meeting(
    problem: Problem,
    assignments: Iterable[Assignment],
    meeting: MeetingKey,
    slot: int,
    table: int | None,
) -> MoveResult:
    """Move (or place) one meeting to (slot, table); refused with the violations it would cause.

    Only violations the move adds count: one the schedule already had does not block it.
    """
    current = tuple(assignments)
    target = Assignment(meeting, slot, table)
    moved = tuple(target if a.meeting == meeting else a for a in current)
    if target not in moved:
        moved += (target,)
    before = set(validate(problem, current))
    added = tuple(v for v in validate(problem, moved) if v not in before)
    return MoveResult(current if added else moved, added)


def cancel_meeting(
    assignments: Iterable[Assignment], meeting: MeetingKey
) -> tuple[Assignment, ...]:
    """The schedule without `meeting` (a cancellation can break no constraint)."""
    current = tuple(assignments)
    if all(a.meeting != meeting for a in current):
        raise ProblemError(f"meeting {meeting!r} is not in the schedule")
    return tuple(a for a in current if a.meeting != meeting)
