"""What a scheduling run returns, and why each meeting it could not place stayed out.

Public surface: `Schedule`, `Unscheduled`, `UnscheduledReason`, `SolveStatus`, `Stage`,
`ProgressCallback`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from matchmaker.scheduling.occupancy import Occupancy
from matchmaker.scheduling.problem import Assignment, FirmKey, MeetingKey, Problem
from matchmaker.scheduling.tables import assign_tables


class Stage(StrEnum):
    BUILDING = "building"  # the model: variables and constraints
    SOLVING = "solving"  # the LP relaxation, then the MILP (or the greedy pass)
    ASSIGNING_TABLES = "assigning_tables"
    DONE = "done"


# progress(stage, fraction): called as each stage starts; fraction is the share of the whole run
# done so far, in [0, 1], for a background job's progress bar.
ProgressCallback = Callable[[Stage, float], None]


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # the MILP solved to its relative gap tolerance
    TIME_LIMIT = "time_limit"  # stopped at the time limit: its best solution, filled in greedily
    HEURISTIC = "heuristic"  # the greedy first-fit baseline: no bound


class UnscheduledReason(StrEnum):
    NO_COMMON_SLOT = "no_common_slot"  # the two firms are never available at the same time
    FIRM_AT_LIMIT = "firm_at_limit"  # a firm has its maximum number of meetings
    FIRMS_BUSY = "firms_busy"  # in every common slot one of the two meets someone else
    SLOTS_FULL = "slots_full"  # in some common slot both are free but every table is taken


@dataclass(frozen=True)
class Unscheduled:
    """A candidate left out, with the reason and the firms concerned (those at their limit)."""

    meeting: MeetingKey
    reason: UnscheduledReason
    firms: tuple[FirmKey, ...]


@dataclass(frozen=True)
class Schedule:
    """A schedule: its assignments (by slot, then table; online last), and how good it is.

    objective: the total priority of the scheduled meetings (locked ones included).
    lp_bound: the LP relaxation's optimum (same constraints, 0 <= x <= 1, on the solver's
    jittered weights, see solver.py): no schedule's objective exceeds it, and it exceeds the
    relaxation on the true weights by less than the jitter (0.1 %). dual_bound: the full MILP's
    own bound, when that step ran. Both None for the greedy baseline.
    details: the solver's step times (seconds) and model sizes, for benchmarks and logs.
    """

    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    objective: float
    status: SolveStatus
    lp_bound: float | None = None
    dual_bound: float | None = None
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    details: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def scheduled(self) -> int:
        return len(self.assignments)


class Run:
    """The clock and progress reports of one run, and putting its result together."""

    def __init__(self, problem: Problem, progress: ProgressCallback | None) -> None:
        self.problem = problem
        self.progress = progress
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def report(self, stage: Stage, fraction: float) -> None:
        if self.progress is not None:
            self.progress(stage, fraction)

    def finish(
        self,
        occupancy: Occupancy,
        status: SolveStatus,
        lp_bound: float | None = None,
        dual_bound: float | None = None,
        details: dict[str, float] | None = None,
    ) -> Schedule:
        """Tables, explanations and figures for the placements in `occupancy`."""
        self.report(Stage.ASSIGNING_TABLES, 0.95)
        problem = self.problem
        assignments = assign_tables(problem, occupancy.placements())
        placed = list(occupancy.placed)
        schedule = Schedule(
            assignments=tuple(assignments),
            unscheduled=explain_unscheduled(problem, occupancy),
            objective=float(problem.weights[placed].sum()),
            status=status,
            lp_bound=lp_bound,
            dual_bound=dual_bound,
            wall_seconds=time.perf_counter() - self.wall,
            cpu_seconds=time.process_time() - self.cpu,
            details=details or {},
        )
        self.report(Stage.DONE, 1.0)
        return schedule


def explain_unscheduled(problem: Problem, occupancy: Occupancy) -> tuple[Unscheduled, ...]:
    """Why each candidate that `occupancy` did not place stayed out (checked in this order)."""
    out: list[Unscheduled] = []
    for c, candidate in enumerate(problem.candidates):
        if c in occupancy.placed:
            continue
        a, b = problem.pairs[c]
        common = problem.available[a] & problem.available[b]
        # A cap of every slot or more never binds: a firm that full is simply busy.
        limits = problem.limits
        at_limit = tuple(
            problem.participants[f].key
            for f in (a, b)
            if occupancy.count[f] >= limits[f] and limits[f] < problem.slot_count
        )
        if not common.any():
            reason, firms = UnscheduledReason.NO_COMMON_SLOT, candidate.firms
        elif at_limit:
            reason, firms = UnscheduledReason.FIRM_AT_LIMIT, at_limit
        elif np.any(common & ~occupancy.busy[a] & ~occupancy.busy[b]):
            reason, firms = UnscheduledReason.SLOTS_FULL, candidate.firms
        else:
            reason, firms = UnscheduledReason.FIRMS_BUSY, candidate.firms
        out.append(Unscheduled(candidate.key, reason, firms))
    return tuple(out)
