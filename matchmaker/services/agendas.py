"""A firm's agenda at an event: its published meetings in time order, each with its time in the
event's time zone and in the firm's own, its table or video link, the partner and the match
reasons; as a page, an iCalendar file and an e-mail. Nothing before the schedule is published,
and only the firm's own meetings (staff may look at any firm's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from matchmaker.models import Event, Firm, Meeting, Proposal, User, as_utc
from matchmaker.scheduling import Slot
from matchmaker.services.errors import Forbidden
from matchmaker.services.events import (
    FIRM_ZONES,
    get_event,
    participant_of,
    require_participant,
    slots_of,
)
from matchmaker.services.firm_lists import list_fields


@dataclass(frozen=True, slots=True)
class AgendaItem:
    meeting_id: int
    slot: Slot
    start_local: datetime  # in the event's time zone
    end_local: datetime
    start_own: datetime  # in the firm's time zone
    end_own: datetime
    table: int | None  # None: online
    video_link: str | None
    partner_id: int
    partner_name: str
    partner_country: str
    partner_city: str | None
    partner_sectors: list[str]
    reasons: list
    kind: str


@dataclass
class Agenda:
    event: Event
    firm: Firm
    own_zone: str
    published: bool
    items: list[AgendaItem]


def agenda(session: Session, user: User, event_id: int, firm_id: int | None = None) -> Agenda:
    """The firm's agenda (the user's own; staff name the firm)."""
    event = get_event(session, user, event_id)
    if user.is_staff and firm_id is not None:
        participant = participant_of(session, event.id, firm_id)
        if participant is None:
            raise Forbidden(_("That firm does not take part in this event."))
    else:
        participant = require_participant(session, user, event)
    firm = participant.firm
    return build_agenda(session, event, firm, slots_of(event))


def build_agenda(session: Session, event: Event, firm: Firm, slots: tuple[Slot, ...]) -> Agenda:
    zone = FIRM_ZONES.get(firm.country, event.time_zone)
    if not event.is_published:
        return Agenda(event, firm, zone, False, [])
    meetings = session.scalars(
        select(Meeting)
        .options(joinedload(Meeting.pk_firm), joinedload(Meeting.by_firm))
        .where(
            Meeting.event_id == event.id,
            Meeting.cancelled.is_(False),
            Meeting.published_slot.is_not(None),
            or_(Meeting.pk_firm_id == firm.id, Meeting.by_firm_id == firm.id),
        )
    ).all()
    partners = [m.by_firm if m.pk_firm_id == firm.id else m.pk_firm for m in meetings]
    reasons = {}
    if partners:
        ids = [p.id for p in partners]
        reasons = {
            (row.pk_firm_id, row.by_firm_id): row.reasons
            for row in session.execute(
                select(Proposal.pk_firm_id, Proposal.by_firm_id, Proposal.reasons).where(
                    or_(
                        and_(Proposal.pk_firm_id == firm.id, Proposal.by_firm_id.in_(ids)),
                        and_(Proposal.by_firm_id == firm.id, Proposal.pk_firm_id.in_(ids)),
                    )
                )
            )
        }
    lists = list_fields(session, [p.id for p in partners])
    items = []
    for m, partner in zip(meetings, partners, strict=True):
        if not 0 <= m.published_slot < len(slots):
            continue
        slot = slots[m.published_slot]
        items.append(
            AgendaItem(
                meeting_id=m.id,
                slot=slot,
                start_local=slot.start,
                end_local=slot.end,
                start_own=slot.start_in(zone),
                end_own=slot.end.astimezone(slot.start_in(zone).tzinfo),
                table=m.published_table,
                video_link=m.video_link if m.published_table is None else None,
                partner_id=partner.id,
                partner_name=partner.name,
                partner_country=partner.country,
                partner_city=partner.city,
                partner_sectors=lists.get(partner.id, {}).get("sectors", []),
                reasons=reasons.get((m.pk_firm_id, m.by_firm_id), []),
                kind=m.kind,
            )
        )
    items.sort(key=lambda i: (i.slot.index, i.meeting_id))
    return Agenda(event, firm, zone, True, items)


def place_of(event: Event, item: AgendaItem) -> str:
    if item.table is None:
        return _("Online: %(link)s", link=item.video_link or "")
    where = ", ".join(p for p in (event.venue, event.city) if p)
    return _("Table %(num)s", num=item.table) + (f" ({where})" if where else "")


def agenda_ics(agenda: Agenda, reasons_text=None) -> bytes:
    """The agenda as an iCalendar file: one VEVENT per meeting, its times in the event's time
    zone (TZID, with the VTIMEZONE) and its stamp in UTC. `reasons_text` words the reasons."""
    from icalendar import Calendar  # 0.15 s to import: only where a calendar is written
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//matchmaker//PK-BY B2B meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", agenda.event.title)
    stamp = (as_utc(agenda.event.published_at) or datetime.now(UTC)).astimezone(UTC)
    for item in agenda.items:
        entry = CalendarEvent()
        entry.add("uid", f"meeting-{item.meeting_id}@matchmaker")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", item.start_local)
        entry.add("dtend", item.end_local)
        entry.add("summary", _("Meeting with %(name)s", name=item.partner_name))
        entry.add("location", place_of(agenda.event, item))
        if item.video_link:
            entry.add("url", item.video_link)
        lines = reasons_text(item.reasons) if reasons_text else []
        entry.add("description", "\n".join([agenda.event.title, *lines]))
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
