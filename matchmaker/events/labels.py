"""What the event pages call the stored values (in the reader's language), and how they write
times: always in a named time zone, never rebased to the server's."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import flask_babel
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from matchmaker.models import as_utc

REQUEST_STATUS = {
    "pending": _l("waiting for an answer"),
    "accepted": _l("accepted"),
    "declined": _l("declined"),
}
PARTICIPANT_STATUS = {"invited": _l("invited"), "registered": _l("registered")}
MEETING_KIND = {
    "mutual": _l("both asked"),
    "one_sided": _l("requested"),
    "recommended": _l("recommended by EDB"),
}
UNSCHEDULED = {
    "no_common_slot": _l("the two firms have no free slot in common"),
    "firm_at_limit": _l("a firm has its maximum number of meetings"),
    "firms_busy": _l("one of the firms is busy in every common slot"),
    "slots_full": _l("every table is taken in the common slots"),
}


def clock(value: datetime | None) -> str:
    """ "14:30" as the datetime's own zone has it."""
    return flask_babel.format_time(value, "HH:mm", rebase=False) if value else ""


def when(value: datetime | None) -> str:
    """ "Mon 1 Mar 2027, 14:30" in the datetime's own zone, in the reader's language."""
    if not value:
        return ""
    day = flask_babel.format_date(value.date(), "EEE d MMM y")
    return f"{day}, {clock(value)}"


def span(start: datetime | None, end: datetime | None = None) -> Markup:
    """ "Mon 1 Mar 2027 14:30–15:00": the day in the reader's language, the clock times kept
    left to right (so a right-to-left page does not swap them)."""
    if not start:
        return Markup("")
    times = clock(start) + ("–" + clock(end) if end else "")
    day = flask_babel.format_date(start.date(), "EEE d MMM y")
    return Markup('{} <span dir="ltr" class="clock">{}</span>').format(day, times)


def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """A stored (UTC) moment in a time zone."""
    return as_utc(value).astimezone(ZoneInfo(zone)) if value else None


def register(bp: Blueprint) -> None:
    bp.add_app_template_filter(in_zone, "in_zone")
    bp.add_app_template_global(span, "span")
    bp.add_app_template_filter(clock, "clock")
    bp.add_app_template_filter(when, "when")

    @bp.app_context_processor
    def event_labels() -> dict:
        return {
            "request_status": REQUEST_STATUS,
            "participant_status": PARTICIPANT_STATUS,
            "meeting_kind": MEETING_KIND,
            "unscheduled_text": UNSCHEDULED,
        }
