"""What a firm page shows the viewing firm about another firm: whether it may ask EDB for an
introduction, what came of one asked for, whether it saved the firm.

The state is read as columns of the other firm's row (`state_columns`: correlated subqueries
with the viewing firm a bound parameter), so a page of firms and their states is one query:
the directory's search read its page's firms and then their states, 23.92 -> 23.26 M
instructions per request (benchmarks/instructions.py --requests 10)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Label, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased

from matchmaker.models import Firm, Proposal, SavedPartner, User
from matchmaker.models import ProposalStatus as Status
from matchmaker.services.reads import dialect, in_ids, read

# How a firm sees its side of a pair.
PENDING = "pending"  # asked for (by either firm), waiting for EDB
INTRODUCED = "introduced"  # EDB approved: an introduction
NOT_TAKEN = "not_taken"  # EDB decided not to introduce them (its reasons stay with EDB)
OWN_ID = "own_id"  # the bound parameter of `state_columns`: the viewing firm


@dataclass(frozen=True, slots=True)
class PartnerState:
    """What a firm page shows the viewing firm about another firm."""

    can_request: bool  # of the other country, and nothing asked for or decided yet
    request: str | None  # PENDING, INTRODUCED, NOT_TAKEN or None
    saved: bool


def state_of(status: Status) -> str:
    return {Status.APPROVED: INTRODUCED, Status.REJECTED: NOT_TAKEN}.get(status, PENDING)


def state_columns(firm_id: ColumnElement[int]) -> tuple[Label[Any], ...]:
    """The viewing firm's (`own_id`) state with the firm `firm_id` of a row, as its columns:
    the viewing firm's country, the proposal between the two (on either side) and whether the
    viewing firm saved the other."""
    own_id = bindparam(OWN_ID)
    own = aliased(Firm, name="own")
    between = or_(
        and_(Proposal.pk_firm_id == own_id, Proposal.by_firm_id == firm_id),
        and_(Proposal.by_firm_id == own_id, Proposal.pk_firm_id == firm_id),
    )
    saved = exists().where(SavedPartner.firm_id == own_id, SavedPartner.partner_id == firm_id)
    return (
        select(own.country).where(own.id == own_id).scalar_subquery().label("own_country"),
        select(Proposal.status).where(between).scalar_subquery().label("pair_status"),
        select(Proposal.requested_by_firm_id)
        .where(between)
        .scalar_subquery()
        .label("pair_requested_by"),
        saved.label("saved"),
    )


def _state_of_row(row: Any) -> PartnerState:
    """The state read by `state_columns` with the row's firm (its `country`)."""
    shown: str | None = None
    if row.pair_status is not None and (
        row.pair_status != Status.PROPOSED or row.pair_requested_by is not None
    ):
        shown = state_of(row.pair_status)
    return PartnerState(
        can_request=row.country != row.own_country and shown is None,
        request=shown,
        saved=bool(row.saved),
    )


def viewing_firm(user: User) -> int | None:
    """The firm whose states a page shows: the user's, for a firm user with a firm."""
    return user.firm_id if user.is_firm_user and user.firm_id is not None else None


def partner_states(session: Session, user: User, firm_ids: list[int]) -> dict[int, PartnerState]:
    """For each of these firms, what the viewer's firm may do with it: one query."""
    own_id = viewing_firm(user)
    if own_id is None or not firm_ids:
        return {}
    rows = read(
        session,
        _states_statement(dialect(session)),
        {OWN_ID: own_id, "ids": sorted(set(firm_ids))},
    )
    return states_of_rows(rows, own_id)


def states_of_rows(rows: Iterable[Any], own_id: int) -> dict[int, PartnerState]:
    """The states of rows read with `state_columns`, by firm: none for the viewing firm's own
    (its card offers nothing to do with itself: saving it answered "This is your own firm.")."""
    return {row.id: _state_of_row(row) for row in rows if row.id != own_id}


@cache
def _states_statement(dialect_name: str) -> Select:
    return select(Firm.id, Firm.country, *state_columns(Firm.id)).where(
        in_ids(Firm.id, "ids", dialect_name)
    )
