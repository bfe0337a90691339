"""Who is busy in which slot and how full each slot is, as meetings are placed.

Internal to the package: `Occupancy` (used by the greedy baseline, the solver's model and its
final fill-in pass, and the explanations of what stayed unscheduled), `priority_order`,
`locked_assignments`.

Per slot the counts are: all meetings (at most tables + online places) and the meetings that must
be online (a remote firm, or locked online; at most the online places). Locked meetings at a table
stay within the tables (validation checks that). Those three bounds are exactly what lets tables
be given afterwards slot by slot (Hall's condition for this small bipartite case).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from matchmaker.scheduling.problem import Assignment, Problem


class Occupancy:
    """Mutable placement state over a problem: busy[firm, slot], count[firm], per-slot counts."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        firms, slots = problem.available.shape
        self.busy = np.zeros((firms, slots), dtype=bool)
        self.count = np.zeros(firms, dtype=np.int64)
        self.used = np.zeros(slots, dtype=np.int64)
        self.online_used = np.zeros(slots, dtype=np.int64)
        self.placed: dict[int, int] = {}  # candidate index -> slot

    @classmethod
    def with_locked(cls, problem: Problem) -> Occupancy:
        """The state once the problem's locked meetings are in place."""
        state = cls(problem)
        for a in problem.locked:
            state.place(problem.candidate_index[a.meeting], a.slot, online=a.table is None)
        return state

    def place(self, candidate: int, slot: int, *, online: bool = False) -> None:
        """Record a meeting in a slot; `online` when it must use an online place."""
        a, b = self.problem.pairs[candidate]
        self.busy[[a, b], slot] = True
        self.count[[a, b]] += 1
        self.used[slot] += 1
        self.online_used[slot] += online or bool(self.problem.online_only[candidate])
        self.placed[candidate] = slot

    def room(self) -> np.ndarray:
        """(slots,) True where one more meeting fits."""
        return self.used < self.problem.capacity

    def online_room(self) -> np.ndarray:
        """(slots,) True where one more online meeting fits."""
        return (self.online_used < self.problem.online_capacity) & self.room()

    def within_limits(self, candidate: int) -> bool:
        """Whether both firms of the candidate may still take a meeting."""
        pair = self.problem.pairs[candidate]
        return bool(np.all(self.count[pair] < self.problem.limits[pair]))

    def open_slots(self, candidate: int) -> np.ndarray:
        """(slots,) True where the candidate could be placed now (limits aside)."""
        p = self.problem
        a, b = p.pairs[candidate]
        room = self.online_room() if p.online_only[candidate] else self.room()
        return p.available[a] & p.available[b] & ~self.busy[a] & ~self.busy[b] & room

    def first_fit(self, order: Iterable[int]) -> None:
        """Place each candidate of `order` (not yet placed) in its earliest open slot."""
        for c in order:
            if c in self.placed or not self.within_limits(c):
                continue
            open_slots = self.open_slots(c)
            if open_slots.any():
                self.place(c, int(np.argmax(open_slots)))

    def placements(self) -> list[tuple[int, int]]:
        """(candidate, slot) of every placed meeting, locked ones included."""
        return sorted(self.placed.items())


def priority_order(problem: Problem) -> list[int]:
    """Candidate indices, highest priority first (ties: the caller's order)."""
    return [int(i) for i in np.argsort(-problem.weights, kind="stable")]


def locked_assignments(problem: Problem) -> dict[int, Assignment]:
    """The locked assignments by candidate index."""
    return {problem.candidate_index[a.meeting]: a for a in problem.locked}
