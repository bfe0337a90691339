"""The scheduler's inputs: checked problems, slot times in the event's time zone, purity."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from matchmaker.scheduling import (
    Assignment,
    Candidate,
    MeetingKind,
    Participant,
    Problem,
    ProblemError,
    build_slots,
)


def test_the_scheduler_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matchmaker.scheduling;"
        "bad = {'flask', 'sqlalchemy', 'flask_sqlalchemy'} & set(sys.modules);"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def problem(**changes) -> Problem:
    fields = {
        "slot_count": 2,
        "tables": 1,
        "participants": [Participant("A"), Participant("B"), Participant("C")],
        "candidates": [Candidate("ab", "A", "B", MeetingKind.MUTUAL)],
    }
    fields.update(changes)
    return Problem(**fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participants": [Participant("A"), Participant("A")]}, "firm 'A' is given twice"),
        ({"candidates": [Candidate("ab", "A", "Z", "mutual")]}, "unknown firm 'Z'"),
        (
            {
                "candidates": [
                    Candidate("ab", "A", "B", "mutual"),
                    Candidate("ab", "A", "C", "mutual"),
                ]
            },
            "meeting 'ab' is given twice",
        ),
        (
            {
                "candidates": [
                    Candidate("ab", "A", "B", "mutual"),
                    Candidate("ba", "B", "A", "one_sided"),
                ]
            },
            "one candidate per pair",
        ),
        ({"participants": [Participant("A", frozenset({2})), Participant("B")]}, "no slot 2"),
        ({"locked": [Assignment("zz", 0, 1)]}, "not a candidate"),
        ({"locked": [Assignment("ab", 5, 1)]}, "no slot 5"),
        ({"tables": -1}, "tables must be >= 0"),
        ({"max_meetings": -1}, "max_meetings must be >= 0"),
    ],
)
def test_an_inconsistent_problem_is_refused_with_a_clear_message(changes, message):
    with pytest.raises(ProblemError, match=message):
        problem(**changes)


def test_a_bad_candidate_or_participant_is_refused():
    with pytest.raises(ProblemError, match="strength"):
        Candidate("x", "A", "B", MeetingKind.RECOMMENDED, 1.5)
    with pytest.raises(ProblemError, match="cannot meet itself"):
        Candidate("x", "A", "A", MeetingKind.MUTUAL)
    with pytest.raises(ValueError, match="'maybe'"):
        Candidate("x", "A", "B", "maybe")
    with pytest.raises(ProblemError, match="max_meetings"):
        Participant("A", max_meetings=-1)


def test_slots_follow_the_day_skip_the_break_and_end_by_the_close():
    slots = build_slots(
        [date(2025, 6, 11), date(2025, 6, 10)],
        time(9, 0),
        time(13, 0),
        meeting_minutes=30,
        time_zone="Europe/Minsk",
        breaks=[(time(10, 45), time(11, 15))],
        gap_minutes=5,
    )
    starts = [s.start.strftime("%d %H:%M") for s in slots]
    per_day = ["09:00", "09:35", "10:10", "11:15", "11:50", "12:25"]
    assert starts == [f"10 {t}" for t in per_day] + [f"11 {t}" for t in per_day]
    assert [s.index for s in slots] == list(range(12))
    first = slots[0]
    assert first.day == date(2025, 6, 10) and first.end - first.start == (
        datetime(2025, 1, 1, 9, 30) - datetime(2025, 1, 1, 9, 0)
    )
    assert first.start.tzinfo == ZoneInfo("Europe/Minsk")
    assert first.start_utc == datetime(2025, 6, 10, 6, 0, tzinfo=UTC)  # Minsk is UTC+3
    assert first.start_in("Asia/Karachi").hour == 11  # Karachi is UTC+5
    assert slots[-1].end.strftime("%H:%M") == "12:55"


def test_slot_times_follow_the_clock_change_of_the_event_zone():
    day = date(2025, 3, 30)  # Europe/Berlin springs forward at 02:00 that night
    morning = build_slots([day], time(9, 0), time(10, 0), 60, "Europe/Berlin")
    assert morning[0].start_utc == datetime(2025, 3, 30, 7, 0, tzinfo=UTC)  # now UTC+2
    with pytest.raises(ValueError, match="does not exist"):
        build_slots([day], time(2, 0), time(4, 0), 60, "Europe/Berlin")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": [date(2025, 1, 1)] * 2}, "twice"),
        ({"day_start": time(14, 0)}, "start before it ends"),
        ({"meeting_minutes": 0}, "positive"),
        ({"breaks": [(time(11, 0), time(10, 0))]}, "break must start"),
        ({"time_zone": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_inconsistent_slot_settings_are_refused(kwargs, message):
    settings = {
        "days": [date(2025, 1, 1)],
        "day_start": time(9, 0),
        "day_end": time(13, 0),
        "meeting_minutes": 30,
        "time_zone": "Asia/Karachi",
    }
    settings.update(kwargs)
    with pytest.raises(ValueError, match=message):
        build_slots(**settings)
