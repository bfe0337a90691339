"""The Joint Working Group's report for a period or an event: firms by sector and country,
proposals and decisions, meetings held, and agreements by sector (what the firms recorded as
outcomes). The figures here; the PDF and XLSX files in services/report_files.py.

Scope. An event: its registered firms, the proposals between them, its meetings, the outcomes of
its meetings and of its firms' introductions to each other. A period (either end optional): the
firms in the programme at its end, proposals made by its end, staff decisions and outcomes
recorded within it, and the meetings of events held within it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from matchmaker.models import (
    AuditEntry,
    Event,
    EventDay,
    EventParticipant,
    Firm,
    FirmSector,
    Meeting,
    MeetingRequest,
    NextStep,
    Outcome,
    ParticipantStatus,
    Proposal,
    User,
)
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.events import get_event, require_staff
from matchmaker.services.reference import SECTORS

STEP_RANK = {step.value: rank for rank, step in enumerate(NextStep)}


@dataclass(frozen=True)
class Scope:
    start: date | None = None
    end: date | None = None  # inclusive
    event_id: int | None = None


@dataclass
class SectorRow:
    code: str
    label: str  # English, as the taxonomy has it; the files translate it
    pk: int = 0
    by: int = 0
    mou: int = 0  # pairs whose best recorded step is an MoU
    agreement: int = 0  # joint-venture or licence agreement
    order: int = 0  # order or contract


@dataclass
class ReportData:
    scope: Scope
    event_title: str | None
    generated: datetime
    firms: dict[str, int] = field(default_factory=dict)  # per country
    sectors: list[SectorRow] = field(default_factory=list)
    proposals: dict[str, int] = field(default_factory=dict)  # per current status
    approved: int = 0  # decisions in the scope
    rejected: int = 0
    requests: int = 0
    meetings: int = 0
    scheduled: int = 0
    held: int = 0
    pairs_with_outcome: int = 0
    mou: int = 0  # pairs with an MoU or more
    agreements: int = 0  # pairs with an agreement, an order or a contract
    values: dict[str, Decimal] = field(default_factory=dict)  # per currency

    @property
    def firms_total(self) -> int:
        return sum(self.firms.values())


def _moments(scope: Scope) -> tuple[datetime | None, datetime | None]:
    start = datetime.combine(scope.start, time(), UTC) if scope.start else None
    end = datetime.combine(scope.end + timedelta(days=1), time(), UTC) if scope.end else None
    return start, end


def _within(column, start, end) -> list:
    out = []
    if start is not None:
        out.append(column >= start)
    if end is not None:
        out.append(column < end)
    return out


def build_report(session: Session, user: User, scope: Scope) -> ReportData:
    require_staff(user)
    start, end = _moments(scope)
    if scope.start and scope.end and scope.start > scope.end:
        raise ValidationFailed({"start": _("The period must start before it ends.")})
    event = get_event(session, user, scope.event_id) if scope.event_id else None
    data = ReportData(scope, event.title if event else None, datetime.now(UTC))
    if event is not None:
        firm_ids = select(EventParticipant.firm_id).where(
            EventParticipant.event_id == event.id,
            EventParticipant.status == ParticipantStatus.REGISTERED,
        )
        firm_filter = [Firm.id.in_(firm_ids)]
        proposal_filter = [Proposal.pk_firm_id.in_(firm_ids), Proposal.by_firm_id.in_(firm_ids)]
        event_ids = select(Event.id).where(Event.id == event.id)
    else:
        firm_filter = _within(Firm.created_at, None, end)
        proposal_filter = _within(Proposal.created_at, None, end)
        days = select(EventDay.event_id).where(*_within(EventDay.day, scope.start, None))
        if scope.end:
            days = days.where(EventDay.day <= scope.end)
        event_ids = days.distinct()
    _firms(session, data, firm_filter)
    _proposals(session, data, proposal_filter, start, end)
    _meetings(session, data, event_ids)
    _outcomes(session, data, event, event_ids, proposal_filter, start, end)
    return data


def _firms(session: Session, data: ReportData, firm_filter: list) -> None:
    data.firms = dict(
        session.execute(
            select(Firm.country, func.count()).where(*firm_filter).group_by(Firm.country)
        ).all()
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for code, country, n in session.execute(
        select(FirmSector.sector_code, Firm.country, func.count())
        .join(Firm, Firm.id == FirmSector.firm_id)
        .where(*firm_filter)
        .group_by(FirmSector.sector_code, Firm.country)
    ):
        counts[code][country] = n
    data.sectors = [
        SectorRow(s.code, s.label, counts[s.code].get("PK", 0), counts[s.code].get("BY", 0))
        for s in SECTORS
    ]


def _proposals(session, data: ReportData, proposal_filter: list, start, end) -> None:
    for status, n in session.execute(
        select(Proposal.status, func.count()).where(*proposal_filter).group_by(Proposal.status)
    ):
        data.proposals[str(status)] = n
    decisions = (
        select(AuditEntry.to_status, func.count())
        .join(Proposal, Proposal.id == AuditEntry.proposal_id)
        .where(AuditEntry.to_status.in_(("approved", "rejected")), *proposal_filter)
        .where(*_within(AuditEntry.created_at, start, end))
        .group_by(AuditEntry.to_status)
    )
    found = dict(session.execute(decisions).all())
    data.approved, data.rejected = found.get("approved", 0), found.get("rejected", 0)


def _meetings(session: Session, data: ReportData, event_ids) -> None:
    data.requests = session.scalar(
        select(func.count())
        .select_from(MeetingRequest)
        .where(MeetingRequest.event_id.in_(event_ids))
    )
    live = [Meeting.event_id.in_(event_ids), Meeting.cancelled.is_(False)]
    data.meetings = session.scalar(select(func.count()).select_from(Meeting).where(*live))
    data.scheduled = session.scalar(
        select(func.count()).select_from(Meeting).where(*live, Meeting.published_slot.is_not(None))
    )
    held = select(Outcome.meeting_id).where(Outcome.held.is_(True))
    data.held = session.scalar(
        select(func.count()).select_from(Meeting).where(*live, Meeting.id.in_(held))
    )


def _outcomes(session, data: ReportData, event, event_ids, proposal_filter, start, end) -> None:
    """Per pair of firms: its best recorded step and its largest value per currency."""
    query = select(
        Outcome.pk_firm_id, Outcome.by_firm_id, Outcome.next_step, Outcome.value, Outcome.currency
    )
    if event is not None:
        of_event = Outcome.meeting_id.in_(select(Meeting.id).where(Meeting.event_id.in_(event_ids)))
        introduced = and_(
            Outcome.proposal_id.is_not(None),
            Outcome.proposal_id.in_(select(Proposal.id).where(*proposal_filter)),
        )
        query = query.where(or_(of_event, introduced))
    else:
        query = query.where(*_within(Outcome.updated_at, start, end))
    best: dict[tuple[int, int], int] = {}
    values: dict[tuple[int, int, str], Decimal] = {}
    for pk, by, step, value, currency in session.execute(query):
        best[(pk, by)] = max(best.get((pk, by), 0), STEP_RANK.get(step, 0))
        if value is not None and currency:
            key = (pk, by, currency)
            values[key] = max(values.get(key, Decimal(0)), value)
    data.pairs_with_outcome = len(best)
    for (_pk, _by, currency), value in values.items():
        data.values[currency] = data.values.get(currency, Decimal(0)) + value
    rank = STEP_RANK
    data.mou = sum(1 for r in best.values() if r >= rank[NextStep.MOU.value])
    data.agreements = sum(1 for r in best.values() if r >= rank[NextStep.AGREEMENT.value])
    _agreements_by_sector(session, data, best)


def _agreements_by_sector(session, data: ReportData, best: dict[tuple[int, int], int]) -> None:
    signed = {pair: r for pair, r in best.items() if r >= STEP_RANK[NextStep.MOU.value]}
    if not signed:
        return
    firm_ids = {f for pair in signed for f in pair}
    sectors: dict[int, set[str]] = defaultdict(set)
    for firm_id, code in session.execute(
        select(FirmSector.firm_id, FirmSector.sector_code).where(FirmSector.firm_id.in_(firm_ids))
    ):
        sectors[firm_id].add(code)
    rows = {row.code: row for row in data.sectors}
    column = {
        STEP_RANK[NextStep.MOU.value]: "mou",
        STEP_RANK[NextStep.AGREEMENT.value]: "agreement",
        STEP_RANK[NextStep.ORDER.value]: "order",
    }
    for (pk, by), r in signed.items():
        for code in sectors[pk] | sectors[by]:  # a pair counts once in each sector of either
            if code in rows:
                setattr(rows[code], column[r], getattr(rows[code], column[r]) + 1)
