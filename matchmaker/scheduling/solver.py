"""The optimal scheduler: a 0-1 program over (meeting, slot), solved by HiGHS (scipy.optimize.milp).

Public surface: `solve`, `greedy_schedule`.

Variables x[m, s] = 1 when candidate m meets in slot s; one exists only where both firms are
available and free of locked meetings, the slot has room and, for a remote firm, an online place.
Maximise sum w[m] x[m, s] (priority.py) subject to
  each meeting at most once;            each firm in at most one meeting per slot;
  per slot at most tables + online places meetings, and at most the online places that must be
  online;                               each firm at most its maximum N meetings;
less what the locked meetings already use. Tables are given afterwards (tables.py), which those
per-slot bounds make always possible.

How it is solved, in up to three HiGHS calls:
1. the LP relaxation (0 <= x <= 1): its optimum bounds every schedule (Schedule.lp_bound);
2. the MILP restricted to the variables the LP solution uses (x > 0: 2-3 % of them, as in
   RENS); when its optimum is within mip_rel_gap of the LP bound it is proven near-optimal and
   we stop. That proof held on every benchmark variant we ran;
3. otherwise the full MILP, within what is left of time_limit; its dual bound is returned too.
Steps 1-2 against the full MILP alone, jittered / not (benchmarks/scheduling.py --compare, CPU
seconds, same objective wherever the full MILP finished): the benchmark 1.15 vs 4.90 / 4.02;
tables 25 + online 5: 1.25 vs 16.2 / 30.6 (stopped at 60 s); N = 36: 2.39 vs 13.1 / 28.1;
3,000 requests, N = 16: 1.86 vs 12.4 / 36.1 (stopped at 60 s).

Jitter: HiGHS maximises w'[v] = w[m] (1 + jitter u[v]), u seeded in [0, 1), one per variable.
Many schedules tie on w (any free slot will do), and that degeneracy is what slows the simplex
(the LP relaxation for N = 36 took 55 s with jitter 1e-4, 1.7 s with 1e-3). Since w <= w', the
bounds (computed on w') bound every schedule's true objective from above, exceeding the LP
relaxation on w by less than `jitter`; the schedule found is within jitter + mip_rel_gap of the
optimum. Objectives are reported in the true priorities. HiGHS is deterministic and the jitter
seeded: the same input gives the same schedule, unless the time limit stops a solve early.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from matchmaker.scheduling.occupancy import Occupancy, priority_order
from matchmaker.scheduling.problem import Problem
from matchmaker.scheduling.result import ProgressCallback, Run, Schedule, SolveStatus, Stage
from matchmaker.scheduling.validation import check_locked

_JITTER_SEED = 19
_SUPPORT = 1e-7  # an LP value above this puts the variable in the restricted MILP


@dataclass(frozen=True)
class _Model:
    candidate: np.ndarray  # (variables,) candidate index of each variable
    slot: np.ndarray  # (variables,) slot of each variable
    cost: np.ndarray  # minimised: minus the jittered weights
    constraint: LinearConstraint | None


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    mip_rel_gap: float = 1e-3,
    jitter: float = 1e-3,
    use_lp_support: bool = True,
    progress: ProgressCallback | None = None,
) -> Schedule:
    """The schedule of highest total priority (within jitter + mip_rel_gap of the optimum).

    time_limit (seconds) bounds the solver calls together; use_lp_support=False skips step 2
    (for the benchmark's comparison). Raises LockedConflictError when the locked meetings alone
    break a constraint.
    """
    run = Run(problem, progress)
    deadline = time.perf_counter() + time_limit
    run.report(Stage.BUILDING, 0.0)
    check_locked(problem)
    state = Occupancy.with_locked(problem)
    locked_value = float(problem.weights[list(state.placed)].sum())
    model = _build(problem, state, jitter)
    details = {"variables": float(model.cost.size)}
    if model.constraint is None:
        return run.finish(state, SolveStatus.OPTIMAL, locked_value, None, details)
    outcome = _optimise(model, deadline, mip_rel_gap, use_lp_support, run, details)
    if outcome.x is not None:
        for v in np.flatnonzero(outcome.x > 0.5):
            state.place(int(model.candidate[v]), int(model.slot[v]))
    # Only a solve stopped early can leave a meeting that still fits; place those first-fit.
    state.first_fit(priority_order(problem))
    status = SolveStatus.OPTIMAL if outcome.proven else SolveStatus.TIME_LIMIT
    bounds = [None if b is None else locked_value + b for b in (outcome.lp, outcome.dual)]
    return run.finish(state, status, bounds[0], bounds[1], details)


@dataclass(frozen=True)
class _Outcome:
    x: np.ndarray | None  # the best solution found, over the model's variables
    proven: bool  # within the gap of a bound
    lp: float | None  # the LP relaxation's optimum (jittered weights)
    dual: float | None  # the full MILP's dual bound, when it ran


def _optimise(
    model: _Model,
    deadline: float,
    gap: float,
    use_lp_support: bool,
    run: Run,
    details: dict[str, float],
) -> _Outcome:
    """Steps 1-3 of the module docstring."""
    run.report(Stage.SOLVING, 0.1)
    lp = _timed(details, "lp", model, deadline)
    lp_value = -float(lp.fun) if lp.status == 0 else None
    best, proven = None, False
    if use_lp_support and lp.x is not None:
        run.report(Stage.SOLVING, 0.4)
        support = np.flatnonzero(lp.x > _SUPPORT)
        details["restricted_variables"] = float(support.size)
        sub = _timed(details, "restricted", model, deadline, gap, support)
        if sub.x is not None:
            best = np.zeros_like(model.cost)
            best[support] = sub.x
            value = -float(model.cost @ best)
            proven = sub.status == 0 and lp_value is not None
            proven = proven and value >= (1.0 - gap) * lp_value - 1e-9
    if proven:
        return _Outcome(best, True, lp_value, None)
    run.report(Stage.SOLVING, 0.6)
    full = _timed(details, "full", model, deadline, gap)
    if full.x is not None and (best is None or model.cost @ full.x < model.cost @ best):
        best = full.x
    dual = getattr(full, "mip_dual_bound", None)
    dual = -float(dual) if dual is not None and np.isfinite(dual) else None
    return _Outcome(best, full.status == 0, lp_value, dual)


def _timed(
    details: dict[str, float],
    name: str,
    model: _Model,
    deadline: float,
    gap: float | None = None,
    columns: np.ndarray | None = None,
) -> OptimizeResult:
    """One HiGHS call: the LP relaxation (gap None) or the MILP, over all or some columns."""
    started = time.perf_counter()
    cost, constraint = model.cost, model.constraint
    if columns is not None:
        cost = cost[columns]
        constraint = LinearConstraint(constraint.A[:, columns], -np.inf, constraint.ub)
    options = {"time_limit": max(deadline - started, 1e-3)}
    integrality = None
    if gap is not None:
        options["mip_rel_gap"] = gap
        integrality = np.ones_like(cost)
    result = milp(
        cost,
        constraints=constraint,
        bounds=Bounds(0.0, 1.0),
        integrality=integrality,
        options=options,
    )
    details[f"{name}_seconds"] = time.perf_counter() - started
    return result


def greedy_schedule(problem: Problem, *, progress: ProgressCallback | None = None) -> Schedule:
    """The first-fit baseline: by priority, each meeting in its earliest open slot (no bound)."""
    run = Run(problem, progress)
    run.report(Stage.BUILDING, 0.0)
    check_locked(problem)
    state = Occupancy.with_locked(problem)
    run.report(Stage.SOLVING, 0.1)
    state.first_fit(priority_order(problem))
    return run.finish(state, SolveStatus.HEURISTIC)


def _build(problem: Problem, state: Occupancy, jitter: float = 0.0) -> _Model:
    """Variables and constraints for the candidates not yet placed (see the module docstring)."""
    pairs, available, busy = problem.pairs, problem.available, state.busy
    free = np.ones(len(problem.candidates), dtype=bool)
    free[list(state.placed)] = False
    left = problem.limits - state.count  # meetings each firm may still take
    free &= (left[pairs] > 0).all(axis=1)
    a, b = pairs[:, 0], pairs[:, 1]
    allowed = available[a] & available[b] & ~busy[a] & ~busy[b] & state.room()[None, :]
    allowed &= ~problem.online_only[:, None] | state.online_room()[None, :]
    candidate, slot = np.nonzero(allowed & free[:, None])
    spread = np.random.default_rng(_JITTER_SEED).random(candidate.size)
    cost = -problem.weights[candidate] * (1.0 + jitter * spread)
    if candidate.size == 0:
        return _Model(candidate, slot, cost, None)
    fa, fb = pairs[candidate, 0], pairs[candidate, 1]
    slots = problem.slot_count
    var = np.arange(candidate.size)
    twice = np.concatenate([var, var])
    remote = problem.online_only[candidate]
    blocks = [  # (row key of each nonzero, its column, right-hand side by row key)
        (candidate, var, np.ones(len(problem.candidates))),  # each meeting at most once
        (np.concatenate([fa * slots + slot, fb * slots + slot]), twice, np.ones(busy.size)),
        (slot, var, problem.capacity - state.used),  # per-slot room
        (slot[remote], var[remote], problem.online_capacity - state.online_used),
        (np.concatenate([fa, fb]), twice, left),  # each firm's maximum
    ]
    return _Model(candidate, slot, cost, _constraint(blocks, candidate.size))


def _constraint(
    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], variables: int
) -> LinearConstraint:
    """Stack the blocks into one sparse A x <= ub, one row per distinct key of each block."""
    rows, cols, upper = [], [], []
    offset = 0
    for keys, columns, ub in blocks:
        unique, inverse = np.unique(keys, return_inverse=True)
        rows.append(inverse + offset)
        cols.append(columns)
        upper.append(ub[unique])
        offset += unique.size
    rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
    matrix = sp.csr_array((np.ones(rows_all.size), (rows_all, cols_all)), shape=(offset, variables))
    upper_all = np.concatenate(upper).astype(np.float64)
    return LinearConstraint(matrix.tocsc(), -np.inf, upper_all)  # tocsc: the support's columns
