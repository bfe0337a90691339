"""Template filters and the values every page needs."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any

import babel
import babel.numbers
import flask_babel
from flask import Flask, url_for
from flask_login import current_user
from markupsafe import Markup

from matchmaker.extensions import db
from matchmaker.models import as_utc
from matchmaker.services.reference import SectorEntry, reference
from matchmaker.web.i18n import current_locale
from matchmaker.web.request_cache import kept


def register_template_helpers(app: Flask) -> None:
    @app.template_filter("combine_page")
    def combine_page(args: dict[str, Any], page: int) -> dict[str, Any]:
        return {**args, "page": page}

    @app.template_filter("datetime")
    def format_datetime(value: datetime | None) -> str:
        """Date and time (UTC) in the reader's locale: "28 Nov 2026, 14:05", "28 нояб. 2026 г."."""
        value = as_utc(value)
        if not value:
            return ""
        return (
            f"{flask_babel.format_date(value, 'medium')} {flask_babel.format_time(value, 'HH:mm')}"
        )

    @app.template_filter("day")
    def format_day(value: str | date | None) -> str:
        if not value:
            return ""
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return flask_babel.format_date(day, "medium")

    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_decimal2, "decimal2")
    app.add_template_global(select_options)

    @app.template_global()
    def sector_entries(codes: list[str]) -> list[SectorEntry]:
        """The sectors of these codes (label, ISIC), from the kept reference tables."""
        # Once per request: finding the session's engine costs more than the lookups.
        known = kept("sector_by_code", lambda: reference(db.session).sector_by_code)
        return [known[code] for code in codes if code in known]

    @app.context_processor
    def navigation() -> dict[str, Any]:
        return {"nav_extra_firm": firm_nav(), "nav_extra_staff": staff_nav()}


def select_options(choices: dict[str, str], selected: str | None) -> Markup:
    """The <option>s of a <select> (value: label), the `selected` one marked. A list page
    renders the same options in every row: they are built once per request and choice."""
    built = kept("select_options", dict)
    key = (tuple(choices.items()), selected)  # by content: an id() may be reused
    found = built.get(key)
    if found is None:
        found = built[key] = Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                value, Markup(" selected") if value == selected else "", text
            )
            for value, text in choices.items()
        )
    return found


CENTS = Decimal("0.01")


@lru_cache(maxsize=32)
def _decimal_symbol(locale: str) -> str:
    return babel.numbers.get_decimal_symbol(locale)


@lru_cache(maxsize=32)
def _group_symbol(locale: str) -> str | None:
    """The locale's thousands separator if it groups by threes (else None: ask Babel)."""
    if babel.Locale.parse(locale).decimal_formats[None].grouping != (3, 3):
        return None
    return babel.numbers.get_group_symbol(locale)


def format_number(value: int | float | None) -> str:
    """A count in the reader's locale ("1,234", "1 234"): what Babel's format_decimal gives,
    directly for whole non-negative numbers where the locale groups by threes."""
    value = value or 0
    if isinstance(value, int) and value >= 0:
        group = _group_symbol(str(current_locale() or "en"))
        if group is not None:
            return f"{value:,}".replace(",", group)
    return flask_babel.format_decimal(value)


def format_decimal2(value: float | None) -> str:
    """Two decimals in the reader's locale ("0.87", "0,87"): what Babel's pattern "0.00" gives,
    without its pattern machinery on every score of a page (no grouping in that pattern)."""
    value = value or 0
    if value < 0:
        return flask_babel.format_decimal(value, "0.00")
    rounded = Decimal(str(value)).quantize(CENTS, ROUND_HALF_EVEN)  # as Babel rounds
    return f"{rounded:.2f}".replace(".", _decimal_symbol(str(current_locale() or "en")))


def firm_nav() -> list[dict[str, Any]]:
    if not (current_user.is_authenticated and current_user.is_firm_user):
        return []
    items: list[dict[str, Any]] = []
    for endpoint, label, badge in NAV_FIRM:
        items.append({"url": url_for(endpoint), "label": label, "badge": badge() if badge else 0})
    return items


def staff_nav() -> list[dict[str, Any]]:
    if not (current_user.is_authenticated and current_user.is_staff):
        return []
    return [{"url": url_for(endpoint), "label": label} for endpoint, label in NAV_STAFF]


# Filled by the blueprints that exist: (endpoint, label, badge callable or None).
NAV_FIRM: list[tuple[str, str, Any]] = []
NAV_STAFF: list[tuple[str, str]] = []
