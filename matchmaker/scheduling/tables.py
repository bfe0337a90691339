"""Giving each placed meeting a table, slot by slot, once the solver has chosen the slots.

Public surface: `assign_tables`.

The rule (deterministic): locked meetings keep their table; meetings with a remote firm go
online; the others, highest priority first, take the table one of their firms last sat at
(firm_a's first), if it is free, so a firm that stays put is not sent across the room; the rest
take the lowest free tables, and once the tables are full, online places.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from matchmaker.scheduling.occupancy import locked_assignments
from matchmaker.scheduling.problem import Assignment, Problem


def assign_tables(problem: Problem, placements: Iterable[tuple[int, int]]) -> list[Assignment]:
    """Assignments for (candidate index, slot) placements, sorted by slot and table."""
    locked = locked_assignments(problem)
    by_slot: dict[int, list[int]] = defaultdict(list)
    for candidate, slot in placements:
        by_slot[slot].append(candidate)
    last_table: dict[int, int] = {}  # firm index -> the table of its latest meeting
    out: list[Assignment] = []
    for slot in sorted(by_slot):
        tables = _tables_in_slot(problem, sorted(by_slot[slot]), locked, last_table)
        for candidate, table in tables.items():
            if table is not None:
                for firm in problem.pairs[candidate]:
                    last_table[int(firm)] = table
            out.append(Assignment(problem.candidates[candidate].key, slot, table))
    out.sort(key=lambda a: (a.slot, a.table is None, a.table or 0))
    return out


def _tables_in_slot(
    problem: Problem,
    candidates: list[int],
    locked: dict[int, Assignment],
    last_table: dict[int, int],
) -> dict[int, int | None]:
    chosen: dict[int, int | None] = {}
    flexible: list[int] = []
    for c in candidates:
        if c in locked:
            chosen[c] = locked[c].table
        elif problem.online_only[c]:
            chosen[c] = None
        else:
            flexible.append(c)
    taken = {t for t in chosen.values() if t is not None}
    flexible.sort(key=lambda c: (-problem.weights[c], c))
    rest: list[int] = []
    for c in flexible:
        home = [last_table.get(int(f)) for f in problem.pairs[c]]
        table = next((t for t in home if t is not None and t not in taken), None)
        if table is None:
            rest.append(c)
        else:
            chosen[c] = table
            taken.add(table)
    free = iter([t for t in range(1, problem.tables + 1) if t not in taken])
    for c in rest:
        chosen[c] = next(free, None)
    return chosen
