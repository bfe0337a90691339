"""Figures for the staff dashboard: firms, proposals, and the introduction funnel."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, case, cast, func, select, union
from sqlalchemy.orm import Session

from matchmaker.models import AuditEntry, Firm, FirmSector, Message, Proposal, Sector, Thread
from matchmaker.models import ProposalStatus as Status


@dataclass
class FunnelRow:
    sector: str
    label: str
    proposed: int = 0
    approved: int = 0
    first_message: int = 0
    reply: int = 0


@dataclass
class Statistics:
    firms_by_sector: list[tuple[str, int, int]] = field(default_factory=list)  # label, PK, BY
    firms_by_country: dict[str, int] = field(default_factory=dict)
    proposals_by_status: dict[str, int] = field(default_factory=dict)
    funnel: list[FunnelRow] = field(default_factory=list)
    decisions_by_day: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # day, approved, rejected


def statistics(session: Session) -> Statistics:
    stats = Statistics()
    labels = dict(
        session.execute(select(Sector.code, Sector.label).order_by(Sector.position)).all()
    )
    per_sector = session.execute(
        select(FirmSector.sector_code, Firm.country, func.count())
        .join(Firm, Firm.id == FirmSector.firm_id)
        .group_by(FirmSector.sector_code, Firm.country)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for code, country, n in per_sector:
        counts.setdefault(code, {})[country] = n
    stats.firms_by_sector = [
        (labels[code], counts.get(code, {}).get("PK", 0), counts.get(code, {}).get("BY", 0))
        for code in labels
    ]
    stats.firms_by_country = dict(
        session.execute(select(Firm.country, func.count()).group_by(Firm.country)).all()
    )
    stats.proposals_by_status = {s.value: 0 for s in Status}
    for status, n in session.execute(
        select(Proposal.status, func.count()).group_by(Proposal.status)
    ):
        stats.proposals_by_status[str(status)] = n
    stats.funnel = _funnel(session, labels)
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
    sides = union(
        select(Proposal.id.label("pid"), FirmSector.sector_code.label("sector")).join(
            FirmSector, FirmSector.firm_id == Proposal.pk_firm_id
        ),
        select(Proposal.id.label("pid"), FirmSector.sector_code.label("sector")).join(
            FirmSector, FirmSector.firm_id == Proposal.by_firm_id
        ),
    ).subquery()
    talk = (
        select(
            Thread.proposal_id.label("pid"),
            func.count(func.distinct(Message.sender_firm_id)).label("senders"),
        )
        .join(Message, Message.thread_id == Thread.id)
        .group_by(Thread.proposal_id)
        .subquery()
    )
    rows = session.execute(
        select(
            sides.c.sector,
            func.count(),
            func.sum(case((Proposal.status == Status.APPROVED, 1), else_=0)),
            func.sum(case((talk.c.senders >= 1, 1), else_=0)),
            func.sum(case((talk.c.senders >= 2, 1), else_=0)),
        )
        .select_from(sides)
        .join(Proposal, Proposal.id == sides.c.pid)
        .outerjoin(talk, talk.c.pid == sides.c.pid)
        .group_by(sides.c.sector)
    ).all()
    found = {r[0]: r for r in rows}
    funnel = []
    for code, label in labels.items():
        r = found.get(code)
        if r is not None:
            funnel.append(
                FunnelRow(code, label, int(r[1]), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
            )
    return funnel
