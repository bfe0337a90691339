"""How much a scheduled meeting is worth: mutual requests first, then one-sided, then recommended.

Public surface: `MeetingKind`, `Priority`, `DEFAULT_PRIORITY`.

The choice (documented in the package docstring, tested in tests/scheduling/test_priority.py):
the weights are per meeting and strictly ordered, mutual > one-sided > the best recommended, with
each tier worth MORE THAN TWICE the next (5 > 2 x 2, 2 > 2 x 0.9). So the solver never gives up a
mutual meeting for one or two one-sided ones (nor a one-sided one for one or two recommended
ones), but it may give one up when that lets three or more lower ones take place: more firms meet.
A fully lexicographic order (one mutual worth more than any number of lower meetings) would need
weights growing with the event's size, and then the MILP's relative gap would hide the lower tiers.
A recommended meeting is worth recommended_min + (recommended_max - recommended_min) x strength:
base x strength, shifted so that even a weak recommendation is placed when a table is free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class MeetingKind(StrEnum):
    MUTUAL = "mutual"  # both firms asked for it
    ONE_SIDED = "one_sided"  # one firm asked, the other accepted
    RECOMMENDED = "recommended"  # staff added it from a proposal (match strength in [0, 1])


@dataclass(frozen=True)
class Priority:
    """The weight of each kind of meeting; the ordering is checked on construction."""

    mutual: float = 5.0
    one_sided: float = 2.0
    recommended_min: float = 0.1
    recommended_max: float = 0.9

    def __post_init__(self) -> None:
        values = (self.mutual, self.one_sided, self.recommended_max, self.recommended_min)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("priority weights must be finite numbers")
        if not (self.mutual > self.one_sided > self.recommended_max >= self.recommended_min > 0):
            raise ValueError(
                "priority weights must satisfy mutual > one_sided > recommended_max"
                " >= recommended_min > 0"
            )

    def weight(self, kind: MeetingKind, strength: float = 0.0) -> float:
        """The weight of one meeting of this kind (strength counts for recommended ones only)."""
        if kind is MeetingKind.MUTUAL:
            return self.mutual
        if kind is MeetingKind.ONE_SIDED:
            return self.one_sided
        return self.recommended_min + (self.recommended_max - self.recommended_min) * strength


DEFAULT_PRIORITY = Priority()
