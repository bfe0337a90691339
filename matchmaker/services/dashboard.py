"""Figures for the staff dashboard: firms, proposals, and the introduction funnel."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from matchmaker.models import (
    AuditEntry,
    Event,
    EventParticipant,
    Firm,
    FirmSector,
    Meeting,
    MeetingRequest,
    Message,
    Outcome,
    Proposal,
    Thread,
)
from matchmaker.models import ProposalStatus as Status
from matchmaker.services.outcomes import AGREEMENTS, MOU_OR_BETTER
from matchmaker.services.reference import SECTORS


@dataclass
class SectorFirms:
    label: str
    counts: dict[str, int]  # firms per country code


@dataclass
class FunnelRow:
    sector: str
    label: str
    proposed: int = 0
    approved: int = 0
    first_message: int = 0
    reply: int = 0
    # What the firms recorded of the pair (services/outcomes.py): met, MoU or more, agreement.
    met: int = 0
    mou: int = 0
    agreement: int = 0


@dataclass
class Statistics:
    firms_by_sector: list[SectorFirms] = field(default_factory=list)
    firms_by_country: dict[str, int] = field(default_factory=dict)
    proposals_by_status: dict[str, int] = field(default_factory=dict)
    funnel: list[FunnelRow] = field(default_factory=list)
    event_funnel: list[EventFunnelRow] = field(default_factory=list)
    decisions_by_day: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # day, approved, rejected


def statistics(session: Session) -> Statistics:
    stats = Statistics()
    labels = {sector.code: sector.label for sector in SECTORS}
    per_sector = session.execute(
        select(FirmSector.sector_code, Firm.country, func.count())
        .join(Firm, Firm.id == FirmSector.firm_id)
        .group_by(FirmSector.sector_code, Firm.country)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for code, country, n in per_sector:
        counts.setdefault(code, {})[country] = n
    stats.firms_by_sector = [SectorFirms(labels[code], counts.get(code, {})) for code in labels]
    stats.firms_by_country = dict(
        session.execute(select(Firm.country, func.count()).group_by(Firm.country)).all()
    )
    stats.proposals_by_status = {s.value: 0 for s in Status}
    for status, n in session.execute(
        select(Proposal.status, func.count()).group_by(Proposal.status)
    ):
        stats.proposals_by_status[str(status)] = n
    stats.funnel = _funnel(session, labels)
    stats.event_funnel = event_funnel(session)
    day = func.substr(cast(AuditEntry.created_at, String), 1, 10)
    stats.decisions_by_day = [
        (d, int(a or 0), int(r or 0))
        for d, a, r in session.execute(
            select(
                day,
                func.sum(case((AuditEntry.to_status == "approved", 1), else_=0)),
                func.sum(case((AuditEntry.to_status == "rejected", 1), else_=0)),
            )
            .group_by(day)
            .order_by(day.desc())
            .limit(30)
        )
    ][::-1]
    return stats


def _funnel(session: Session, labels: dict[str, str]) -> list[FunnelRow]:
    """Per sector: the proposals where either firm works in it (once, also when both do), how
    many were approved, got a first message, got a reply.

    Counted as A + B - C (inclusion-exclusion) so that no query lists every proposal once per
    sector of each side: A, the proposals counted by the sectors of their Pakistani firm (summed
    per firm first, then spread over its sectors); B, the same for the Belarusian firm; C, the
    proposals whose two firms share the sector (counted twice by A + B)."""
    talk = (
        select(
            Thread.proposal_id.label("pid"),
            func.count(func.distinct(Message.sender_firm_id)).label("senders"),
        )
        .join(Message, Message.thread_id == Thread.id)
        .group_by(Thread.proposal_id)
        .subquery()
    )
    came = pair_outcomes()
    facts = (
        select(
            Proposal.pk_firm_id.label("pk"),
            Proposal.by_firm_id.label("by"),
            case((Proposal.status == Status.APPROVED, 1), else_=0).label("approved"),
            case((talk.c.senders >= 1, 1), else_=0).label("first"),
            case((talk.c.senders >= 2, 1), else_=0).label("reply"),
            *(func.coalesce(came.c[name], 0).label(name) for name in OUTCOME_MEASURES),
        )
        .outerjoin(talk, talk.c.pid == Proposal.id)
        .outerjoin(came, (came.c.pk == Proposal.pk_firm_id) & (came.c.by == Proposal.by_firm_id))
        .cte("facts")  # used three times: the database computes it once
    )
    measures = (
        facts.c.approved,
        facts.c.first,
        facts.c.reply,
        *(facts.c[name] for name in OUTCOME_MEASURES),
    )
    parts = []
    for side in (facts.c.pk, facts.c.by):
        per_firm = (
            select(
                side.label("firm_id"),
                func.count().label("n"),
                *(func.sum(m).label(m.name) for m in measures),
            )
            .group_by(side)
            .subquery()
        )
        parts.append(
            select(
                FirmSector.sector_code.label("sector"),
                literal(1).label("sign"),
                per_firm.c.n,
                *(per_firm.c[m.name] for m in measures),
            ).join(per_firm, per_firm.c.firm_id == FirmSector.firm_id)
        )
    pk_sector, by_sector = aliased(FirmSector), aliased(FirmSector)
    parts.append(
        select(
            pk_sector.sector_code.label("sector"),
            literal(-1).label("sign"),
            func.count().label("n"),
            *(func.sum(m).label(m.name) for m in measures),
        )
        .select_from(facts)
        .join(pk_sector, pk_sector.firm_id == facts.c.pk)
        .join(
            by_sector,
            (by_sector.firm_id == facts.c.by) & (by_sector.sector_code == pk_sector.sector_code),
        )
        .group_by(pk_sector.sector_code)
    )
    terms = union_all(*parts).subquery()
    names = ("n", "approved", "first", "reply", *OUTCOME_MEASURES)
    signed = [func.sum(terms.c.sign * terms.c[name]) for name in names]
    totals = {
        sector: [int(n or 0) for n in numbers]
        for sector, *numbers in session.execute(
            select(terms.c.sector, *signed).group_by(terms.c.sector)
        )
    }
    funnel = []
    for code, label in labels.items():
        numbers = totals.get(code)
        if numbers is not None and numbers[0] > 0:
            funnel.append(FunnelRow(code, label, *numbers))
    return funnel


OUTCOME_MEASURES = ("met", "mou", "agreement")


def pair_outcomes():
    """Per pair of firms (pk, by), 1 or 0: either firm recorded a held meeting, a next step of
    an MoU or more, an agreement (joint venture, licence, order or contract)."""

    def any_of(condition):
        return func.max(case((condition, 1), else_=0))

    return (
        select(
            Outcome.pk_firm_id.label("pk"),
            Outcome.by_firm_id.label("by"),
            any_of(Outcome.held.is_(True)).label("met"),
            any_of(Outcome.next_step.in_(MOU_OR_BETTER)).label("mou"),
            any_of(Outcome.next_step.in_(AGREEMENTS)).label("agreement"),
        )
        .group_by(Outcome.pk_firm_id, Outcome.by_firm_id)
        .subquery()
    )


@dataclass
class EventFunnelRow:
    event_id: int
    title: str
    participants: int = 0
    requested: int = 0  # meeting requests sent
    meetings: int = 0  # accepted or recommended meetings (not cancelled)
    scheduled: int = 0  # in the published schedule
    met: int = 0
    mou: int = 0
    agreement: int = 0


def event_funnel(session: Session) -> list[EventFunnelRow]:
    """Per event, newest first: four grouped queries, whatever the number of events."""
    rows = {
        event_id: EventFunnelRow(event_id, title)
        for event_id, title in session.execute(
            select(Event.id, Event.title).order_by(Event.id.desc())
        )
    }
    if not rows:
        return []
    for event_id, n in session.execute(
        select(EventParticipant.event_id, func.count())
        .where(EventParticipant.status == "registered")
        .group_by(EventParticipant.event_id)
    ):
        rows[event_id].participants = n
    for event_id, n in session.execute(
        select(MeetingRequest.event_id, func.count()).group_by(MeetingRequest.event_id)
    ):
        rows[event_id].requested = n
    came = (
        select(
            Outcome.meeting_id.label("meeting_id"),
            func.max(case((Outcome.held.is_(True), 1), else_=0)).label("met"),
        )
        .where(Outcome.meeting_id.is_not(None))
        .group_by(Outcome.meeting_id)
        .subquery()
    )
    pairs = pair_outcomes()
    for event_id, meetings, scheduled, met, mou, agreement in session.execute(
        select(
            Meeting.event_id,
            func.count(),
            func.sum(case((Meeting.published_slot.is_not(None), 1), else_=0)),
            func.sum(func.coalesce(came.c.met, 0)),
            func.sum(func.coalesce(pairs.c.mou, 0)),
            func.sum(func.coalesce(pairs.c.agreement, 0)),
        )
        .outerjoin(came, came.c.meeting_id == Meeting.id)
        .outerjoin(pairs, (pairs.c.pk == Meeting.pk_firm_id) & (pairs.c.by == Meeting.by_firm_id))
        .where(Meeting.cancelled.is_(False))
        .group_by(Meeting.event_id)
    ):
        row = rows[event_id]
        row.meetings, row.scheduled = meetings, int(scheduled or 0)
        row.met, row.mou, row.agreement = int(met or 0), int(mou or 0), int(agreement or 0)
    return list(rows.values())
