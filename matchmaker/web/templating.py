"""Template filters, the values every page needs, and the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import flask_babel
from babel import Locale, numbers
from flask import Flask, current_app, url_for
from flask_babel import get_translations
from flask_login import current_user

from matchmaker.models import as_utc
from matchmaker.services.pages import Page
from matchmaker.services.reference import COUNTRIES, N_, sector_entries
from matchmaker.web.signed_in import unread_badge
from matchmaker.web.urls import built_once


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # English, marked for the catalogues; translated where shown
    audience: str  # "signed_in", "firm" or "staff"
    unread_badge: bool = False


# The site's navigation, in the order shown.
NAVIGATION = (
    NavItem("firms.home", N_("Home"), "firm"),
    NavItem("firms.directory", N_("Firms"), "signed_in"),
    NavItem("firms.edit", N_("My firm"), "firm"),
    NavItem("messages.matches", N_("Introductions"), "firm"),
    NavItem("messages.inbox", N_("Messages"), "firm", unread_badge=True),
    NavItem("events.index", N_("Events"), "signed_in"),
    NavItem("events.outcomes_page", N_("Outcomes"), "firm"),
    NavItem("review.queue", N_("Review"), "staff"),
    NavItem("review.dashboard_page", N_("Dashboard"), "staff"),
    NavItem("review.audit", N_("Audit trail"), "staff"),
    NavItem("auth.account", N_("Account"), "signed_in"),
)


# What the layout links to on every page besides the navigation: (endpoint, values).
LAYOUT_LINKS = {
    "favicon": ("static", {"filename": "img/favicon.svg"}),
    "site_css": ("static", {"filename": "css/site.css"}),
    "urdu_css": ("static", {"filename": "css/urdu.css"}),
    "site_js": ("static", {"filename": "js/site.js"}),
    "home": ("main.index", {}),
    "login": ("auth.login", {}),
    "register": ("auth.register", {}),
    "logout": ("auth.logout", {}),
    "set_language": ("main.set_language", {}),
}


def site_links() -> dict[str, str]:
    """The URLs of the layout (by the names of LAYOUT_LINKS) and of the navigation (by
    endpoint): none takes a value, so they are built once for each script root the app is
    served under and kept with the app, not by 14 url_for calls on every page (empty layout
    page 5.63 -> 5.13 M instructions per request, benchmarks/instructions.py). In debug mode
    they are built each time: static files' hashed names change as the files are edited."""
    if current_app.debug:
        return _site_links()
    return built_once("site links", _site_links)


def _site_links() -> dict[str, str]:
    links = {name: url_for(endpoint, **values) for name, (endpoint, values) in LAYOUT_LINKS.items()}
    links.update((item.endpoint, url_for(item.endpoint)) for item in NAVIGATION)
    return links


def navigation(links: dict[str, str]) -> list[dict[str, Any]]:
    """The signed-in user's links (url, label, badge; the unread count comes with the user)."""
    if not current_user.is_authenticated:
        return []
    audiences = {"signed_in"}
    if current_user.is_firm_user:
        audiences.add("firm")
    if current_user.is_staff:
        audiences.add("staff")
    # The page's catalogue once, not Flask-Babel's lookups for each lazy label: the empty
    # layout page 6.70 -> 6.11 M instructions per request for a firm user, 5.66 -> 5.25 for an
    # officer (benchmarks/instructions.py).
    gettext = get_translations().ugettext
    items = []
    for item in NAVIGATION:
        if item.audience in audiences:
            badge = unread_badge(current_user) if item.unread_badge else 0
            items.append(
                {"url": links[item.endpoint], "label": gettext(item.label), "badge": badge}
            )
    return items


def format_number(value: int | float | None) -> str:
    """A count in the reader's locale ("1,234", "1 234")."""
    return _decimal(value or 0, flask_babel.get_locale())


# Babel's formatting of the counts pages show (a page number, a total: a few distinct values
# per locale), kept: /review 19.03 -> 18.85 M instructions per request, search + sector
# 15.68 -> 15.52 (benchmarks/instructions.py --requests 10).
@lru_cache(maxsize=4096, typed=True)
def _decimal(value: int | float, locale: Locale | None) -> str:
    return numbers.format_decimal(value, locale=locale)


def format_decimal2(value: float | None) -> str:
    """Two decimals in the reader's locale ("0.87", "0,87")."""
    return flask_babel.format_decimal(value or 0, "0.00")


def format_datetime(value: datetime | None) -> str:
    """Date and time (UTC) in the reader's locale: "28 Nov 2026, 14:05", "28 нояб. 2026 г."."""
    value = as_utc(value)
    if not value:
        return ""
    return f"{flask_babel.format_date(value, 'medium')} {flask_babel.format_time(value, 'HH:mm')}"


def format_day(value: str | date | None) -> str:
    if not value:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return flask_babel.format_date(day, "medium")


def total_label(page: Page[Any]) -> str:
    """A list's total for people in their locale: "12", "1,234" or "10,000+" ("10 000+")."""
    if page.total_is_capped:
        return format_number(page.cap) + "+"
    return format_number(page.total)


def combine_page(args: dict[str, Any], page: int) -> dict[str, Any]:
    """The address's arguments with another page, for `url_for`: its own options (`_external`,
    `_anchor`, `_scheme`, `_method`) are no arguments of ours and are left out, so an address
    cannot make a page's links absolute or point them elsewhere."""
    return {**{k: v for k, v in args.items() if not k.startswith("_")}, "page": page}


def register_template_helpers(app: Flask) -> None:
    for name, function in (
        ("combine_page", combine_page),
        ("datetime", format_datetime),
        ("day", format_day),
        ("number", format_number),
        ("decimal2", format_decimal2),
        ("total_label", total_label),
    ):
        app.add_template_filter(function, name)
    app.add_template_global(sector_entries)
    app.add_template_global(COUNTRIES, "countries")

    @app.context_processor
    def navigation_links() -> dict[str, Any]:
        links = site_links()
        return {"links": links, "navigation": navigation(links)}
