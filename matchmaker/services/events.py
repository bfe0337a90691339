"""B2B events: staff create and edit them; firms see the open ones, register and mark the slots
they cannot attend. Who may take part: the delegation's firms (one country) when staff invited
them; the other country's firms (the hosts) freely when the event is open to hosts, otherwise
by invitation too."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.models import (
    Event,
    EventDay,
    EventParticipant,
    EventStatus,
    Firm,
    Meeting,
    ParticipantStatus,
    User,
    utcnow,
)
from matchmaker.models.base import as_utc
from matchmaker.scheduling import Slot, build_slots
from matchmaker.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed

log = logging.getLogger(__name__)

# A firm's own time zone, for its agenda: the capital's of its country.
FIRM_ZONES = {"PK": "Asia/Karachi", "BY": "Europe/Minsk"}
MAX_DAYS = 14
MAX_TABLES = 500


@dataclass
class EventInput:
    """An event's settings as staff give them (the form parses text into these)."""

    title: str
    city: str
    venue: str | None
    time_zone: str
    days: list[date]
    day_start: time
    day_end: time
    meeting_minutes: int
    gap_minutes: int = 0
    breaks: list[tuple[time, time]] = field(default_factory=list)
    tables: int = 10
    online_places: int = 0
    video_base_url: str | None = None
    max_meetings: int | None = None
    request_deadline: datetime | None = None  # aware
    delegation_country: str = "PK"
    hosts_open: bool = True
    status: str = EventStatus.DRAFT.value


def require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(_("Only EDB staff can manage events."))


def slots_of(event: Event) -> tuple[Slot, ...]:
    """The event's meeting slots in time order (see scheduling.build_slots)."""
    return build_slots(
        [d.day for d in event.days],
        time.fromisoformat(event.day_start),
        time.fromisoformat(event.day_end),
        event.meeting_minutes,
        event.time_zone,
        [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in event.breaks or []],
        event.gap_minutes,
    )


def _slots(data: EventInput) -> tuple[Slot, ...]:
    return build_slots(
        data.days,
        data.day_start,
        data.day_end,
        data.meeting_minutes,
        data.time_zone,
        data.breaks,
        data.gap_minutes,
    )


def _check(data: EventInput) -> None:
    errors: dict[str, str] = {}
    if not data.days:
        errors["days"] = _("Give at least one day.")
    elif len(data.days) > MAX_DAYS:
        errors["days"] = _("At most %(num)s days.", num=MAX_DAYS)
    if data.delegation_country not in FIRM_ZONES:
        errors["delegation_country"] = _("Choose Pakistan or Belarus.")
    if not 0 <= data.tables <= MAX_TABLES or data.online_places < 0:
        errors["tables"] = _("Tables and online places must be between 0 and %(num)s.", num=500)
    elif data.tables + data.online_places == 0:
        errors["tables"] = _("Give at least one table or one online place.")
    if data.online_places and not data.video_base_url:
        errors["video_base_url"] = _("Online meetings need a video link address.")
    if data.status not in {s.value for s in EventStatus}:
        errors["status"] = _("Unknown status.")
    if errors:
        raise ValidationFailed(errors)
    try:
        slots = _slots(data)
    except ValueError as error:
        why = _("The hours do not make slots: %(why)s", why=error)
        raise ValidationFailed({"day_start": why}) from error
    if not slots:
        raise ValidationFailed({"meeting_minutes": _("No meeting fits in the day.")})


def _apply(event: Event, data: EventInput) -> None:
    for name in (
        "title",
        "city",
        "venue",
        "time_zone",
        "meeting_minutes",
        "gap_minutes",
        "tables",
        "online_places",
        "video_base_url",
        "max_meetings",
        "request_deadline",
        "delegation_country",
        "hosts_open",
        "status",
    ):
        setattr(event, name, getattr(data, name))
    event.day_start = data.day_start.strftime("%H:%M")
    event.day_end = data.day_end.strftime("%H:%M")
    event.breaks = [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in sorted(data.breaks)]
    wanted = sorted(set(data.days))
    if [d.day for d in event.days] != wanted:
        event.days = [EventDay(day=d) for d in wanted]


def _audit(user: User, action: str, event: Event) -> None:
    log.info("%s: event %s (%s) by user %s", action, event.id, event.status, user.id)


def create_event(session: Session, user: User, data: EventInput) -> Event:
    require_staff(user)
    _check(data)
    event = Event(created_by_id=user.id)
    _apply(event, data)
    session.add(event)
    session.flush()
    session.commit()
    _audit(user, "event created", event)
    return event


def update_event(session: Session, user: User, event_id: int, data: EventInput) -> Event:
    """Change an event's settings. Once its schedule exists the slots cannot change (the
    meetings are placed in them): only the title, place, deadline and status then."""
    require_staff(user)
    event = get_event(session, user, event_id)
    _check(data)
    before = [(s.start_utc, s.end_utc) for s in slots_of(event)]
    after = [(s.start_utc, s.end_utc) for s in _slots(data)]
    placed = session.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.event_id == event.id, Meeting.slot.is_not(None))
    )
    if placed and (before != after or data.tables < event.tables):
        raise InvalidTransition(
            _("The schedule has meetings: clear it before changing the days, hours or tables.")
        )
    _apply(event, data)
    session.commit()
    _audit(user, "event updated", event)
    return event


