"""Schedule a synthetic B2B meeting event with the MILP solver and with the greedy baseline.

    .venv/bin/python benchmarks/scheduling.py [--firms 300] [--days 3] [--slots-per-day 12]
        [--tables 40] [--online 0] [--requests 2000] [--max-meetings 12] [--seed 19] [--repeat 1]
        [--time-limit 60] [--compare]

The event: half the firms Pakistani, half Belarusian; accepted requests only between the two
countries, drawn with a skewed popularity (a few firms are asked by many); a seeded mix of
mutual (30 %), one-sided (45 %) and recommended (25 %, match strength ~ Beta(5, 3)) meetings.
Unavailability as a delegation visit has it: some firms arrive late or leave early (a half day),
some lose a whole day, and every firm is away from about one slot in twelve; some firms ask for
fewer meetings than the event's maximum.

Prints the problem's size, then per run the solver's figures (wall and CPU time, the LP
relaxation's bound, the full MILP's own bound when it ran) and the greedy baseline's, and checks
both schedules with validate(); --compare also times the full MILP without the LP-support step,
with and without the cost jitter (see matchmaker/scheduling/solver.py). It ends with one line
that other tools parse (the last run's figures):
    scheduled M of R meetings in T s; objective X% of the LP bound; greedy Y%
where T is the solver's wall time (LP relaxation included), X its objective and Y the greedy
baseline's objective, both as a share of the LP relaxation's optimum.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaker.scheduling import (  # noqa: E402 - after the path
    Candidate,
    MeetingKind,
    Participant,
    Problem,
    greedy_schedule,
    solve,
    validate,
)

KINDS = (MeetingKind.MUTUAL, MeetingKind.ONE_SIDED, MeetingKind.RECOMMENDED)
KIND_SHARES = (0.30, 0.45, 0.25)


def synthetic_event(
    firms: int,
    days: int,
    slots_per_day: int,
    tables: int,
    requests: int,
    max_meetings: int,
    online: int,
    seed: int,
) -> Problem:
    """A seeded event with `requests` distinct accepted PK-BY meeting candidates."""
    rng = np.random.default_rng(seed)
    slot_count = days * slots_per_day
    pk = [f"PK-{i:04d}" for i in range(firms // 2)]
    by = [f"BY-{i:04d}" for i in range(firms - firms // 2)]
    participants = [
        _participant(key, rng, days, slots_per_day, max_meetings, online) for key in pk + by
    ]
    if requests > len(pk) * len(by):
        raise SystemExit(f"at most {len(pk) * len(by)} distinct PK-BY pairs")
    popularity_pk = rng.lognormal(0.0, 0.8, len(pk))
    popularity_by = rng.lognormal(0.0, 0.8, len(by))
    weights = np.outer(popularity_pk, popularity_by).ravel()
    chosen = rng.choice(weights.size, size=requests, replace=False, p=weights / weights.sum())
    kinds = rng.choice(len(KINDS), size=requests, p=KIND_SHARES)
    strengths = rng.beta(5.0, 3.0, size=requests)
    candidates = [
        Candidate(
            key=n,
            firm_a=pk[pair // len(by)],
            firm_b=by[pair % len(by)],
            kind=KINDS[kind],
            strength=float(strength) if KINDS[kind] is MeetingKind.RECOMMENDED else 0.0,
        )
        for n, (pair, kind, strength) in enumerate(zip(chosen, kinds, strengths, strict=True))
    ]
    return Problem(
        slot_count=slot_count,
        tables=tables,
        online_capacity=online,
        participants=participants,
        candidates=candidates,
        max_meetings=max_meetings,
    )


def _participant(key, rng, days, per_day, max_meetings, online) -> Participant:
    half = per_day // 2
    away: set[int] = set()
    roll = rng.random()
    if roll < 0.15:  # arrives late: misses the first morning
        away.update(range(half))
    elif roll < 0.30:  # leaves early: misses the last afternoon
        away.update(range(days * per_day - half, days * per_day))
    elif roll < 0.40:  # a whole day elsewhere (a factory visit)
        day = int(rng.integers(days))
        away.update(range(day * per_day, (day + 1) * per_day))
    away.update(int(s) for s in np.flatnonzero(rng.random(days * per_day) < 1 / 12))
    own_max = int(rng.integers(6, max_meetings)) if rng.random() < 0.2 else None
    remote = bool(online) and rng.random() < 0.05
    return Participant(key, frozenset(away), own_max, remote)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=300)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--slots-per-day", type=int, default=12)
    parser.add_argument("--tables", type=int, default=40)
    parser.add_argument("--online", type=int, default=0, help="online places per slot")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--max-meetings", type=int, default=12, help="per firm (N)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, interleaved")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also time the full MILP alone, jittered and not (what steps 1-2 save)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    problem = synthetic_event(
        args.firms,
        args.days,
        args.slots_per_day,
        args.tables,
        args.requests,
        args.max_meetings,
        args.online,
        args.seed,
    )
    kinds = {k: sum(c.kind is k for c in problem.candidates) for k in KINDS}
    print(
        f"event: {len(problem.participants)} firms, {problem.slot_count} slots, "
        f"{problem.tables} tables + {problem.online_capacity} online, "
        f"{len(problem.candidates)} candidates ({', '.join(f'{k}: {n}' for k, n in kinds.items())})"
        f", N = {args.max_meetings}; built in {time.perf_counter() - started:.2f} s"
    )
    for run in range(1, args.repeat + 1):
        schedule = solve(problem, time_limit=args.time_limit)
        greedy = greedy_schedule(problem)
        for name, result in (("solver", schedule), ("greedy", greedy)):
            violations = validate(problem, result.assignments)
            if violations:
                raise SystemExit(f"{name}: {len(violations)} violations, first: {violations[0]}")
        d = schedule.details
        steps = f"LP {d['lp_seconds']:.2f} s, restricted MILP {d['restricted_seconds']:.2f} s"
        steps += f" ({d['restricted_variables']:.0f} of {d['variables']:.0f} variables)"
        if "full_seconds" in d:
            steps += f", full MILP {d['full_seconds']:.2f} s (dual bound {schedule.dual_bound})"
        print(
            f"run {run}: solver {schedule.status}: {schedule.scheduled} meetings, objective "
            f"{schedule.objective:.2f}, LP bound {schedule.lp_bound:.2f}; wall "
            f"{schedule.wall_seconds:.2f} s ({steps}), CPU {schedule.cpu_seconds:.2f} s"
        )
        if args.compare:
            for label, options in (("jittered", {}), ("unjittered", {"jitter": 0.0})):
                full = solve(problem, time_limit=args.time_limit, use_lp_support=False, **options)
                print(
                    f"run {run}: full MILP alone, {label}: {full.status}, objective "
                    f"{full.objective:.2f}; wall {full.wall_seconds:.2f} s (LP "
                    f"{full.details['lp_seconds']:.2f} s, MILP {full.details['full_seconds']:.2f}"
                    f" s), CPU {full.cpu_seconds:.2f} s"
                )
        print(
            f"run {run}: greedy: {greedy.scheduled} meetings, objective {greedy.objective:.2f};"
            f" wall {greedy.wall_seconds:.2f} s, CPU {greedy.cpu_seconds:.2f} s; solver/greedy "
            f"{schedule.objective / greedy.objective:.3f}"
        )
    bound = schedule.lp_bound
    print(
        f"scheduled {schedule.scheduled} of {len(problem.candidates)} meetings in "
        f"{schedule.wall_seconds:.2f} s; objective {100 * schedule.objective / bound:.1f}% of the "
        f"LP bound; greedy {100 * greedy.objective / bound:.1f}%"
    )


if __name__ == "__main__":
    main()
