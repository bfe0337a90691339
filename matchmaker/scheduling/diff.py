"""What changed between two schedules (say, the published one and a new one), meeting by meeting.

Public surface: `diff_schedules`, `ScheduleDiff`, `MeetingChange`, `ChangeKind`.

A meeting is the same meeting in both schedules when its key is; it is added, removed, or moved
(another slot, another table, or between a table and online). Each change names the two firms,
so the web layer can tell exactly those two about each changed meeting after publishing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from matchmaker.scheduling.problem import Assignment, FirmKey, MeetingKey, ProblemError


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"


@dataclass(frozen=True)
class MeetingChange:
    meeting: MeetingKey
    kind: ChangeKind
    firms: tuple[FirmKey, FirmKey]
    before: Assignment | None  # None when added
    after: Assignment | None  # None when removed

    @property
    def time_changed(self) -> bool:
        """Added, removed, or moved to another slot (not just another table)."""
        return self.before is None or self.after is None or self.before.slot != self.after.slot


@dataclass(frozen=True)
class ScheduleDiff:
    """The changes: first those of the old schedule's meetings (in its order), then additions."""

    changes: tuple[MeetingChange, ...]

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of_kind(self, kind: ChangeKind) -> tuple[MeetingChange, ...]:
        return tuple(c for c in self.changes if c.kind is kind)

    @property
    def added(self) -> tuple[MeetingChange, ...]:
        return self.of_kind(ChangeKind.ADDED)

    @property
    def removed(self) -> tuple[MeetingChange, ...]:
        return self.of_kind(ChangeKind.REMOVED)

    @property
    def moved(self) -> tuple[MeetingChange, ...]:
        return self.of_kind(ChangeKind.MOVED)

    def by_firm(self) -> dict[FirmKey, tuple[MeetingChange, ...]]:
        """Each firm with a changed meeting, and its changes (the notifications to send)."""
        out: dict[FirmKey, list[MeetingChange]] = {}
        for change in self.changes:
            for firm in change.firms:
                out.setdefault(firm, []).append(change)
        return {firm: tuple(changes) for firm, changes in out.items()}

    def for_firm(self, firm: FirmKey) -> tuple[MeetingChange, ...]:
        return tuple(c for c in self.changes if firm in c.firms)


def diff_schedules(
    old: Iterable[Assignment],
    new: Iterable[Assignment],
    firms_of: Mapping[MeetingKey, tuple[FirmKey, FirmKey]],
) -> ScheduleDiff:
    """The changes from `old` to `new`; firms_of gives each meeting's two firms (of both).

    Raises ProblemError when a schedule holds a meeting twice or firms_of lacks one.
    """
    before, after = _by_meeting(old, "old"), _by_meeting(new, "new")
    changes: list[MeetingChange] = []
    for key, was in before.items():
        now = after.get(key)
        if now is None:
            changes.append(MeetingChange(key, ChangeKind.REMOVED, _firms(firms_of, key), was, None))
        elif (now.slot, now.table) != (was.slot, was.table):
            changes.append(MeetingChange(key, ChangeKind.MOVED, _firms(firms_of, key), was, now))
    for key, now in after.items():
        if key not in before:
            changes.append(MeetingChange(key, ChangeKind.ADDED, _firms(firms_of, key), None, now))
    return ScheduleDiff(tuple(changes))


def _by_meeting(assignments: Iterable[Assignment], which: str) -> dict[MeetingKey, Assignment]:
    out: dict[MeetingKey, Assignment] = {}
    for a in assignments:
        if a.meeting in out:
            raise ProblemError(f"the {which} schedule holds meeting {a.meeting!r} twice")
        out[a.meeting] = a
    return out


def _firms(firms_of: Mapping[MeetingKey, tuple[FirmKey, FirmKey]], key: MeetingKey):
    try:
        return tuple(firms_of[key])
    except KeyError:
        raise ProblemError(f"no firms known for meeting {key!r}") from None
