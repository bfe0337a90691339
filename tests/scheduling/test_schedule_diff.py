"""Differences between a published schedule and a new one, per meeting and per firm."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.scheduling import (
    Assignment,
    ChangeKind,
    ProblemError,
    diff_schedules,
    move_meeting,
    solve,
)
from tests.helpers.random_events import PROPERTY_SETTINGS, events

FIRMS = {"ab": ("A", "B"), "cd": ("C", "D"), "ac": ("A", "C"), "ef": ("E", "F")}
PUBLISHED = (Assignment("ab", 0, 1), Assignment("cd", 0, 2), Assignment("ef", 1, 1))


def test_added_removed_and_moved_meetings_are_named_with_their_firms():
    new = (Assignment("ab", 1, 2), Assignment("ef", 1, None), Assignment("ac", 2, 1))
    diff = diff_schedules(PUBLISHED, new, FIRMS)
    assert [(c.meeting, c.kind) for c in diff.changes] == [
        ("ab", ChangeKind.MOVED),
        ("cd", ChangeKind.REMOVED),
        ("ef", ChangeKind.MOVED),
        ("ac", ChangeKind.ADDED),
    ]
    ab, cd, ef, ac = diff.changes
    assert (ab.before, ab.after) == (PUBLISHED[0], new[0]) and ab.time_changed
    assert cd.after is None and cd.firms == ("C", "D")
    assert not ef.time_changed  # the same slot, now online: still a change to tell
    assert ac.before is None and ac.time_changed
    assert [c.meeting for c in diff.moved] == ["ab", "ef"]
    assert [c.meeting for c in diff.added] == ["ac"] and [c.meeting for c in diff.removed] == ["cd"]
    by_firm = diff.by_firm()
    assert {f: [c.meeting for c in cs] for f, cs in by_firm.items()} == {
        "A": ["ab", "ac"],
        "B": ["ab"],
        "C": ["cd", "ac"],
        "D": ["cd"],
        "E": ["ef"],
        "F": ["ef"],
    }
    assert diff.for_firm("C") == by_firm["C"]


def test_the_same_schedule_in_another_order_has_no_changes():
    diff = diff_schedules(PUBLISHED, tuple(reversed(PUBLISHED)), FIRMS)
    assert not diff and diff.by_firm() == {} and diff.for_firm("A") == ()


def test_a_schedule_holding_a_meeting_twice_or_an_unknown_meeting_is_refused():
    with pytest.raises(ProblemError, match="twice"):
        diff_schedules(PUBLISHED, PUBLISHED + (Assignment("ab", 2, 1),), FIRMS)
    with pytest.raises(ProblemError, match="no firms known"):
        diff_schedules(PUBLISHED, (Assignment("zz", 0, 1),), FIRMS)


@PROPERTY_SETTINGS
@given(events(), st.data())
def test_the_diff_names_every_changed_meeting_to_both_its_firms(problem, data):
    published = solve(problem).assignments
    new = published
    keys = [c.key for c in problem.candidates]
    for _ in range(data.draw(st.integers(0, 5)) if keys else 0):
        meeting = data.draw(st.sampled_from(keys))
        if data.draw(st.booleans()):
            new = tuple(a for a in new if a.meeting != meeting)  # cancel (or nothing)
        else:
            slot = data.draw(st.integers(0, problem.slot_count - 1))
            table = data.draw(st.none() | st.integers(1, max(problem.tables, 1)))
            new = move_meeting(problem, new, meeting, slot, table).assignments
    diff = diff_schedules(published, new, problem.firms_of)
    before = {a.meeting: a for a in published}
    after = {a.meeting: a for a in new}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert sorted(c.meeting for c in diff.changes) == sorted(changed)
    # replaying the diff on the published schedule gives the new one
    replayed = dict(before)
    for change in diff.changes:
        replayed.pop(change.meeting, None)
        if change.after is not None:
            replayed[change.meeting] = change.after
    assert replayed == after
    # every firm of every changed meeting is told, and no other firm
    notified = diff.by_firm()
    for change in diff.changes:
        for firm in problem.firms_of[change.meeting]:
            assert change in notified[firm]
    assert set(notified) == {f for k in changed for f in problem.firms_of[k]}
