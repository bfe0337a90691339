"""The meeting scheduler of B2B events: pure Python over numpy and scipy (no Flask, no SQL).

Public surface:
- input: `Problem` (slots, tables, online places, `Participant`s, `Candidate`s, locked
  `Assignment`s, `Priority`), `MeetingKind`, `ProblemError`; `build_slots` / `Slot` for times;
- solving: `solve` (HiGHS MILP via scipy.optimize.milp, with the LP relaxation's bound),
  `greedy_schedule` (the first-fit baseline), both returning a `Schedule` (assignments,
  `Unscheduled` with an `UnscheduledReason`, objective, bounds, times, `SolveStatus`), and
  reporting `Stage`s to an optional progress callback;
- editing: `validate` (a list of `Violation`s of a `ViolationKind`), `move_meeting` (a
  `MoveResult`), `cancel_meeting`, `LockedConflictError`;
- publishing: `diff_schedules` (a `ScheduleDiff` of `MeetingChange`s of a `ChangeKind`).

Priority (priority.py): mutual 5 > one-sided 2 > recommended 0.1 + 0.8 x strength, per meeting.
"""

from matchmaker.scheduling.diff import ChangeKind, MeetingChange, ScheduleDiff, diff_schedules
from matchmaker.scheduling.priority import DEFAULT_PRIORITY, MeetingKind, Priority
from matchmaker.scheduling.problem import (
    Assignment,
    Candidate,
    Participant,
    Problem,
    ProblemError,
)
from matchmaker.scheduling.result import (
    ProgressCallback,
    Schedule,
    SolveStatus,
    Stage,
    Unscheduled,
    UnscheduledReason,
)
from matchmaker.scheduling.slots import Slot, build_slots
from matchmaker.scheduling.solver import greedy_schedule, solve
from matchmaker.scheduling.validation import (
    LockedConflictError,
    MoveResult,
    Violation,
    ViolationKind,
    cancel_meeting,
    move_meeting,
    validate,
)

__all__ = [
    "DEFAULT_PRIORITY",
    "Assignment",
    "Candidate",
    "ChangeKind",
    "LockedConflictError",
    "MeetingChange",
    "MeetingKind",
    "MoveResult",
    "Participant",
    "Priority",
    "Problem",
    "ProblemError",
    "ProgressCallback",
    "Schedule",
    "ScheduleDiff",
    "Slot",
    "SolveStatus",
    "Stage",
    "Unscheduled",
    "UnscheduledReason",
    "Violation",
    "ViolationKind",
    "build_slots",
    "cancel_meeting",
    "diff_schedules",
    "greedy_schedule",
    "move_meeting",
    "solve",
    "validate",
]
