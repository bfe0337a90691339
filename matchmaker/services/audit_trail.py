"""The audit trail of EDB's decisions: its pages (narrowed by officer, firm and dates), a
proposal's history and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session, aliased

from matchmaker.models import AuditEntry, Firm, Proposal, User
from matchmaker.services.exports import AUDIT_HEADER, AuditFilter, filter_audit
from matchmaker.services.pages import Page, paginate
from matchmaker.services.proposals import require_staff
from matchmaker.services.rows import AuditRow

_PK, _BY = aliased(Firm, name="pk"), aliased(Firm, name="by")


def _audit_select() -> Select:
    pk, by = _PK, _BY
    return (
        select(
            AuditEntry.id,
            AuditEntry.created_at,
            User.email.label("actor_email"),
            AuditEntry.action,
            AuditEntry.from_status,
            AuditEntry.to_status,
            AuditEntry.note,
            AuditEntry.proposal_id,
            pk.name.label("pk_name"),
            by.name.label("by_name"),
            pk.ref.label("pk_ref"),
            by.ref.label("by_ref"),
            Proposal.score,
        )
        .outerjoin(User, AuditEntry.actor_id == User.id)
        .outerjoin(Proposal, AuditEntry.proposal_id == Proposal.id)
        .outerjoin(pk, Proposal.pk_firm_id == pk.id)
        .outerjoin(by, Proposal.by_firm_id == by.id)
    )


def _audit_rows(rows: Iterable[Row[Any]]) -> list[AuditRow]:
    return [
        AuditRow(
            id=row.id,
            created_at=row.created_at,
            actor_email=row.actor_email,
            action=row.action,
            from_status=row.from_status,
            to_status=row.to_status,
            note=row.note,
            proposal_id=row.proposal_id,
            pk_name=row.pk_name,
            by_name=row.by_name,
        )
        for row in rows
    ]


def audit_page(
    session: Session,
    actor: User,
    *,
    page: int,
    per_page: int,
    filters: AuditFilter | None = None,
) -> Page[AuditRow]:
    """The audit trail, newest first, narrowed by `filters`."""
    require_staff(actor)
    stmt = _audit_select().order_by(AuditEntry.id.desc())
    if filters is not None:
        stmt = filter_audit(stmt, filters, _PK, _BY)
    return paginate(session, stmt, _audit_rows, page=page, per_page=per_page)


def proposal_history(session: Session, proposal_id: int) -> list[AuditRow]:
    stmt = _audit_select().where(AuditEntry.proposal_id == proposal_id).order_by(AuditEntry.id)
    return _audit_rows(session.execute(stmt))


def _csv_safe(value: object) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: defuse them."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_decisions_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(AUDIT_HEADER)
    for row in session.execute(_audit_select().order_by(AuditEntry.id)):
        writer.writerow(
            _csv_safe(v)
            for v in (
                row.created_at.isoformat(timespec="seconds"),
                row.actor_email or "",
                row.action,
                row.from_status,
                row.to_status,
                row.pk_ref or "",
                row.pk_name or "",
                row.by_ref or "",
                row.by_name or "",
                f"{row.score:.4f}" if row.score is not None else "",
                row.note,
            )
        )
    return out.getvalue()
