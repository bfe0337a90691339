"""What came of a meeting or an introduction, as each firm records it: whether the meeting was
held and the next step (follow-up, NDA, MoU, joint-venture or licence agreement, order or
contract), with an optional value and currency. A firm records and sees only its own; the
dashboard and the report count the pairs (services/dashboard.py, services/report.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from matchmaker.models import (
    Event,
    Firm,
    Meeting,
    NextStep,
    Outcome,
    Proposal,
    ProposalStatus,
    User,
)
from matchmaker.services.errors import NotFound, ValidationFailed
from matchmaker.services.introductions import require_firm

MOU_OR_BETTER = (NextStep.MOU.value, NextStep.AGREEMENT.value, NextStep.ORDER.value)
AGREEMENTS = (NextStep.AGREEMENT.value, NextStep.ORDER.value)
MAX_VALUE = Decimal("99999999999999.99")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True, slots=True)
class Subject:
    """A meeting or an introduction the firm can record an outcome for, and its own record."""

    kind: str  # "meeting" or "introduction"
    id: int
    partner_id: int
    partner_name: str
    event_title: str | None
    slot: int | None
    event_id: int | None
    held: bool | None
    next_step: str | None
    value: Decimal | None
    currency: str | None
    updated_at: datetime | None


def subjects(session: Session, user: User) -> list[Subject]:
    """The firm's published meetings (newest event first), then its introductions: three
    queries."""
    firm_id = require_firm(user)
    mine = {
        (o.meeting_id, o.proposal_id): o
        for o in session.scalars(select(Outcome).where(Outcome.firm_id == firm_id))
    }
    partner = aliased(Firm, name="partner")
    meetings = session.execute(
        select(Meeting.id, Meeting.published_slot, Event.id, Event.title, partner.id, partner.name)
        .join(Event, Event.id == Meeting.event_id)
        .join(
            partner,
            partner.id.in_([Meeting.pk_firm_id, Meeting.by_firm_id]) & (partner.id != firm_id),
        )
        .where(
            or_(Meeting.pk_firm_id == firm_id, Meeting.by_firm_id == firm_id),
            Meeting.published_slot.is_not(None),
            Meeting.cancelled.is_(False),
            Event.published_at.is_not(None),
        )
        .order_by(Event.id.desc(), Meeting.published_slot, Meeting.id)
    ).all()
    out = [
        _subject(
            "meeting", row[0], row[4], row[5], row[3], row[1], row[2], mine.get((row[0], None))
        )
        for row in meetings
    ]
    introductions = session.execute(
        select(Proposal.id, partner.id, partner.name)
        .join(
            partner,
            partner.id.in_([Proposal.pk_firm_id, Proposal.by_firm_id]) & (partner.id != firm_id),
        )
        .where(
            Proposal.status == ProposalStatus.APPROVED,
            or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
        )
        .order_by(Proposal.score.desc(), Proposal.id)
    ).all()
    out.extend(
        _subject("introduction", pid, fid, name, None, None, None, mine.get((None, pid)))
        for pid, fid, name in introductions
    )
    return out


def _subject(kind, id_, partner_id, partner_name, title, slot, event_id, outcome) -> Subject:
    return Subject(
        kind,
        id_,
        partner_id,
        partner_name,
        title,
        slot,
        event_id,
        outcome.held if outcome else None,
        outcome.next_step if outcome else None,
        outcome.value if outcome else None,
        outcome.currency if outcome else None,
        outcome.updated_at if outcome else None,
    )


@dataclass
class OutcomeInput:
    held: bool
    next_step: str = NextStep.NONE.value
    value: str | None = None  # as typed: "1 250 000.50"
    currency: str | None = None
    note: str | None = None


def _checked(data: OutcomeInput) -> tuple[Decimal | None, str | None]:
    errors: dict[str, str] = {}
    if data.next_step not in {s.value for s in NextStep}:
        errors["next_step"] = _("Choose one of the next steps.")
    value = None
    raw = (data.value or "").replace(" ", "").replace("\u00a0", "").replace(",", "")
    if raw:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors["value"] = _("Write the value as a number, like 250000 or 1250000.50.")
        else:
            if not value.is_finite() or value < 0 or value > MAX_VALUE:
                errors["value"] = _("The value must be a positive amount.")
            value = value.quantize(Decimal("0.01")) if "value" not in errors else None
    currency = (data.currency or "").strip().upper() or None
    if currency is not None and not _CURRENCY.match(currency):
        errors["currency"] = _("A currency is three letters, like USD, PKR or BYN.")
    if value is not None and currency is None:
        errors["currency"] = _("Give the currency of the value.")
    if data.note and len(data.note) > 2000:
        errors["note"] = _("At most %(num)s characters.", num=2000)
    if errors:
        raise ValidationFailed(errors)
    return value, currency


def record(
    session: Session,
    user: User,
    data: OutcomeInput,
    *,
    meeting_id: int | None = None,
    proposal_id: int | None = None,
) -> Outcome:
    """Record (or change) the firm's outcome of its published meeting or its introduction."""
    firm_id = require_firm(user)
    value, currency = _checked(data)
    if meeting_id is not None:
        subject = session.get(Meeting, meeting_id)
        ok = (
            subject is not None
            and subject.involves(firm_id)
            and subject.published_slot is not None
            and not subject.cancelled
        )
        where = and_(Outcome.firm_id == firm_id, Outcome.meeting_id == meeting_id)
    else:
        subject = session.get(Proposal, proposal_id) if proposal_id is not None else None
        ok = (
            subject is not None
            and subject.status == ProposalStatus.APPROVED
            and subject.involves(firm_id)
        )
        where = and_(Outcome.firm_id == firm_id, Outcome.proposal_id == proposal_id)
    if not ok:
        raise NotFound(_("No such meeting or introduction."))
    outcome = session.scalar(select(Outcome).where(where))
    if outcome is None:
        outcome = Outcome(
            firm_id=firm_id,
            pk_firm_id=subject.pk_firm_id,
            by_firm_id=subject.by_firm_id,
            meeting_id=meeting_id,
            proposal_id=proposal_id if meeting_id is None else None,
        )
        session.add(outcome)
    outcome.held = data.held
    outcome.next_step = data.next_step
    outcome.value, outcome.currency = value, currency
    outcome.note = (data.note or "").strip() or None
    session.commit()
    return outcome
