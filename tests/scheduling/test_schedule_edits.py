"""Validation of hand-edited schedules, moving and cancelling meetings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.scheduling import (
    Assignment,
    Candidate,
    MeetingKind,
    Participant,
    Problem,
    ProblemError,
    ViolationKind,
    cancel_meeting,
    move_meeting,
    solve,
    validate,
)
from tests.helpers.random_events import PROPERTY_SETTINGS, constraint_breaks, events

K = ViolationKind

# Firms A..F; R attends remotely; A is away in slot 2 and may have two meetings.
PROBLEM = Problem(
    slot_count=4,
    tables=2,
    online_capacity=1,
    participants=[
        Participant("A", frozenset({2}), max_meetings=2),
        *(Participant(f) for f in "BCDEF"),
        Participant("R", online_only=True),
    ],
    candidates=[
        Candidate("ab", "A", "B", MeetingKind.MUTUAL),
        Candidate("ac", "A", "C", MeetingKind.ONE_SIDED),
        Candidate("ad", "A", "D", MeetingKind.ONE_SIDED),
        Candidate("ef", "E", "F", MeetingKind.RECOMMENDED, 0.5),
        Candidate("cd", "C", "D", MeetingKind.ONE_SIDED),
        Candidate("br", "B", "R", MeetingKind.ONE_SIDED),
        Candidate("er", "E", "R", MeetingKind.ONE_SIDED),
    ],
)
VALID = (Assignment("ab", 0, 1), Assignment("cd", 0, 2), Assignment("ef", 1, 1))


def test_a_valid_schedule_has_no_violations():
    assert validate(PROBLEM, VALID) == []


@pytest.mark.parametrize(
    ("edit", "kind"),
    [
        ([Assignment("zz", 1, 2)], K.UNKNOWN_MEETING),
        ([Assignment("ab", 1, 2)], K.DUPLICATE_MEETING),
        ([Assignment("ac", 4, 2)], K.UNKNOWN_SLOT),
        ([Assignment("ac", 1, 3)], K.UNKNOWN_TABLE),
        ([Assignment("ac", 2, 2)], K.FIRM_UNAVAILABLE),
        ([Assignment("er", 1, None)], K.FIRM_DOUBLE_BOOKED),
        ([Assignment("ac", 1, 1)], K.TABLE_DOUBLE_BOOKED),
        ([Assignment("ac", 1, None), Assignment("br", 1, None)], K.ONLINE_OVER_CAPACITY),
        ([Assignment("ac", 1, 2), Assignment("ad", 3, None)], K.FIRM_OVER_LIMIT),
        ([Assignment("br", 1, 2)], K.REMOTE_AT_TABLE),
    ],
)
def test_validation_names_each_kind_of_violation(edit, kind):
    violations = validate(PROBLEM, VALID + tuple(edit))
    assert [v.kind for v in violations] == [kind]
    assert all(v.message and v.meetings for v in violations)


def test_a_slot_over_its_tables_and_online_places_is_named():
    crowded = Problem(
        slot_count=1,
        tables=1,
        participants=[Participant(f) for f in "ABCD"],
        candidates=[
            Candidate("ab", "A", "B", MeetingKind.MUTUAL),
            Candidate("cd", "C", "D", MeetingKind.MUTUAL),
        ],
    )
    violations = validate(crowded, [Assignment("ab", 0, 1), Assignment("cd", 0, 1)])
    assert {v.kind for v in violations} == {K.TABLE_DOUBLE_BOOKED, K.SLOT_OVER_CAPACITY}
    slot = next(v for v in violations if v.kind is K.SLOT_OVER_CAPACITY)
    assert slot.slot == 0 and slot.meetings == ("ab", "cd")


def test_a_good_move_is_applied_and_a_bad_one_refused_with_its_violations():
    good = move_meeting(PROBLEM, VALID, "ef", 2, None)
    assert good.applied and Assignment("ef", 2, None) in good.assignments
    assert len(good.assignments) == len(VALID)
    bad = move_meeting(PROBLEM, VALID, "cd", 1, 1)  # onto ef's table
    assert not bad.applied and bad.assignments == VALID
    assert [v.kind for v in bad.violations] == [K.TABLE_DOUBLE_BOOKED]
    away = move_meeting(PROBLEM, VALID, "ab", 2, 1)
    assert [v.kind for v in away.violations] == [K.FIRM_UNAVAILABLE]


def test_placing_an_unscheduled_meeting_is_a_move_from_nowhere():
    result = move_meeting(PROBLEM, VALID, "ac", 1, 2)
    assert result.applied and result.assignments == VALID + (Assignment("ac", 1, 2),)


def test_a_violation_already_there_does_not_block_an_unrelated_move():
    broken = VALID + (Assignment("ad", 2, None),)  # A is away in slot 2
    assert [v.kind for v in validate(PROBLEM, broken)] == [K.FIRM_UNAVAILABLE]
    assert move_meeting(PROBLEM, broken, "ef", 2, 1).applied


def test_cancelling_removes_the_meeting_and_only_a_scheduled_one():
    assert cancel_meeting(VALID, "cd") == (VALID[0], VALID[2])
    with pytest.raises(ProblemError, match="not in the schedule"):
        cancel_meeting(VALID, "ac")


@PROPERTY_SETTINGS
@given(events(), st.data())
def test_validation_agrees_with_the_constraints_on_any_edited_schedule(problem, data):
    schedule = list(solve(problem).assignments)
    keys = [c.key for c in problem.candidates]
    for _ in range(data.draw(st.integers(0, 4))):
        if not keys:
            break
        slot = data.draw(st.integers(0, problem.slot_count - 1))
        table = data.draw(st.none() | st.integers(1, max(problem.tables, 1)))
        edit = Assignment(data.draw(st.sampled_from(keys)), slot, table)
        schedule = [a for a in schedule if a.meeting != edit.meeting] + [edit]
    assert (validate(problem, schedule) == []) == (constraint_breaks(problem, schedule) == [])


@PROPERTY_SETTINGS
@given(events(), st.data())
def test_a_move_is_applied_exactly_when_it_keeps_the_schedule_valid(problem, data):
    if not problem.candidates:
        return
    schedule = solve(problem).assignments
    meeting = data.draw(st.sampled_from([c.key for c in problem.candidates]))
    slot = data.draw(st.integers(0, problem.slot_count - 1))
    table = data.draw(st.none() | st.integers(1, max(problem.tables, 1)))
    result = move_meeting(problem, schedule, meeting, slot, table)
    moved = [a for a in schedule if a.meeting != meeting] + [Assignment(meeting, slot, table)]
    assert result.applied == (constraint_breaks(problem, moved) == [])
    if result.applied:
        assert Assignment(meeting, slot, table) in result.assignments
        assert validate(problem, result.assignments) == []
    else:
        assert result.assignments == schedule
