from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from matchmaker.models import EventStatus, NextStep
from matchmaker.services.events import EventInput
from matchmaker.web.forms import choices

_BREAK = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$")
ZONES = sorted(available_timezones())
STATUS_LABELS = {
    EventStatus.DRAFT.value: _l("Draft (staff only)"),
    EventStatus.OPEN.value: _l("Open for registration"),
    EventStatus.CLOSED.value: _l("Closed"),
}


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    time_zone = StringField(
        _l("Time zone"),
        default="Europe/Minsk",
        validators=[DataRequired(), AnyOf(ZONES, message=_l("Unknown time zone."))],
        description=_l("For example Europe/Minsk or Asia/Karachi."),
    )
    days = StringField(
        _l("Days"),
        validators=[DataRequired(), Length(max=400)],
        description=_l("Dates as YYYY-MM-DD, separated by commas."),
    )
    day_start = TimeField(_l("Meetings start at"), default=time(10, 0))
    day_end = TimeField(_l("Meetings end by"), default=time(17, 0))
    meeting_minutes = IntegerField(
        _l("Meeting length (minutes)"), default=30, validators=[NumberRange(min=5, max=240)]
    )
    gap_minutes = IntegerField(
        _l("Pause between meetings (minutes)"), default=0, validators=[NumberRange(min=0, max=120)]
    )
    breaks = StringField(
        _l("Breaks"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example 13:00-14:00, 16:00-16:15."),
    )
    tables = IntegerField(_l("Tables"), default=10, validators=[NumberRange(min=0, max=500)])
    online_places = IntegerField(
        _l("Online meetings per slot"), default=0, validators=[NumberRange(min=0, max=500)]
    )
    video_base_url = URLField(
        _l("Video meeting address"),
        validators=[Optional(), URL(require_tld=False), Length(max=300)],
        description=_l("Each online meeting gets its own room under this address."),
    )
    max_meetings = IntegerField(
        _l("At most meetings per firm"), validators=[Optional(), NumberRange(min=1, max=200)]
    )
    request_deadline = DateTimeLocalField(
        _l("Deadline for meeting requests (event's time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    delegation_country = SelectField(
        _l("Invited delegation"),
        choices=choices([("PK", _l("Pakistani firms")), ("BY", _l("Belarusian firms"))]),
    )
    hosts_open = BooleanField(_l("Open to every firm of the host country"), default=True)
    status = SelectField(_l("Status"), choices=choices(STATUS_LABELS.items()))

    def parsed_days(self) -> list[date] | None:
        try:
            return [date.fromisoformat(d.strip()) for d in self.days.data.split(",") if d.strip()]
        except ValueError:
            self.days.errors = [*self.days.errors, _l("Write each date as YYYY-MM-DD.")]
            return None

    def parsed_breaks(self) -> list[tuple[time, time]] | None:
        out = []
        for part in (self.breaks.data or "").split(","):
            if not part.strip():
                continue
            match = _BREAK.match(part)
            try:
                out.append(
                    (time.fromisoformat(match[1].zfill(5)), time.fromisoformat(match[2].zfill(5)))
                )
            except (TypeError, ValueError):
                self.breaks.errors = [*self.breaks.errors, _l("Write each break as 13:00-14:00.")]
                return None
        return out

    def to_input(self) -> EventInput | None:
        days, breaks = self.parsed_days(), self.parsed_breaks()
        if days is None or breaks is None:
            return None
        deadline = self.request_deadline.data
        if isinstance(deadline, datetime):
            deadline = deadline.replace(tzinfo=ZoneInfo(self.time_zone.data))
        return EventInput(
            title=self.title.data.strip(),
            city=self.city.data.strip(),
            venue=(self.venue.data or "").strip() or None,
            time_zone=self.time_zone.data,
            days=days,
            day_start=self.day_start.data,
            day_end=self.day_end.data,
            meeting_minutes=self.meeting_minutes.data,
            gap_minutes=self.gap_minutes.data or 0,
            breaks=breaks,
            tables=self.tables.data,
            online_places=self.online_places.data or 0,
            video_base_url=self.video_base_url.data or None,
            max_meetings=self.max_meetings.data,
            request_deadline=deadline,
            delegation_country=self.delegation_country.data,
            hosts_open=bool(self.hosts_open.data),
            status=self.status.data,
        )

    def fill(self, event) -> None:
        """The form's values from a stored event (GET of the edit page)."""
        for name in ("title", "city", "venue", "time_zone", "meeting_minutes", "gap_minutes"):
            getattr(self, name).data = getattr(event, name)
        for name in ("tables", "online_places", "video_base_url", "max_meetings"):
            getattr(self, name).data = getattr(event, name)
        self.delegation_country.data = event.delegation_country
        self.hosts_open.data = event.hosts_open
        self.status.data = event.status
        self.days.data = ", ".join(d.day.isoformat() for d in event.days)
        self.day_start.data = time.fromisoformat(event.day_start)
        self.day_end.data = time.fromisoformat(event.day_end)
        self.breaks.data = ", ".join(f"{a}-{b}" for a, b in event.breaks or [])
        if event.request_deadline is not None:
            local = event.request_deadline.astimezone(ZoneInfo(event.time_zone))
            self.request_deadline.data = local.replace(tzinfo=None)


class InviteForm(FlaskForm):
    refs = TextAreaField(
        _l("Firms to invite"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("Their references (PK-…, BY-…), separated by commas or lines."),
    )


class AvailabilityForm(FlaskForm):
    online_only = BooleanField(_l("We attend online only"))


class RequestForm(FlaskForm):
    recipient_id = IntegerField("", validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])
    note = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=1000)])


class AnswerForm(FlaskForm):
    decision = SelectField(
        "",
        choices=choices([("accept", _l("Accept")), ("decline", _l("Decline"))]),
        validators=[DataRequired()],
    )


class CancelForm(FlaskForm):
    meeting = IntegerField("", validators=[DataRequired(), NumberRange(min=1, max=2**31 - 1)])


class MoveForm(CancelForm):
    slot = IntegerField(_l("Slot"), validators=[InputRequired(), NumberRange(min=0, max=10_000)])
    table = StringField(_l("Table"), validators=[DataRequired(), Length(max=8)])

    def table_value(self) -> int | None | str:
        """A table number, None for online, "" when unreadable."""
        raw = (self.table.data or "").strip().lower()
        if raw == "online":
            return None
        return int(raw) if raw.isdigit() else ""


NEXT_STEP_LABELS = {
    NextStep.NONE.value: _l("None yet"),
    NextStep.FOLLOW_UP.value: _l("Follow-up meeting"),
    NextStep.NDA.value: _l("Non-disclosure agreement (NDA)"),
    NextStep.MOU.value: _l("Memorandum of understanding (MoU)"),
    NextStep.AGREEMENT.value: _l("Joint-venture or licence agreement"),
    NextStep.ORDER.value: _l("Order or contract"),
}


class OutcomeForm(FlaskForm):
    held = SelectField(
        _l("Did the meeting take place?"),
        choices=choices([("yes", _l("Yes")), ("no", _l("No"))]),
    )
    next_step = SelectField(_l("Next step"), choices=choices(NEXT_STEP_LABELS.items()))
    value = StringField(_l("Value (optional)"), validators=[Optional(), Length(max=20)])
    currency = StringField(_l("Currency"), validators=[Optional(), Length(min=3, max=3)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
