"""EDB review: the queue, approve/reject with a note, the audit trail, the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from matchmaker.models import (
    AuditEntry,
    Firm,
    FirmSector,
    Proposal,
    Thread,
    ThreadRead,
    User,
    utcnow,
)
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import notifications
from matchmaker.services.firms import escape_like
from matchmaker.services.messaging import approved_for
from matchmaker.web.errors import Forbidden, InvalidTransition, NotFound, StaleVersion

DECISIONS = {"approve": Status.APPROVED, "reject": Status.REJECTED}
REJECT_REASONS = {
    "sector": "Sectors do not really fit",
    "capacity": "One side lacks the capacity",
    "duplicate": "Already in contact / duplicate",
    "policy": "Not in line with JWG priorities",
    "other": "Other (see note)",
}
MAX_NOTE = 2000


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(_("Only EDB staff can review proposals."))


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
    _require_staff(actor)
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
    if new_status == Status.APPROVED:
        _open_thread(session, proposal)
    session.commit()
    session.refresh(proposal)
    if new_status == Status.APPROVED and old_status != Status.APPROVED:
        notifications.proposal_approved(proposal.pk_firm, proposal.by_firm)
        notifications.proposal_approved(proposal.by_firm, proposal.pk_firm)
    return proposal


def _audit_note(note: str | None, reject_reason: str | None) -> str | None:
    if reject_reason:
        label = REJECT_REASONS[reject_reason]
        return f"[{label}] {note}" if note else f"[{label}]"
    return note


def _open_thread(session: Session, proposal: Proposal) -> None:
    if session.scalar(select(Thread.id).where(Thread.proposal_id == proposal.id)) is not None:
        return
    thread = Thread(proposal_id=proposal.id)
    session.add(thread)
    session.flush()
    # Read markers exist from the start, so posting only ever updates them.
    for firm_id in (proposal.pk_firm_id, proposal.by_firm_id):
        session.add(ThreadRead(thread_id=thread.id, firm_id=firm_id, last_read_message_id=0))


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


@dataclass
class QueueFilter:
    status: str = "proposed"
    sector: str = ""
    country: str = ""  # with `sector`: whose sector, the PK or the BY firm (else either)
    min_score: float | None = None
    max_score: float | None = None
    q: str = ""
    sort: str = "score"
    # The firms `q` matches, once looked up (`with_search_firms`); None: found by a subquery.
    firm_ids: tuple[int, ...] | None = None


# A search of the queue by firm first finds the firms (one query; a trigram index on
# PostgreSQL), then their proposals through the indexes on either firm: about 4 ms on 200,000
# proposals, where joining both firms to every proposal to compare names took 130 ms for the
# list and again for its count. A word so common that more firms match is left to a subquery.
SEARCH_FIRMS_LISTED = 500


SORTS = {
    "score": (Proposal.score.desc(), Proposal.id),
    "score_asc": (Proposal.score.asc(), Proposal.id),
    "newest": (Proposal.id.desc(),),
    "decided": (Proposal.decided_at.desc(), Proposal.id.desc()),
}


def _clean(f: QueueFilter) -> QueueFilter:
    from matchmaker.services.firms import clean_search

    return QueueFilter(
        **{
            **f.__dict__,
            "q": clean_search(f.q, 100),
            "sector": clean_search(f.sector, 32),
            "country": clean_search(f.country, 2),
        }
    )


def _firms_matching(q: str) -> Select:
    pattern = f"%{escape_like(q.lower())}%"
    return select(Firm.id).where(
        or_(func.lower(Firm.name).like(pattern, escape="\\"), Firm.ref == q)
    )


def with_search_firms(session: Session, f: QueueFilter) -> QueueFilter:
    """The filter with the firms its search matches, looked up once for the page and its count
    (up to SEARCH_FIRMS_LISTED of them; beyond, the statements find them themselves)."""
    f = _clean(f)
    if not f.q:
        return f
    ids = session.scalars(_firms_matching(f.q).limit(SEARCH_FIRMS_LISTED + 1)).all()
    if len(ids) > SEARCH_FIRMS_LISTED:
        return replace(f, firm_ids=None)
    return replace(f, firm_ids=tuple(ids))


def _filtered(stmt: Select, f: QueueFilter) -> Select:
    """The queue's filters and order on a select from proposals."""
    if f.status in {s.value for s in Status}:
        stmt = stmt.where(Proposal.status == f.status)
    if f.sector:
        firms_in_sector = select(FirmSector.firm_id).where(FirmSector.sector_code == f.sector)
        if f.country == "PK":
            stmt = stmt.where(Proposal.pk_firm_id.in_(firms_in_sector))
        elif f.country == "BY":
            stmt = stmt.where(Proposal.by_firm_id.in_(firms_in_sector))
        else:
            stmt = stmt.where(
                or_(
                    Proposal.pk_firm_id.in_(firms_in_sector),
                    Proposal.by_firm_id.in_(firms_in_sector),
                )
            )
    if f.q:
        if f.firm_ids == ():
            stmt = stmt.where(false())
        else:
            ids = f.firm_ids
            if ids is None:  # too many to list: the statement finds them, once for both sides
                ids = select(_firms_matching(f.q).cte("matching_firms").c.id)
            stmt = stmt.where(or_(Proposal.pk_firm_id.in_(ids), Proposal.by_firm_id.in_(ids)))
    if f.min_score is not None:
        stmt = stmt.where(Proposal.score >= f.min_score)
    if f.max_score is not None:
        stmt = stmt.where(Proposal.score <= f.max_score)
    return stmt.order_by(*SORTS.get(f.sort, SORTS["score"]))


