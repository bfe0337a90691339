"""EDB review: a proposal approved or rejected with a note (one or many), what the detail page
shows beside it (the audit trail and its export: services/audit_trail.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker.models import AuditEntry, Firm, Proposal, Thread, ThreadRead, User, utcnow
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import notifications
from matchmaker.services.errors import InvalidTransition, NotFound, StaleVersion
from matchmaker.services.proposals import QueueFilter, queue_ids, require_staff
from matchmaker.services.reference import N_

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
# The signals a score is made of (matching/scoring.py), as the detail page names them.
SIGNAL_LABELS = {
    "reciprocal": N_("Offers and needs fit both ways (words)"),
    "fit_ab": N_("The Pakistani firm's offer meets the Belarusian need (words)"),
    "fit_ba": N_("The Belarusian firm's offer meets the Pakistani need (words)"),
    "meaning": N_("Offers and needs fit both ways (meaning)"),
    "meaning_ab": N_("The Pakistani firm's offer meets the Belarusian need (meaning)"),
    "meaning_ba": N_("The Belarusian firm's offer meets the Pakistani need (meaning)"),
    "topic": N_("The whole profiles are alike"),
    "sector": N_("Sectors overlap"),
    "types": N_("Cooperation types fit"),
}


def signal_rows(signals: dict[str, Any] | None) -> list[tuple[str, float]]:
    """(translated label, value in [0, 1]) for each signal the proposal was scored from."""
    signals = signals or {}
    return [
        (_(label), min(max(float(signals[name]), 0.0), 1.0))
        for name, label in SIGNAL_LABELS.items()
        if isinstance(signals.get(name), int | float)
    ]


def get_proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.scalar(
        select(Proposal)
        .where(Proposal.id == proposal_id)
        .options(
            joinedload(Proposal.pk_firm).selectinload(Firm.sector_links),
            joinedload(Proposal.by_firm).selectinload(Firm.sector_links),
            joinedload(Proposal.pk_firm).selectinload(Firm.type_links),
            joinedload(Proposal.by_firm).selectinload(Firm.type_links),
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
    proposal, newly_approved = _decide(
        session, actor, proposal_id, decision, note, reject_reason, expected_version
    )
    if newly_approved:
        notifications.proposal_approved(proposal.pk_firm, proposal.by_firm)
        notifications.proposal_approved(proposal.by_firm, proposal.pk_firm)
    return proposal


def _decide(
    session: Session,
    actor: User,
    proposal_id: int,
    decision: str,
    note: str | None,
    reject_reason: str | None,
    expected_version: int | None,
) -> tuple[Proposal, bool]:
    """The decision, committed and audited; whether it opened the pair's conversation (a first
    approval: only then the e-mails go)."""
    require_staff(actor)
    if decision not in DECISIONS:
        raise InvalidTransition(_("The decision must be 'approve' or 'reject'."))
    note = (note or "").strip()[:MAX_NOTE] or None
    new_status = DECISIONS[decision]
    # A reason belongs to a rejection only: an approval records none, in the row or the audit.
    if new_status != Status.REJECTED or reject_reason not in REJECT_REASONS:
        reject_reason = None
    proposal = get_proposal(session, proposal_id)
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
            reject_reason=reject_reason,
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
    return proposal, opened


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


@dataclass
class BulkResult:
    decided: int = 0
    unchanged: int = 0  # already in the chosen state
    emails: int = 0
    problems: list[str] = field(default_factory=list)


def decide_many(
    session: Session,
    actor: User,
    proposal_ids: Iterable[int],
    decision: str,
    note: str | None,
    *,
    reject_reason: str | None = None,
) -> BulkResult:
    """Bulk decision; each proposal is decided on its own, problems are reported, not fatal.
    Proposals already in the chosen state are left as they are. A firm approved into several
    introductions at once gets one e-mail that lists them all."""
    require_staff(actor)
    result = BulkResult()
    target = DECISIONS.get(decision)
    partners: dict[int, tuple[Firm, list[Firm]]] = {}
    for proposal_id in dict.fromkeys(proposal_ids):
        try:
            current = session.get(Proposal, proposal_id)
            if current is not None and current.status == target:
                result.unchanged += 1
                continue
            proposal, newly_approved = _decide(
                session, actor, proposal_id, decision, note, reject_reason, None
            )
        except (NotFound, InvalidTransition) as exc:
            result.problems.append(f"#{proposal_id}: {exc.message}")
            continue
        result.decided += 1
        if newly_approved:
            for firm, partner in (
                (proposal.pk_firm, proposal.by_firm),
                (proposal.by_firm, proposal.pk_firm),
            ):
                partners.setdefault(firm.id, (firm, []))[1].append(partner)
    for firm, its_partners in partners.values():
        result.emails += notifications.introductions_approved(firm, its_partners)
    return result


@dataclass
class BulkPreview:
    """What a bulk decision would do, for the officer to confirm."""

    decision: str
    proposals: list[Proposal]
    to_change: int
    unchanged: int
    missing: int
    emails: int  # e-mails an approval sends (one per firm and address)
    firms: int  # firms whose contacts the partners get to see


def bulk_preview(
    session: Session, actor: User, proposal_ids: Iterable[int], decision: str
) -> BulkPreview:
    require_staff(actor)
    if decision not in DECISIONS:
        raise InvalidTransition(_("Choose whether to approve or reject the selected proposals."))
    ids = list(dict.fromkeys(proposal_ids))
    target = DECISIONS[decision]
    found = session.scalars(
        select(Proposal)
        .where(Proposal.id.in_(ids))
        .options(
            selectinload(Proposal.pk_firm).selectinload(Firm.users),
            selectinload(Proposal.by_firm).selectinload(Firm.users),
        )
        .order_by(Proposal.score.desc(), Proposal.id)
    ).all()
    changing = [p for p in found if p.status != target]
    firms = {f.id: f for p in changing for f in (p.pk_firm, p.by_firm)}
    emails = 0
    if target == Status.APPROVED:
        emails = sum(notifications.recipient_count(f) for f in firms.values())
    return BulkPreview(
        decision=decision,
        proposals=list(found),
        to_change=len(changing),
        unchanged=len(found) - len(changing),
        missing=len(ids) - len(found),
        emails=emails,
        firms=len(firms) if target == Status.APPROVED else 0,
    )


def next_proposal_id(
    session: Session, actor: User, filters: QueueFilter, current: Proposal
) -> int | None:
    """The proposal after `current` in the queue under `filters` (its order); the first one
    when `current` is the last or no longer in it; None when nothing else is left."""
    require_staff(actor)
    base = queue_ids(session, filters).where(Proposal.id != current.id)
    after = {
        "score": or_(
            Proposal.score < current.score,
            and_(Proposal.score == current.score, Proposal.id > current.id),
        ),
        "score_asc": or_(
            Proposal.score > current.score,
            and_(Proposal.score == current.score, Proposal.id > current.id),
        ),
        "newest": Proposal.id < current.id,
    }.get(filters.sort)
    if after is not None:
        found = session.scalar(base.where(after).limit(1))
        if found is not None:
            return found
    return session.scalar(base.limit(1))


@dataclass(frozen=True)
class OtherProposal:
    id: int
    partner: str
    score: float
    status: str


OTHER_PROPOSALS_SHOWN = 10


def other_proposals(
    session: Session, actor: User, proposal: Proposal
) -> dict[int, list[OtherProposal]]:
    """Each firm's other proposals (best first, up to OTHER_PROPOSALS_SHOWN), by firm id."""
    require_staff(actor)
    shown: dict[int, list[OtherProposal]] = {}
    for firm_id, own, partner_side in (
        (proposal.pk_firm_id, Proposal.pk_firm_id, Proposal.by_firm_id),
        (proposal.by_firm_id, Proposal.by_firm_id, Proposal.pk_firm_id),
    ):
        rows = session.execute(
            select(Proposal.id, Firm.name, Proposal.score, Proposal.status)
            .join(Firm, Firm.id == partner_side)
            .where(own == firm_id, Proposal.id != proposal.id)
            .order_by(Proposal.score.desc(), Proposal.id)
            .limit(OTHER_PROPOSALS_SHOWN)
        ).all()
        shown[firm_id] = [OtherProposal(r[0], r[1], r[2], str(r[3])) for r in rows]
    return shown
