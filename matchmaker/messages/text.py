"""Messages as pages show them: links made clickable (after escaping), times in the reader's
zone."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates
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
    zone, label = ZONES.get(country or "", (UTC, "UTC"))
    local = value.astimezone(zone)
    locale = get_locale()
    day = dates.format_date(local.date(), "medium", locale=locale)
    time = dates.format_time(local.time(), "HH:mm", locale=locale)
    return f"{day} {time} {label}"
