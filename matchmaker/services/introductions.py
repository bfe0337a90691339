"""Introductions: the pairs of firms EDB approved, and what they open up (the partner's contact
e-mail, a conversation). The rules are SQL expressions, so lists apply them in their own query
and a single firm's page in one small one."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, case, false, or_, select, true
from sqlalchemy.orm import Session

from matchmaker.models import Firm, Proposal, User
from matchmaker.models import ProposalStatus as Status


def approved_for(firm_id) -> ColumnElement[bool]:
    """SQL: the proposal is approved and one of its firms is this one (an introduction)."""
    return and_(
        Proposal.status == Status.APPROVED,
        or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
    )


def other_firm_id(firm_id) -> ColumnElement[int]:
    """SQL: the id of the proposal's firm that is not this one."""
    return case((Proposal.pk_firm_id == firm_id, Proposal.by_firm_id), else_=Proposal.pk_firm_id)


def contact_visible(viewer: User) -> ColumnElement[bool]:
    """SQL over `Firm`: whether the viewer may see the firm's contact e-mail. EDB staff see
    every firm's; a firm user sees its own firm's and those of the firms EDB introduced to it;
    nobody else sees any."""
    if viewer.is_staff:
        return true()
    if viewer.firm_id is None:
        return false()
    partners = select(other_firm_id(viewer.firm_id)).where(approved_for(viewer.firm_id))
    return or_(Firm.id == viewer.firm_id, Firm.id.in_(partners))


def may_see_contact(session: Session, viewer: User, firm_id: int) -> bool:
    """`contact_visible` for one firm."""
    found = session.scalar(select(Firm.id).where(Firm.id == firm_id, contact_visible(viewer)))
    return found is not None
