"""A proposal's strength and reasons as readers see them, the same on every page and in the API.

The strength is the calibrated percentage of the raw score (matching/calibration.py) and a
level (strong / good / possible); the reasons are the engine's codes rendered through a
catalogue (the reader's, or English for the API and the export), the firms' own words (names,
quotes) kept as written. The raw score stays what the contract says: a number in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from matchmaker.matching.calibration import shipped
from matchmaker.matching.reasons import english, render_all
from matchmaker.services.reference import reference


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


def _labels(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    kept = reference(session)
    return (
        {s.code: s.label for s in kept.sectors},
        {t.code: t.label for t in kept.cooperation_types},
    )


def reason_lines(session: Session, reasons, translate: Callable[[str], str]) -> list[str]:
    """A proposal's reasons through `translate` (the reader's catalogue); sector and type
    labels are the stored English ones, translated the same way."""
    sectors, types = _labels(session)
    return render_all(
        reasons,
        translate,
        lambda code: translate(sectors[code]) if code in sectors else code,
        lambda code: translate(types[code]) if code in types else code,
    )


def english_reasons(session: Session, reasons) -> list[str]:
    sectors, types = _labels(session)
    return english(reasons, sectors, types)
