"""EDB review: approve or reject with a note, the audit trail, the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from matchmaker.models import AuditEntry, Firm, Proposal, Thread, ThreadRead, User, utcnow
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import notifications
from matchmaker.services.errors import InvalidTransition, NotFound, StaleVersion
from matchmaker.services.pages import Page, paginate
from matchmaker.services.proposals import require_staff
from matchmaker.services.reference import N_
from matchmaker.services.rows import AuditRow

DECISIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED}
# Stored as the code; the English label goes into the audit trail, pages translate it.
REJECT_REASONS = {
    "sector": N_("Sectors do not really fit"),
    "capacity": N_("One side lacks the capacity"),
    "duplicate": N_("Already in contact / duplicate"),
    "policy": N_("Not in line with JWG priorities"),
    "other": N_("Other (see note)"),
}
MAX_NOTE = 2000


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            joinedload(Proposal.pk_firm).selectinload(Firm.sector_links),
            joinedload(Proposal.by_firm).selectinload(Firm.sector_links),
            joinedload(Proposal.decided_by),
        )
    )
    if proposal is None:
        raise NotFound(_("No such proposal."))
    return proposal


def decide(
    session: Session,
    actor: User,
    proposal_id: int,
    decision: str,
    note: str | None = None,
    *,
    reject_reason: str | None = None,
    expected_version: int | None = None,
) -> Proposal:
    """Approve or reject (or change an earlier decision). Commits, audits, notifies."""
    require_staff(actor)
    if decision not in DECISIONS:
        raise InvalidTransition(_("The decision must be 'approve' or 'reject'."))
    note = (note or "").strip()[:MAX_NOTE] or None
    if reject_reason is not None and reject_reason not in REJECT_REASONS:
        reject_reason = None
    proposal = get_proposal(session, proposal_id)
    new_status = DECISIONS[decision]
    old_status = proposal.status
    version = proposal.version if expected_version is None else expected_version
    # Compare-and-set on the version: of two officers deciding at once, one wins and the other
    # gets a clear conflict instead of silently overwriting.
    result = session.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.version == version)
        .values(
            status=new_status,
            note=note,
            reject_reason=reject_reason if new_status == Status.REJECTED else None,
            version=version + 1,
            decided_by_id=actor.id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise StaleVersion(
            _(
                "Another officer changed this proposal after you opened it. "
                "Reload the page to see the current decision."
            )
        )
    action = "decide" if old_status == Status.PROPOSED else "redecide"
    session.add(
        AuditEntry(
            actor_id=actor.id,
            proposal_id=proposal_id,
            action=action,
            from_status=str(old_status),
            to_status=str(new_status),
            note=_audit_note(note, reject_reason),
        )
    )
    opened = new_status == Status.APPROVED and _open_thread(session, proposal)
    session.commit()
    session.refresh(proposal)
    # "Good news" once per pair: approved again after a reversal, its thread is there already.
    if opened:
        notifications.proposal_approved(proposal.pk_firm, proposal.by_firm)
        notifications.proposal_approved(proposal.by_firm, proposal.pk_firm)
    return proposal


def _audit_note(note: str | None, reject_reason: str | None) -> str | None:
    if reject_reason:
        label = REJECT_REASONS[reject_reason]
        return f"[{label}] {note}" if note else f"[{label}]"
    return note


def _open_thread(session: Session, proposal: Proposal) -> bool:
    """The pair's conversation, made on its first approval; whether it is new."""
    if session.scalar(select(Thread.id).where(Thread.proposal_id == proposal.id)) is not None:
        return False
    thread = Thread(proposal_id=proposal.id)
    session.add(thread)
    session.flush()
    # Read markers exist from the start, so posting only ever updates them.
    for firm_id in (proposal.pk_firm_id, proposal.by_firm_id):
        session.add(ThreadRead(thread_id=thread.id, firm_id=firm_id, last_read_message_id=0))
    return True


def decide_many(
    session: Session, actor: User, proposal_ids: Iterable[int], decision: str, note: str | None
) -> tuple[int, list[str]]:
    """Bulk decision; each proposal is decided on its own, problems are reported, not fatal."""
    done, problems = 0, []
    for proposal_id in proposal_ids:
        try:
            decide(session, actor, proposal_id, decision, note)
            done += 1
        except (NotFound, InvalidTransition) as exc:
            problems.append(f"#{proposal_id}: {exc.message}")
    return done, problems


def _audit_select() -> Select:
    pk, by = aliased(Firm, name="pk"), aliased(Firm, name="by")
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


def audit_page(session: Session, actor: User, *, page: int, per_page: int) -> Page[AuditRow]:
    """The audit trail, newest first."""
    require_staff(actor)
    stmt = _audit_select().order_by(AuditEntry.id.desc())
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
    writer.writerow(
        [
            "decided_at",
            "officer",
            "action",
            "from_status",
            "to_status",
            "pk_ref",
            "pk_name",
            "by_ref",
            "by_name",
            "score",
            "note",
        ]
    )
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
