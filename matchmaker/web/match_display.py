"""Template helpers for proposals: `match_strength(score)` and `reason_lines(reasons)` in the
reader's language (services/proposal_display.py decides what they say), and `ProposalText`, the
same for the many cards of one page with what they share looked up once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import format_decimal, format_percent, get_decimal_symbol, parse_pattern
from flask import Flask
from flask_babel import format_percent as babel_format_percent
from flask_babel import get_locale, get_translations, gettext

from matchmaker.services import proposal_display
from matchmaker.services.reference import COUNTRY_BY_CODE, sector_entries
from matchmaker.web.i18n import TERMS


def _(text: str) -> str:
    return text


STRENGTH_LABELS = {
    "strong": _("strong match"),
    "good": _("good match"),
    "possible": _("possible match"),
}
RAW_SCORE = _("Raw score %(score)s")
TWO_DECIMALS = parse_pattern("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ShownStrength:
    percent: int
    level: str

    @property
    def label(self) -> str:
        return gettext(STRENGTH_LABELS[self.level])

    @property
    def number(self) -> str:
        return babel_format_percent(self.percent / 100)


@dataclass(frozen=True, slots=True)
class ShownScore:
    """A score as its bar shows it: the strength's level, percentage and words, and the raw
    score with two decimals in its title ("Raw score 0.73")."""

    level: str
    percent: int
    label: str
    number: str
    title: str


class ProposalText:
    """The scores and reasons of one page's proposal cards in the reader's language: the
    catalogue and the locale looked up once for the page (not by Flask-Babel on each call), a
    percentage's words and number formatted once however many cards show it."""

    def __init__(self) -> None:
        self.gettext = get_translations().ugettext  # the page's catalogue
        self._locale = get_locale()
        self._strengths: dict[int, tuple[str, str, str]] = {}
        self._raw_score = self.gettext(RAW_SCORE)
        self._decimal_symbol = get_decimal_symbol(self._locale)

    def score(self, score: float) -> ShownScore:
        found = proposal_display.strength(score)
        shown = self._strengths.get(found.percent)
        if shown is None:
            shown = self._strengths[found.percent] = (
                found.level,
                self.gettext(STRENGTH_LABELS[found.level]),
                format_percent(found.percent / 100, locale=self._locale),
            )
        level, label, number = shown
        return ShownScore(
            level, found.percent, label, number, self._raw_score % {"score": self.raw(score)}
        )

    def raw(self, score: float | None) -> str:
        """A score with two decimals, as Babel's `format_decimal(score, "0.00")` gives it: the
        same rounding of the same decimal (half to even, from `str(score)`) and the locale's
        decimal sign, without Babel's pattern machinery per card: /review (25 cards) 24.29 ->
        23.18 M instructions per request (benchmarks/instructions.py --requests 10). Negative
        or not finite: Babel itself."""
        value = score or 0
        if not 0 <= value < float("inf"):
            return format_decimal(value, TWO_DECIMALS, locale=self._locale)
        rounded = Decimal(str(value)).quantize(CENT, ROUND_HALF_EVEN)
        return f"{rounded:f}".replace(".", self._decimal_symbol)

    def reasons(self, reasons) -> list[str]:
        return proposal_display.reason_lines(reasons, self.gettext)

    def sectors(self, codes: list[str]) -> list[tuple[str, str]]:
        """The sectors' (label, ISIC codes), as `sector_tags` in _macros/firms.html shows them."""
        return [(self.gettext(s.label), s.isic) for s in sector_entries(codes)]

    def country(self, code: str | None) -> str:
        """A country's name, as `country_name()` in templates gives it."""
        country = COUNTRY_BY_CODE.get(str(code or ""))
        return self.gettext(country.name) if country else str(code or "")

    def term(self, value: str | None) -> str:
        """A stored word (a status, an answer) as `term()` in templates shows it."""
        value = str(value or "")
        return self.gettext(TERMS[value]) if value in TERMS else value


def match_strength(score: float) -> ShownStrength:
    found = proposal_display.strength(score)
    return ShownStrength(found.percent, found.level)


def reason_lines(reasons) -> list[str]:
    return proposal_display.reason_lines(reasons, gettext)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(match_strength=match_strength, reason_lines=reason_lines)