def get_event(session: Session, user: User, event_id: int) -> Event:
    """The event, if the user may see it: staff any; firms those not in draft."""
    event = session.get(Event, event_id)
    if event is None or (not user.is_staff and event.status == EventStatus.DRAFT):
        raise NotFound(_("No such event."))
    return event


def list_events(session: Session, user: User) -> list[Event]:
    query = select(Event).order_by(Event.id.desc())
    if not user.is_staff:
        query = query.where(Event.status != EventStatus.DRAFT)
    return list(session.scalars(query))


def participant_of(session: Session, event_id: int, firm_id: int | None) -> EventParticipant | None:
    if firm_id is None:
        return None
    return session.scalar(
        select(EventParticipant).where(
            EventParticipant.event_id == event_id, EventParticipant.firm_id == firm_id
        )
    )


def statuses_of(session: Session, firm_id: int | None) -> dict[int, str]:
    """The firm's status (invited, registered) at each event it is in: one query."""
    if firm_id is None:
        return {}
    return dict(
        session.execute(
            select(EventParticipant.event_id, EventParticipant.status).where(
                EventParticipant.firm_id == firm_id
            )
        ).all()
    )


def require_participant(session: Session, user: User, event: Event) -> EventParticipant:
    """The user's firm's registration for the event (Forbidden when it has none)."""
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden(_("Only firm accounts with a profile take part in events."))
    participant = participant_of(session, event.id, user.firm_id)
    if participant is None or participant.status != ParticipantStatus.REGISTERED:
        raise Forbidden(_("Your firm is not registered for this event."))
    return participant


def may_register(event: Event, firm: Firm, participant: EventParticipant | None) -> bool:
    if event.status != EventStatus.OPEN:
        return False
    if participant is not None:
        return participant.status == ParticipantStatus.INVITED
    return firm.country == event.host_country and event.hosts_open


def register(session: Session, user: User, event_id: int) -> EventParticipant:
    event = get_event(session, user, event_id)
    if not user.is_firm_user or user.firm is None:
        raise Forbidden(_("Only firm accounts with a profile take part in events."))
    participant = participant_of(session, event.id, user.firm_id)
    if participant is not None and participant.status == ParticipantStatus.REGISTERED:
        return participant
    if not may_register(event, user.firm, participant):
        raise Forbidden(_("This event is open to invited firms only, or registration is closed."))
    if participant is None:
        participant = EventParticipant(event_id=event.id, firm_id=user.firm_id)
        session.add(participant)
    participant.status = ParticipantStatus.REGISTERED.value
    participant.registered_at = utcnow()
    session.commit()
    return participant


def set_availability(
    session: Session, user: User, event_id: int, unavailable: list[int], online_only: bool
) -> EventParticipant:
    """Mark the slots (by index) the firm cannot attend, and whether it attends remotely."""
    event = get_event(session, user, event_id)
    participant = require_participant(session, user, event)
    slots = slots_of(event)
    if any(not 0 <= i < len(slots) for i in unavailable):
        raise ValidationFailed({"unavailable": _("Unknown slot.")})
    if online_only and not event.online_places:
        raise ValidationFailed({"online_only": _("This event has no online meetings.")})
    participant.unavailable = [slots[i].start_utc.isoformat() for i in sorted(set(unavailable))]
    participant.online_only = online_only
    session.commit()
    return participant


def unavailable_indices(participant: EventParticipant, slots: tuple[Slot, ...]) -> set[int]:
    starts = {s.start_utc.isoformat(): s.index for s in slots}
    return {starts[u] for u in participant.unavailable or [] if u in starts}


def invite(session: Session, user: User, event_id: int, firm_ids: list[int]) -> int:
    """Invite firms (of either country) to register; how many were newly invited."""
    require_staff(user)
    event = get_event(session, user, event_id)
    known = set(
        session.scalars(
            select(EventParticipant.firm_id).where(EventParticipant.event_id == event.id)
        )
    )
    firms = session.scalars(select(Firm.id).where(Firm.id.in_(firm_ids))).all()
    new = [f for f in firms if f not in known]
    session.add_all(
        EventParticipant(event_id=event.id, firm_id=f, status=ParticipantStatus.INVITED.value)
        for f in new
    )
    session.commit()
    return len(new)


def participants(session: Session, event_id: int) -> list[EventParticipant]:
    """Every invited or registered firm, with its firm, by country then name."""
    return list(
        session.scalars(
            select(EventParticipant)
            .join(Firm, Firm.id == EventParticipant.firm_id)
            .options(joinedload(EventParticipant.firm))
            .where(EventParticipant.event_id == event_id)
            .order_by(Firm.country, Firm.name, Firm.id)
        )
    )


def requests_open(event: Event, now: datetime | None = None) -> bool:
    """Firms may still request and answer meetings (open, before the deadline)."""
    if event.status != EventStatus.OPEN:
        return False
    deadline = as_utc(event.request_deadline)
    return deadline is None or (now or datetime.now(UTC)) <= deadline
