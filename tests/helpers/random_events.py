"""Hypothesis strategies for small random events, and an independent check of a schedule.

`check_schedule` restates every constraint from scratch (it does not call validate()), so the
property tests check the solver and validate() against each other and against this.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from matchmaker.scheduling import (
    Assignment,
    Candidate,
    MeetingKind,
    Participant,
    Problem,
    Schedule,
    greedy_schedule,
)

# No example database: the runs leave no folder behind in the checkout.
PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def events(draw, max_firms: int = 8, max_slots: int = 6, lockable: bool = True) -> Problem:
    """A random event; with `lockable`, some meetings of a valid schedule are locked."""
    slots = draw(st.integers(1, max_slots))
    firms = draw(st.integers(2, max_firms))
    online = draw(st.integers(0, 2))
    participants = [
        Participant(
            key=f"F{i}",
            unavailable=draw(st.frozensets(st.integers(0, slots - 1), max_size=slots // 3)),
            max_meetings=draw(st.none() | st.none() | st.integers(0, 4)),
            online_only=draw(st.booleans()) if draw(st.integers(0, 5)) == 0 else False,
        )
        for i in range(firms)
    ]
    pairs = list(itertools.combinations(range(firms), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=min(len(pairs), 14)))
    candidates = [
        Candidate(
            key=f"M{n}",
            firm_a=f"F{a}",
            firm_b=f"F{b}",
            kind=draw(st.sampled_from(list(MeetingKind))),
            strength=draw(st.floats(0.0, 1.0)),
        )
        for n, (a, b) in enumerate(chosen)
    ]
    problem = Problem(
        slot_count=slots,
        tables=draw(st.integers(0, 4)),
        online_capacity=online,
        participants=participants,
        candidates=candidates,
        max_meetings=draw(st.none() | st.integers(1, 5)),
    )
    if not lockable or not candidates:
        return problem
    placed = greedy_schedule(problem).assignments
    locked = draw(st.lists(st.sampled_from(placed), unique=True)) if placed else []
    return problem.with_locked(locked)


def constraint_breaks(problem: Problem, assignments: Iterable[Assignment]) -> list[str]:
    """What the assignments break, restated from scratch (each entry names the constraint)."""
    by_key = {c.key: c for c in problem.candidates}
    firms = {p.key: p for p in problem.participants}
    breaks: list[str] = []
    assignments = list(assignments)
    keys = [a.meeting for a in assignments]
    if len(keys) != len(set(keys)):
        breaks.append("a meeting placed twice")
    busy: Counter = Counter()
    per_firm: Counter = Counter()
    tables_used: Counter = Counter()
    online: Counter = Counter()
    in_slot: Counter = Counter()
    for a in assignments:
        meeting = by_key.get(a.meeting)
        if meeting is None or not 0 <= a.slot < problem.slot_count:
            breaks.append("no such meeting or slot")
            continue
        for firm in meeting.firms:
            if a.slot in firms[firm].unavailable:
                breaks.append("a meeting when a firm is away")
            busy[(firm, a.slot)] += 1
            per_firm[firm] += 1
        in_slot[a.slot] += 1
        if a.table is None:
            online[a.slot] += 1
        else:
            if not 1 <= a.table <= problem.tables:
                breaks.append("no such table")
            if any(firms[f].online_only for f in meeting.firms):
                breaks.append("a remote firm at a table")
            tables_used[(a.slot, a.table)] += 1
    if any(n > 1 for n in busy.values()):
        breaks.append("a firm in two meetings at once")
    if any(n > 1 for n in tables_used.values()):
        breaks.append("two meetings at one table")
    if any(n > problem.online_capacity for n in online.values()):
        breaks.append("online places exceeded")
    if any(n > problem.capacity for n in in_slot.values()):
        breaks.append("a slot over its tables and online places")
    for firm, n in per_firm.items():
        own = firms[firm].max_meetings
        limit = problem.max_meetings if own is None else own
        if limit is not None and n > limit:
            breaks.append("a firm over its maximum")
    return breaks


def check_schedule(problem: Problem, schedule: Schedule) -> None:
    """Assert the event's constraints, the locked meetings and the unscheduled list."""
    assert constraint_breaks(problem, schedule.assignments) == []
    assert set(problem.locked) <= set(schedule.assignments), "a locked meeting moved"
    scheduled = {a.meeting for a in schedule.assignments}
    unscheduled = [u.meeting for u in schedule.unscheduled]
    assert sorted(unscheduled) == sorted({c.key for c in problem.candidates} - scheduled)
    assert schedule.objective == pytest.approx(problem.objective(schedule.assignments))
