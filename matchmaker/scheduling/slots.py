"""An event's meeting slots, from its days, hours, meeting length and breaks, in its time zone.

Public surface: `Slot`, `build_slots`.

Each day runs from day_start to day_end (wall-clock times in the event's time zone). Slots of
meeting_minutes follow each other with gap_minutes between them (time to change tables); a slot
that would overlap a break starts when the break ends instead, and the day's last slot ends by
day_end. Times are wall-clock: on a day with a daylight-saving change, a slot keeps its printed
length; a slot starting or ending in the hour that the change skips is refused (ValueError), and
in the repeated hour the first occurrence (fold=0) is meant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Slot:
    """One meeting slot: its index (what Problem, Assignment and Participant use) and its times."""

    index: int
    day: date
    start: datetime  # aware, in the event's time zone
    end: datetime

    def start_in(self, zone: str | ZoneInfo) -> datetime:
        """The start as seen in another time zone (a firm's own, for its agenda)."""
        return self.start.astimezone(_zone(zone))

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)


def build_slots(
    days: Iterable[date],
    day_start: time,
    day_end: time,
    meeting_minutes: int,
    time_zone: str | ZoneInfo,
    breaks: Sequence[tuple[time, time]] = (),
    gap_minutes: int = 0,
) -> tuple[Slot, ...]:
    """The event's slots in time order, numbered from 0 (ValueError on inconsistent settings)."""
    zone = _zone(time_zone)
    ordered = sorted(days)
    if len(set(ordered)) != len(ordered):
        raise ValueError("a day is given twice")
    if meeting_minutes <= 0 or gap_minutes < 0:
        raise ValueError("meeting length must be positive and the gap between meetings >= 0")
    if day_start >= day_end:
        raise ValueError("the day must start before it ends")
    pauses = sorted((_minutes(a), _minutes(b)) for a, b in breaks)
    if any(a >= b for a, b in pauses):
        raise ValueError("a break must start before it ends")
    starts = _starts(_minutes(day_start), _minutes(day_end), meeting_minutes, gap_minutes, pauses)
    slots: list[Slot] = []
    for day in ordered:
        for minute in starts:
            start = _local(day, minute, zone)
            end = _local(day, minute + meeting_minutes, zone)
            slots.append(Slot(len(slots), day, start, end))
    return tuple(slots)


def _starts(first: int, last: int, length: int, gap: int, pauses: list[tuple[int, int]]):
    starts: list[int] = []
    cursor = first
    while cursor + length <= last:
        clash = next((b for a, b in pauses if cursor < b and a < cursor + length), None)
        if clash is not None:
            cursor = clash
            continue
        starts.append(cursor)
        cursor += length + gap
    return starts


def _local(day: date, minute: int, zone: ZoneInfo) -> datetime:
    moment = datetime.combine(day, time()) + timedelta(minutes=minute)
    local = moment.replace(tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise ValueError(f"{moment:%Y-%m-%d %H:%M} does not exist in {zone.key} (clock change)")
    return local


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _zone(zone: str | ZoneInfo) -> ZoneInfo:
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {zone!r}") from error
