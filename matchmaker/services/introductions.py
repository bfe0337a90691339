"""Introductions: the pairs of firms EDB approved, and what they open up (the partner's contact
e-mail, a conversation); a firm's list of them and its answer to one. The rules are SQL
expressions, so lists apply them in their own query and a single firm's page in one small
one."""

from __future__ import annotations

from functools import cache

from flask_babel import gettext as _
from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, aliased

from matchmaker.models import Firm, Proposal, Thread, User
from matchmaker.models import ProposalStatus as Status
from matchmaker.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchmaker.services.firm_lists import packed_codes, unpack_codes
from matchmaker.services.reads import read
from matchmaker.services.rows import Introduction, Partner

# The status written into the SQL when it is compiled, not sent as a parameter: PostgreSQL's
# generic plan for a prepared statement then knows how few proposals are approved. With a
# parameter it guessed more rows, found the generic plan dearer than a custom one and planned
# /matches' statement again on every view (pg_prepared_statements: 0 generic plans of 15 in 20
# views; tests/web/test_transactions.py). A constant of ours, quoted here, never a value given
# (SQLAlchemy's literal_execute would write it on every execution: the layout +1.6% instructions).
_APPROVED = literal_column(f"'{Status.APPROVED.value}'", Proposal.status.type)


def involves(firm_id) -> ColumnElement[bool]:
    """SQL: one of the proposal's firms is this one."""
    return or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id)


def approved_for(firm_id) -> ColumnElement[bool]:
    """SQL: the proposal is approved and one of its firms is this one (an introduction)."""
    return and_(Proposal.status == _APPROVED, involves(firm_id))


def other_firm_id(firm_id) -> ColumnElement[int]:
    """SQL: the id of the proposal's firm that is not this one."""
    return case((Proposal.pk_firm_id == firm_id, Proposal.by_firm_id), else_=Proposal.pk_firm_id)


def viewer_kind(viewer: User) -> str:
    """What the contact rule depends on: "staff", "firm" (a firm user with a firm) or "none"."""
    if viewer.is_staff:
        return "staff"
    return "firm" if viewer.firm_id is not None else "none"


def viewer_parameters(viewer: User) -> dict[str, int]:
    """The bound parameter of `contact_visible("firm")`: the viewer's firm."""
    return {"viewer_firm_id": viewer.firm_id} if viewer_kind(viewer) == "firm" else {}


def contact_visible(kind: str) -> ColumnElement[bool]:
    """SQL over `Firm`: whether a viewer of this kind may see the firm's contact e-mail. EDB
    staff see every firm's; a firm user sees its own firm's and those of the firms EDB
    introduced to it (its firm the parameter `viewer_firm_id`); nobody else sees any."""
    if kind == "staff":
        return true()
    if kind != "firm":
        return false()
    firm_id = bindparam("viewer_firm_id")
    partners = select(other_firm_id(firm_id)).where(approved_for(firm_id))
    return or_(Firm.id == firm_id, Firm.id.in_(partners))


RESPONSES = ("interested", "declined")
# A conversation's state: open; closed (a firm declined the introduction); withdrawn (EDB
# reversed its approval). Only an open one takes new messages; the others stay readable.
OPEN, CLOSED, WITHDRAWN = "open", "closed", "withdrawn"


def _declined_sql() -> ColumnElement[bool]:
    # Never NULL (an unanswered side is NULL): PostgreSQL sorts NULL after true.
    return or_(
        func.coalesce(Proposal.pk_response, "") == "declined",
        func.coalesce(Proposal.by_response, "") == "declined",
    )


def state_sql() -> ColumnElement[str]:
    return case(
        (Proposal.status != Status.APPROVED, WITHDRAWN),
        (_declined_sql(), CLOSED),
        else_=OPEN,
    )


def thread_state(proposal: Proposal) -> str:
    return state_of(proposal.status, proposal.declined)


def state_of(status: str, declined: bool) -> str:
    if status != Status.APPROVED:
        return WITHDRAWN
    return CLOSED if declined else OPEN


def require_firm(user: User) -> int:
    """The user's firm; a user without one (staff, a firm account before its profile): Forbidden."""
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden(_("Only firm accounts with a profile have introductions and messages."))
    return user.firm_id


@cache
def _introductions_statement():
    # Built once (see services/firms.py for the figure): the firm is a bound parameter; the
    # partner is whichever side it is not.
    firm_id = bindparam("firm_id")
    partner = aliased(Firm, name="partner")
    own_is_pk = Proposal.pk_firm_id == firm_id
    return (
        select(
            Proposal.id,
            Proposal.score,
            Proposal.reasons,
            case((own_is_pk, Proposal.pk_response), else_=Proposal.by_response).label("mine"),
            case((own_is_pk, Proposal.by_response), else_=Proposal.pk_response).label("theirs"),
            partner.id.label("partner_id"),
            partner.name,
            partner.country,
            partner.city,
            partner.contact_email,
            packed_codes(partner.id, "sectors"),
            Thread.id.label("thread_id"),
            _declined_sql().label("closed"),
        )
        .join(partner, partner.id == other_firm_id(firm_id))
        .outerjoin(Thread, Thread.proposal_id == Proposal.id)
        .where(approved_for(firm_id))
        # Declined introductions below the open ones.
        .order_by(_declined_sql(), Proposal.score.desc(), Proposal.id)
    )


def introductions(session: Session, user: User) -> list[Introduction]:
    """The firm's approved proposals, best first, each with its partner (and the partner's
    sectors) and thread: one query, whatever their number."""
    rows = read(session, _introductions_statement(), {"firm_id": require_firm(user)}).all()
    return [
        Introduction(
            id=row.id,
            score=row.score,
            reasons=row.reasons,
            mine=row.mine,
            theirs=row.theirs,
            partner=Partner(
                id=row.partner_id,
                name=row.name,
                country=row.country,
                city=row.city,
                contact_email=row.contact_email,
                sectors=unpack_codes(row.sectors),
            ),
            thread_id=row.thread_id,
            closed=bool(row.closed),
        )
        for row in rows
    ]


def respond(session: Session, user: User, proposal_id: int, response: str) -> Proposal:
    """Mark interest in, or decline, an introduction (each side answers for itself)."""
    firm_id = require_firm(user)
    if response not in RESPONSES:
        raise ValidationFailed({"response": _("must be 'interested' or 'declined'")})
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.status != Status.APPROVED or not proposal.involves(firm_id):
        raise NotFound(_("No such introduction."))
    if proposal.declined:
        raise InvalidTransition(_("This introduction was declined; its conversation is closed."))
    if proposal.pk_firm_id == firm_id:
        proposal.pk_response = response
    else:
        proposal.by_response = response
    session.commit()
    return proposal