def queue_count_select(f: QueueFilter) -> Select:
    """What the queue page counts: the same filters, without fetching the firms' names."""
    return _filtered(select(Proposal.id), _clean(f))


def queue_rows_select(f: QueueFilter) -> Select:
    """The queue page's rows: the columns it shows, the firms' names and the officer's e-mail
    joined in one query (no entities to build; the page lists up to 100 of them)."""
    return _filtered(_queue_rows_base(), _clean(f))


@cache
def _queue_rows_base():
    # Built once (labelled columns of aliases cost more to build than the query to run).
    stmt = _with_both_firms(
        lambda pk, by: (
            Proposal.id,
            Proposal.score,
            Proposal.status,
            Proposal.reasons,
            Proposal.note,
            Proposal.version,
            Proposal.reject_reason,
            pk.name.label("pk_name"),
            by.name.label("by_name"),
            User.email.label("decided_by_email"),
        )
    )
    return stmt.outerjoin(User, Proposal.decided_by_id == User.id)


def _with_both_firms(columns):
    """A select from proposals joined to both firms (aliases `pk` and `by`); `columns(pk, by)`
    gives what it lists."""
    pk, by = aliased(Firm, name="pk"), aliased(Firm, name="by")
    return (
        select(*columns(pk, by))
        .join(pk, Proposal.pk_firm_id == pk.id)
        .join(by, Proposal.by_firm_id == by.id)
    )


def _visible(stmt: Select, user: User, status: str) -> Select:
    if user.is_staff:
        return _filtered(stmt, QueueFilter(status=status or "all"))
    if user.firm_id is None:
        return stmt.where(false())
    return stmt.where(approved_for(user.firm_id)).order_by(*SORTS["score"])


def visible_rows_select(user: User, status: str = "") -> Select:
    """Staff: every proposal (optionally of one status); a firm: its approved introductions.
    Rows of the columns the API gives, both firms in brief."""
    return _visible(_visible_rows_base(), user, status)


@cache
def _visible_rows_base() -> Select:
    return _with_both_firms(
        lambda pk, by: (
            Proposal.id,
            Proposal.score,
            Proposal.status,
            Proposal.reasons,
            Proposal.version,
            Proposal.note,
            Proposal.decided_at,
            *(
                column.label(f"{side}_{column.key}")
                for side, firm in (("pk", pk), ("by", by))
                for column in (firm.id, firm.ref, firm.name, firm.country)
            ),
        )
    )


def visible_count_select(user: User, status: str = "") -> Select:
    return _visible(select(Proposal.id), user, status)


def audit_select() -> Select[tuple[AuditEntry]]:
    return (
        select(AuditEntry)
        .options(
            joinedload(AuditEntry.actor),
            joinedload(AuditEntry.proposal).joinedload(Proposal.pk_firm),
            joinedload(AuditEntry.proposal).joinedload(Proposal.by_firm),
        )
        .order_by(AuditEntry.id.desc())
    )


def proposal_history(session: Session, proposal_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.proposal_id == proposal_id)
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.id)
        )
    )


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
    for entry in session.scalars(audit_select().order_by(None).order_by(AuditEntry.id)):
        p = entry.proposal
        writer.writerow(
            _csv_safe(v)
            for v in (
                entry.created_at.isoformat(timespec="seconds"),
                entry.actor.email if entry.actor else "",
                entry.action,
                entry.from_status,
                entry.to_status,
                p.pk_firm.ref if p else "",
                p.pk_firm.name if p else "",
                p.by_firm.ref if p else "",
                p.by_firm.name if p else "",
                f"{p.score:.4f}" if p else "",
                entry.note,
            )
        )
    return out.getvalue()
