"""Small exact cases of the scheduler: optimum vs greedy, priorities, locks, tables, reasons."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.scheduling import (
    Assignment,
    Candidate,
    LockedConflictError,
    MeetingKind,
    Participant,
    Priority,
    Problem,
    SolveStatus,
    Stage,
    UnscheduledReason,
    ViolationKind,
    greedy_schedule,
    solve,
    validate,
)

MUTUAL, ONE_SIDED, RECOMMENDED = MeetingKind.MUTUAL, MeetingKind.ONE_SIDED, MeetingKind.RECOMMENDED


def event(meetings, slots=1, tables=1, away=None, online=0, **kwargs) -> Problem:
    """An event from (key, firm a, firm b, kind[, strength]) tuples; away: firm -> slots."""
    away = away or {}
    firms = sorted({f for m in meetings for f in m[1:3]} | set(away))
    remote = kwargs.pop("remote", set())
    caps = kwargs.pop("caps", {})
    return Problem(
        slot_count=slots,
        tables=tables,
        online_capacity=online,
        participants=[
            Participant(f, frozenset(away.get(f, ())), caps.get(f), f in remote) for f in firms
        ],
        candidates=[Candidate(*m) for m in meetings],
        **kwargs,
    )


def placed(schedule) -> dict:
    return {a.meeting: (a.slot, a.table) for a in schedule.assignments}


def test_the_solver_finds_the_optimum_where_first_fit_misses_it():
    # A-B could meet in either slot, A-C only in slot 0: first-fit gives slot 0 to A-B.
    problem = event([("ab", "A", "B", MUTUAL), ("ac", "A", "C", MUTUAL)], slots=2, away={"C": {1}})
    greedy = greedy_schedule(problem)
    assert placed(greedy) == {"ab": (0, 1)}
    assert [(u.meeting, u.reason) for u in greedy.unscheduled] == [
        ("ac", UnscheduledReason.FIRMS_BUSY)
    ]
    best = solve(problem)
    assert placed(best) == {"ac": (0, 1), "ab": (1, 1)}
    assert best.objective == 10.0 > greedy.objective == 5.0
    assert best.status is SolveStatus.OPTIMAL and best.unscheduled == ()
    assert best.lp_bound >= best.objective


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        (("w", "A", "B", MUTUAL), ("l", "C", "D", ONE_SIDED)),
        (("w", "A", "B", ONE_SIDED), ("l", "C", "D", RECOMMENDED, 1.0)),
        (("w", "A", "B", RECOMMENDED, 0.9), ("l", "C", "D", RECOMMENDED, 0.2)),
    ],
)
def test_one_table_goes_to_the_higher_priority_whatever_the_order(winner, loser):
    for meetings in ([winner, loser], [loser, winner]):
        schedule = solve(event(meetings))
        assert placed(schedule) == {"w": (0, 1)}
        assert schedule.unscheduled[0].reason is UnscheduledReason.SLOTS_FULL


def test_a_mutual_meeting_outweighs_the_two_one_sided_ones_it_blocks():
    # One slot: A-B (mutual) takes A and B; A-C and B-D (one-sided) would take them instead.
    meetings = [("ab", "A", "B", MUTUAL), ("ac", "A", "C", ONE_SIDED), ("bd", "B", "D", ONE_SIDED)]
    assert set(placed(solve(event(meetings, tables=2)))) == {"ab"}
    # The weights decide that trade: with mutual worth less than two one-sided, it flips.
    cheap = Priority(mutual=3.0, one_sided=2.0)
    assert set(placed(solve(event(meetings, tables=2, priority=cheap)))) == {"ac", "bd"}


def test_priority_weights_must_keep_their_order():
    assert Priority().weight(RECOMMENDED, 1.0) < Priority().weight(ONE_SIDED)
    assert Priority().weight(ONE_SIDED) < Priority().weight(MUTUAL)
    assert Priority().weight(RECOMMENDED, 0.0) > 0
    for bad in ({"mutual": 2.0}, {"one_sided": 0.5}, {"recommended_min": 0.0}):
        with pytest.raises(ValueError, match="priority weights"):
            Priority(**bad)


def test_a_firm_gets_no_more_than_its_maximum():
    meetings = [("ab", "A", "B", MUTUAL), ("ac", "A", "C", MUTUAL), ("ad", "A", "D", ONE_SIDED)]
    schedule = solve(event(meetings, slots=3, caps={"A": 2}))
    assert set(placed(schedule)) == {"ab", "ac"}
    assert [(u.meeting, u.reason, u.firms) for u in schedule.unscheduled] == [
        ("ad", UnscheduledReason.FIRM_AT_LIMIT, ("A",))
    ]
    assert solve(event(meetings, slots=3, max_meetings=1)).scheduled == 1


def test_firms_never_free_together_are_left_out_with_that_reason():
    schedule = solve(event([("ab", "A", "B", MUTUAL)], slots=2, away={"A": {0}, "B": {1}}))
    assert schedule.assignments == ()
    assert schedule.unscheduled[0].reason is UnscheduledReason.NO_COMMON_SLOT


def test_locked_meetings_stay_even_where_moving_them_would_fit_more():
    meetings = [("ab", "A", "B", MUTUAL), ("ac", "A", "C", MUTUAL)]
    locked = (Assignment("ab", 0, 1),)
    schedule = solve(event(meetings, slots=2, away={"C": {1}}, locked=locked))
    assert placed(schedule) == {"ab": (0, 1)}
    assert schedule.objective == 5.0


def test_locked_meetings_that_clash_are_refused_with_the_violations():
    meetings = [("ab", "A", "B", MUTUAL), ("ac", "A", "C", MUTUAL)]
    locked = (Assignment("ab", 0, 1), Assignment("ac", 0, 2))
    problem = event(meetings, tables=2, locked=locked)
    for run in (solve, greedy_schedule):
        with pytest.raises(LockedConflictError) as error:
            run(problem)
        assert [v.kind for v in error.value.violations] == [ViolationKind.FIRM_DOUBLE_BOOKED]


def test_online_places_take_what_the_tables_cannot_and_remote_firms_meet_online():
    meetings = [("ab", "A", "B", MUTUAL), ("cd", "C", "D", MUTUAL), ("ef", "E", "F", MUTUAL)]
    schedule = solve(event(meetings, tables=1, online=1))
    assert sorted(placed(schedule).values(), key=str) == [(0, 1), (0, None)]
    remote = solve(event(meetings[:2], tables=2, online=1, remote={"C"}))
    assert placed(remote) == {"ab": (0, 1), "cd": (0, None)}
    no_video = solve(event(meetings[:2], tables=2, remote={"C"}))
    assert placed(no_video) == {"ab": (0, 1)}
    assert no_video.unscheduled[0].reason is UnscheduledReason.SLOTS_FULL


def test_a_firm_keeps_its_table_through_its_meetings():
    # A meets B, C, D in slots 0, 1, 2; E-F (mutual, placed first) takes table 1 in slot 0.
    meetings = [
        ("ef", "E", "F", MUTUAL),
        ("ab", "A", "B", ONE_SIDED),
        ("ac", "A", "C", ONE_SIDED),
        ("ad", "A", "D", ONE_SIDED),
    ]
    away = {"B": {1, 2}, "C": {0, 2}, "D": {0, 1}, "E": {1, 2}, "F": {1, 2}}
    schedule = solve(event(meetings, slots=3, tables=3, away=away))
    tables = placed(schedule)
    assert tables["ef"] == (0, 1)
    assert [tables[m] for m in ("ab", "ac", "ad")] == [(0, 2), (1, 2), (2, 2)]


def test_progress_reports_each_stage_in_order():
    seen: list[tuple[Stage, float]] = []
    problem = event([("ab", "A", "B", MUTUAL), ("ac", "A", "C", MUTUAL)], slots=2)
    solve(problem, progress=lambda stage, done: seen.append((stage, done)))
    stages = [s for s, _ in seen]
    assert stages[0] is Stage.BUILDING and stages[-1] is Stage.DONE
    assert Stage.SOLVING in stages and stages[-2] is Stage.ASSIGNING_TABLES
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_an_event_without_candidates_gives_an_empty_schedule():
    schedule = solve(event([], slots=3, away={"A": set()}))
    assert schedule.assignments == () and schedule.unscheduled == ()
    assert schedule.status is SolveStatus.OPTIMAL and schedule.objective == 0.0


def test_a_solve_stopped_by_its_time_limit_still_returns_a_valid_schedule():
    rng = np.random.default_rng(5)
    firms = [f"F{i}" for i in range(60)]
    pairs = {tuple(sorted(rng.choice(60, 2, replace=False))) for _ in range(400)}
    problem = Problem(
        slot_count=12,
        tables=10,
        participants=[Participant(f, frozenset(int(s) for s in rng.choice(12, 3))) for f in firms],
        candidates=[
            Candidate(n, firms[a], firms[b], ONE_SIDED) for n, (a, b) in enumerate(sorted(pairs))
        ],
        max_meetings=6,
    )
    rushed = solve(problem, time_limit=1e-6)
    assert rushed.status is SolveStatus.TIME_LIMIT
    assert validate(problem, rushed.assignments) == []
    assert rushed.scheduled >= greedy_schedule(problem).scheduled * 0.9
    full = solve(problem)
    assert full.status is SolveStatus.OPTIMAL
    assert full.objective >= rushed.objective
