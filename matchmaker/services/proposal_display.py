"""A proposal's strength and reasons as readers see them, the same on every page and in the API.

The strength is the calibrated percentage of the raw score (matching/calibration.py) and a
level (strong / good / possible); the reasons are the engine's codes rendered through a
catalogue (the reader's, or English for the API and the export), the firms' own words (names,
quotes) kept as written. The raw score stays what the contract says: a number in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matchmaker.matching.calibration import shipped
from matchmaker.matching.reasons import english, render_all
from matchmaker.services.reference import COOPERATION_TYPES, SECTORS


@dataclass(frozen=True)
class Strength:
    percent: int
    level: str  # strong, good or possible


def strength(score: float) -> Strength:
    calibration = shipped()
    percent = calibration.percent(score)
    return Strength(percent, calibration.label(percent))


def strength_out(score: float) -> dict[str, object]:
    found = strength(score)
    return {"percent": found.percent, "label": found.level}


_SECTOR_LABELS = {entry.code: entry.label for entry in SECTORS}
_TYPE_LABELS = {entry.code: entry.label for entry in COOPERATION_TYPES}


def reason_lines(reasons, translate: Callable[[str], str]) -> list[str]:
    """A proposal's reasons through `translate` (the reader's catalogue); sector and type
    labels are the reference's English ones, translated the same way."""
    return render_all(
        reasons,
        translate,
        lambda code: translate(_SECTOR_LABELS[code]) if code in _SECTOR_LABELS else code,
        lambda code: translate(_TYPE_LABELS[code]) if code in _TYPE_LABELS else code,
    )


def english_reasons(reasons) -> list[str]:
    return english(reasons, _SECTOR_LABELS, _TYPE_LABELS)
