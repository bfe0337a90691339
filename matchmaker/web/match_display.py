"""Template helpers for proposals: `match_strength(score)` and `reason_lines(reasons)` in the
reader's language (services/proposal_display.py decides what they say)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import format_percent, gettext

from matchmaker.services import proposal_display


def _(text: str) -> str:
    return text


STRENGTH_LABELS = {
    "strong": _("strong match"),
    "good": _("good match"),
    "possible": _("possible match"),
}


@dataclass(frozen=True)
class ShownStrength:
    percent: int
    level: str

    @property
    def label(self) -> str:
        return gettext(STRENGTH_LABELS[self.level])

    @property
    def number(self) -> str:
        return format_percent(self.percent / 100)


def match_strength(score: float) -> ShownStrength:
    found = proposal_display.strength(score)
    return ShownStrength(found.percent, found.level)


def reason_lines(reasons) -> list[str]:
    return proposal_display.reason_lines(reasons, gettext)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(match_strength=match_strength, reason_lines=reason_lines)
