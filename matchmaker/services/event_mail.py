"""E-mails of events, each in its recipient's language: the agenda when the schedule is
published, and a firm's new agenda whenever a published meeting of it changes."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matchmaker.models import Event, Firm
from matchmaker.scheduling import Slot
from matchmaker.services import notifications
from matchmaker.services.agendas import Agenda, build_agenda, place_of
from matchmaker.services.ports import ports


def agenda_lines(agenda: Agenda) -> list[str]:
    """One line per meeting: its time in the event's zone and the firm's, where, with whom."""
    lines = []
    for item in agenda.items:
        # Numeric dates read the same in every language of the site.
        when = item.start_local.strftime("%Y-%m-%d %H:%M")
        own = item.start_own.strftime("%H:%M")
        lines.append(
            _(
                "%(when)s (%(own)s your time): %(partner)s, %(place)s",
                when=when,
                own=own,
                partner=item.partner_name,
                place=place_of(agenda.event, item),
            )
        )
    return lines


def tell_firms(
    session: Session, event: Event, slots: tuple[Slot, ...], firm_ids: list[int], *, first: bool
) -> int:
    """Send each firm its agenda (first publishing) or its changed agenda; how many were sent."""
    if not firm_ids:
        return 0
    firms = session.scalars(
        select(Firm)
        .options(selectinload(Firm.users))
        .where(Firm.id.in_(firm_ids))
        .order_by(Firm.id)
    ).all()
    link = ports().links.event_agenda(event.id)
    sent = 0
    for firm in firms:
        agenda = build_agenda(session, event, firm, slots)

        def compose(agenda=agenda) -> tuple[str, str]:
            if first:
                subject = _("Your meetings at %(event)s", event=event.title)
                intro = _("EDB has published the meeting schedule of %(event)s.", event=event.title)
            else:
                subject = _("Your meetings at %(event)s have changed", event=event.title)
                intro = _("A meeting of yours at %(event)s has changed.", event=event.title)
            lines = agenda_lines(agenda) or [_("You have no meetings at this event now.")]
            body = (
                intro
                + "\n\n"
                + _("Times in %(zone)s:", zone=event.time_zone)
                + "\n"
                + "\n".join(f"- {line}" for line in lines)
                + "\n\n"
                + _("Your agenda, and a calendar file to download: %(link)s", link=link)
                + "\n\n"
                + notifications.footer()
            )
            return subject, body

        if notifications.send_each(firm, compose):
            sent += 1
    return sent
