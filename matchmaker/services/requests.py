"""A firm acting on a partner: asking EDB for an introduction, and saved partners (bookmarks).

A request becomes a proposal like the engine's (scored and explained by it), marked with the
firm that asked and its words to EDB; officers see it first in their queue. The firm sees it
as pending until EDB decides. EDB's note on a decision is never shown to the firm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from matchmaker.models import Firm, Proposal, SavedPartner, User, utcnow
from matchmaker.models import ProposalStatus as Status
from matchmaker.services.errors import InvalidTransition, NotFound
from matchmaker.services.introductions import require_firm
from matchmaker.services.messaging import checked_text
from matchmaker.services.partner_states import state_of
from matchmaker.services.rows import FirmBrief

MAX_REQUEST_MESSAGE = 1000
# What a scorer gives for a pair: (score, reasons, signals), or None when it cannot score it.
PairScorer = Callable[[Firm, Firm], "tuple[float, list, dict] | None"]


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One of the firm's own requests, as its home page lists it (never EDB's note)."""

    proposal_id: int
    partner: FirmBrief
    state: str
    requested_at: datetime | None
    decided_at: datetime | None


def _pair(own: Firm, other: Firm) -> tuple[int, int]:
    return (own.id, other.id) if own.country == "PK" else (other.id, own.id)


def clean_request_message(text: str | None) -> str | None:
    return checked_text(text, "message", MAX_REQUEST_MESSAGE) or None


def _target(session: Session, user: User, firm_id: int) -> tuple[Firm, Firm]:
    own_id = require_firm(user)
    other = session.get(Firm, firm_id)
    if other is None:
        raise NotFound(_("No such firm."))
    own = session.get(Firm, own_id)
    if other.id == own.id:
        raise InvalidTransition(_("This is your own firm."))
    return own, other


def request_introduction(
    session: Session, user: User, firm_id: int, message: str | None, scorer: PairScorer
) -> Proposal:
    """Ask EDB to introduce the user's firm to firm `firm_id` (of the other country). The pair's
    proposal is marked as requested, or made (scored by `scorer`) when the engine had not
    proposed it. Refused (InvalidTransition) for the own firm, a firm of the same country, and
    a pair already asked for or decided. Commits."""
    own, other = _target(session, user, firm_id)
    if other.country == own.country:
        raise InvalidTransition(
            _(
                "Introductions are between a Pakistani and a Belarusian firm: "
                "%(name)s is in your country.",
                name=other.name,
            )
        )
    text = clean_request_message(message)
    pk_id, by_id = _pair(own, other)
    proposal = session.scalar(
        select(Proposal).where(Proposal.pk_firm_id == pk_id, Proposal.by_firm_id == by_id)
    )
    if proposal is not None:
        _refuse_repeat(proposal, own, other)
    else:
        pk, by = (own, other) if own.country == "PK" else (other, own)
        scored = scorer(pk, by)
        if scored is None:  # no engine yet: the next run rescores it
            score, reasons, signals = 0.0, [_complement(pk, by)], {}
        else:
            score, reasons, signals = scored
        proposal = Proposal(
            pk_firm_id=pk_id,
            by_firm_id=by_id,
            score=min(1.0, max(0.0, float(score))),
            reasons=reasons,
            signals=signals,
            status=Status.PROPOSED,
        )
        session.add(proposal)
    proposal.requested_by_firm_id = own.id
    proposal.request_message = text
    proposal.requested_at = utcnow()
    try:
        session.commit()
    except IntegrityError:  # the same pair asked for at the same moment
        session.rollback()
        raise InvalidTransition(
            _("An introduction to %(name)s is already requested.", name=other.name)
        ) from None
    return proposal


def _complement(pk: Firm, by: Firm) -> dict[str, str]:
    return {"code": "complement", "firm": pk.name, "partner": by.name}


def _refuse_repeat(proposal: Proposal, own: Firm, other: Firm) -> None:
    if proposal.status == Status.APPROVED:
        raise InvalidTransition(
            _(
                "EDB has already introduced you to %(name)s: see your introductions.",
                name=other.name,
            )
        )
    if proposal.status == Status.REJECTED:
        raise InvalidTransition(
            _("EDB has already considered an introduction to %(name)s.", name=other.name)
        )
    if proposal.requested_by_firm_id == own.id:
        raise InvalidTransition(
            _(
                "You have already requested an introduction to %(name)s; EDB is reviewing it.",
                name=other.name,
            )
        )
    if proposal.requested_by_firm_id is not None:
        raise InvalidTransition(
            _("An introduction to %(name)s is already waiting for EDB's review.", name=other.name)
        )


def own_requests(session: Session, user: User) -> list[RequestRow]:
    """The introductions the firm asked for, newest first: one query."""
    own_id = require_firm(user)
    partner = aliased(Firm, name="partner")
    rows = session.execute(
        select(
            Proposal.id,
            Proposal.status,
            Proposal.requested_at,
            Proposal.decided_at,
            partner.id.label("partner_id"),
            partner.ref,
            partner.name,
            partner.country,
        )
        .join(
            partner,
            or_(
                and_(Proposal.pk_firm_id == own_id, partner.id == Proposal.by_firm_id),
                and_(Proposal.by_firm_id == own_id, partner.id == Proposal.pk_firm_id),
            ),
        )
        .where(Proposal.requested_by_firm_id == own_id)
        .order_by(Proposal.requested_at.desc(), Proposal.id.desc())
    ).all()
    return [
        RequestRow(
            row.id,
            FirmBrief(row.partner_id, row.ref, row.name, row.country),
            state_of(row.status),
            row.requested_at,
            row.decided_at if row.status != Status.PROPOSED else None,
        )
        for row in rows
    ]


def save_partner(session: Session, user: User, firm_id: int) -> Firm:
    """Bookmark a firm for the user's firm (again: no change). Commits."""
    own, other = _target(session, user, firm_id)
    if session.get(SavedPartner, (own.id, other.id)) is None:
        session.add(SavedPartner(firm_id=own.id, partner_id=other.id))
        try:
            session.commit()
        except IntegrityError:  # saved twice at once: it is saved
            session.rollback()
    return other


def forget_partner(session: Session, user: User, firm_id: int) -> Firm:
    own, other = _target(session, user, firm_id)
    session.execute(
        delete(SavedPartner).where(
            SavedPartner.firm_id == own.id, SavedPartner.partner_id == other.id
        )
    )
    session.commit()
    return other


def saved_partner_ids(session: Session, user: User) -> list[int]:
    """The firms the user's firm saved, most recently saved first."""
    own_id = require_firm(user)
    return list(
        session.scalars(
            select(SavedPartner.partner_id)
            .where(SavedPartner.firm_id == own_id)
            .order_by(SavedPartner.created_at.desc(), SavedPartner.partner_id)
        )
    )
