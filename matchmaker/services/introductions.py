"""Introductions: the pairs of firms EDB approved, and what they open up (the partner's contact
e-mail, a conversation). The rules are SQL expressions, so lists apply them in their own query
and a single firm's page in one small one."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    case,
    false,
    literal_column,
    or_,
    select,
    true,
)

from matchmaker.models import Firm, Proposal, User
from matchmaker.models import ProposalStatus as Status

# The status written into the SQL when it is compiled, not sent as a parameter: PostgreSQL's
# generic plan for a prepared statement then knows how few proposals are approved. With a
# parameter it guessed more rows, found the generic plan dearer than a custom one and planned
# /matches' statement again on every view (pg_prepared_statements: 0 generic plans of 15 in 20
# views; tests/web/test_transactions.py). A constant of ours, quoted here, never a value given
# (SQLAlchemy's literal_execute would write it on every execution: the layout +1.6% instructions).
_APPROVED = literal_column(f"'{Status.APPROVED.value}'", Proposal.status.type)


def approved_for(firm_id) -> ColumnElement[bool]:
    """SQL: the proposal is approved and one of its firms is this one (an introduction)."""
    return and_(
        Proposal.status == _APPROVED,
        or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
    )


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
