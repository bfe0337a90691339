"""Messages as pages show them: links made clickable (after escaping), times in the reader's
zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates
from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from matchmaker.models import as_utc

# http(s) addresses and bare www. ones; nothing else (no javascript:, data:, mailto:).
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’"

# Each country's zone, and the name readers know it by.
ZONES = {
    "PK": (ZoneInfo("Asia/Karachi"), _l("PKT")),
    "BY": (ZoneInfo("Europe/Minsk"), _l("Minsk time")),
}
UTC = ZoneInfo("UTC")


def linkify(text: str | None) -> Markup:
    """The text escaped, its web addresses turned into links that open outside the site and
    pass it no rank (`rel="nofollow noopener"`)."""
    text = text or ""
    out: list[str] = []
    pos = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        stripped = url.rstrip(_TRAILING)
        if not stripped or stripped.lower() in ("www.", "http://", "https://"):
            continue
        start, end = match.start(), match.start() + len(stripped)
        out.append(str(escape(text[pos:start])))
        href = stripped if "://" in stripped[:8] else "https://" + stripped
        out.append(
            f'<a href="{escape(href)}" rel="nofollow noopener" target="_blank" dir="ltr">'
            f"{escape(stripped)}</a>"
        )
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))  # noqa: S704 - every piece escaped above


def local_time(value: datetime | None, country: str | None) -> str:
    """Date and time in the zone of a reader of `country` (PKT, Minsk), the zone named."""
    value = as_utc(value)
    if not value:
        return ""
    return _local_times(country or "")(value)


class LocalTimes:
    """`local_time` for one reader's zone, with the locale, Babel's date pattern and the zone's
    name looked up once for the page, not for each message: the load database's thread page (5
    messages) 12.21 -> 11.94 M instructions per request (benchmarks/instructions.py)."""

    def __init__(self, country: str) -> None:
        zone, label = ZONES.get(country, (UTC, "UTC"))
        self.zone, self.label = zone, str(label)
        self.locale = get_locale()
        self.day = dates.parse_pattern(dates.get_date_format("medium", locale=self.locale))
        self.time = dates.parse_pattern("HH:mm")

    def __call__(self, value: datetime) -> str:
        local = value.astimezone(self.zone)
        day = dates.format_date(local.date(), self.day, locale=self.locale)
        time = dates.format_time(local.time(), self.time, locale=self.locale)
        return f"{day} {time} {self.label}"


def _local_times(country: str) -> LocalTimes:
    held = g.setdefault("local_times", {})  # this request's, by country
    found = held.get(country)
    if found is None:
        found = held[country] = LocalTimes(country)
    return found
