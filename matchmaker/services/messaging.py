"""Introductions and messages between the two firms of an approved proposal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from matchmaker.models import Firm, Message, Proposal, Thread, ThreadRead, User, utcnow
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import notifications
from matchmaker.services.firms import sector_codes
from matchmaker.web.errors import Forbidden, NotFound, ValidationFailed

MAX_BODY = 5000
RESPONSES = ("interested", "declined")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _own_firm_id(user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden(_("Only firm accounts with a profile have introductions and messages."))
    return user.firm_id


@dataclass(frozen=True)
class Partner:
    id: int
    name: str
    country: str
    city: str | None
    contact_email: str | None
    sectors: list[str]


@dataclass(frozen=True)
class Introduction:
    """An approved proposal as the firm's introductions page shows it."""

    id: int
    score: float
    reasons: list[str]
    mine: str | None  # this firm's answer
    theirs: str | None  # the partner's
    partner: Partner
    thread_id: int | None


def _other_firm_id(firm_id):
    """SQL: the id of the proposal's firm that is not this one."""
    return case((Proposal.pk_firm_id == firm_id, Proposal.by_firm_id), else_=Proposal.pk_firm_id)


@cache
def _introductions_statement():
    # Built once: the firm is a bound parameter; the partner is whichever side it is not.
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
            Thread.id.label("thread_id"),
        )
        .join(partner, partner.id == _other_firm_id(firm_id))
        .outerjoin(Thread, Thread.proposal_id == Proposal.id)
        .where(approved_for(firm_id))
        .order_by(Proposal.score.desc(), Proposal.id)
    )


def introductions(session: Session, user: User) -> list[Introduction]:
    """The firm's approved proposals, best first, each with its partner and thread: two
    queries (the proposals, the partners' sectors), whatever their number."""
    rows = session.execute(_introductions_statement(), {"firm_id": _own_firm_id(user)}).all()
    sectors = sector_codes(session, [row.partner_id for row in rows])
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
                sectors=sectors.get(row.partner_id, []),
            ),
            thread_id=row.thread_id,
        )
        for row in rows
    ]


def introduced(session: Session, firm_a: int | None, firm_b: int) -> bool:
    """Whether EDB approved a proposal between the two firms (then contacts are shared)."""
    if firm_a is None or firm_a == firm_b:
        return False
    pair = or_(
        and_(Proposal.pk_firm_id == firm_a, Proposal.by_firm_id == firm_b),
        and_(Proposal.pk_firm_id == firm_b, Proposal.by_firm_id == firm_a),
    )
    found = session.scalar(select(Proposal.id).where(pair, Proposal.status == Status.APPROVED))
    return found is not None


def partner_ids(session: Session, firm_id: int | None) -> set[int]:
    """The firms EDB introduced to this one (an approved proposal between them)."""
    if firm_id is None:
        return set()
    return set(session.scalars(select(_other_firm_id(firm_id)).where(approved_for(firm_id))))


def threads_by_proposal(session: Session, proposal_ids: list[int]) -> dict[int, int]:
    if not proposal_ids:
        return {}
    rows = session.execute(
        select(Thread.proposal_id, Thread.id).where(Thread.proposal_id.in_(proposal_ids))
    )
    return dict(rows.all())


def respond(session: Session, user: User, proposal_id: int, response: str) -> Proposal:
    """Mark interest in, or decline, an introduction (each side answers for itself)."""
    firm_id = _own_firm_id(user)
    if response not in RESPONSES:
        raise ValidationFailed({"response": _("must be 'interested' or 'declined'")})
    proposal = session.get(Proposal, proposal_id)
    if proposal is None or proposal.status != Status.APPROVED or not proposal.involves(firm_id):
        raise NotFound(_("No such introduction."))
    if proposal.pk_firm_id == firm_id:
        proposal.pk_response = response
    else:
        proposal.by_response = response
    session.commit()
    return proposal


@dataclass
class ThreadSummary:
    thread: Thread
    partner: Firm
    unread: int
    last_message_at: object


def approved_for(firm_id):
    """SQL: the proposal is approved and one of its firms is this one (an introduction)."""
    return and_(
        Proposal.status == Status.APPROVED,
        or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
    )


def thread_list(session: Session, user: User) -> list[ThreadSummary]:
    firm_id = _own_firm_id(user)
    unread = _unread_subquery(firm_id)
    rows = session.execute(
        select(Thread, func.coalesce(unread.c.unread, 0))
        .join(Proposal, Thread.proposal_id == Proposal.id)
        .outerjoin(unread, unread.c.thread_id == Thread.id)
        .where(approved_for(firm_id))
        .options(
            joinedload(Thread.proposal).joinedload(Proposal.pk_firm),
            joinedload(Thread.proposal).joinedload(Proposal.by_firm),
        )
        .order_by(Thread.last_message_at.desc().nulls_last(), Thread.id.desc())
    ).all()
    return [
        ThreadSummary(t, t.proposal.partner_of(firm_id), int(n), t.last_message_at) for t, n in rows
    ]


def _unread_subquery(firm_id: int):
    """Per thread of the firm, the messages from the other firm after its last read one. The
    firm's threads come first (through its proposals' indexes), so the count touches only
    their messages, however many the platform holds."""
    read_upto = (
        select(ThreadRead.last_read_message_id)
        .where(ThreadRead.thread_id == Message.thread_id, ThreadRead.firm_id == firm_id)
        .scalar_subquery()
    )
    own_threads = (
        select(Thread.id)
        .join(Proposal, Thread.proposal_id == Proposal.id)
        .where(approved_for(firm_id))
    )
    return (
        select(Message.thread_id, func.count(Message.id).label("unread"))
        .where(
            Message.thread_id.in_(own_threads),
            Message.sender_firm_id != firm_id,
            Message.id > func.coalesce(read_upto, 0),
        )
        .group_by(Message.thread_id)
        .subquery()
    )


@cache
def _unread_total_statement():
    # Built once (building it cost more than running it); the firm is a bound parameter.
    unread = _unread_subquery(bindparam("firm_id"))
    return select(func.coalesce(func.sum(unread.c.unread), 0))


def unread_total(session: Session, user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        return 0
    total = session.scalar(_unread_total_statement(), {"firm_id": user.firm_id})
    return int(total or 0)


def get_thread(session: Session, user: User, thread_id: int) -> Thread:
    """The thread, if the user's firm is one of its two firms (anyone else: NotFound)."""
    firm_id = user.firm_id if user.is_firm_user else None
    thread = session.scalar(
        select(Thread)
        .join(Proposal, Thread.proposal_id == Proposal.id)
        .where(Thread.id == thread_id)
        .options(
            # Both firms' names: what the page shows (other columns load when used).
            joinedload(Thread.proposal).joinedload(Proposal.pk_firm).load_only(Firm.name),
            joinedload(Thread.proposal).joinedload(Proposal.by_firm).load_only(Firm.name),
        )
    )
    if (
        thread is None
        or firm_id is None
        or thread.proposal.status != Status.APPROVED
        or not thread.proposal.involves(firm_id)
    ):
        raise NotFound(_("No such conversation."))
    return thread


def messages_select(thread: Thread):
    """A thread's messages, oldest first."""
    return (
        select(Message)
        .where(Message.thread_id == thread.id)
        .options(selectinload(Message.sender_firm))
        .order_by(Message.id)
    )


@dataclass(frozen=True)
class ShownMessage:
    id: int
    sender_firm_id: int
    sender_name: str
    body: str
    created_at: datetime


def messages_of(session: Session, thread: Thread, limit: int = 200) -> list[ShownMessage]:
    """The newest `limit` messages, oldest first, with the sender's name (one of the thread's
    two firms, loaded with it)."""
    names = {firm.id: firm.name for firm in (thread.proposal.pk_firm, thread.proposal.by_firm)}
    rows = session.execute(
        select(Message.id, Message.sender_firm_id, Message.body, Message.created_at)
        .where(Message.thread_id == thread.id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return [
        ShownMessage(row.id, row.sender_firm_id, names.get(row.sender_firm_id, ""), *row[2:])
        for row in reversed(rows)
    ]


def mark_read(session: Session, thread: Thread, firm_id: int, newest: int) -> None:
    """The firm has read the thread up to `newest` (the last message it was shown; 0: none).
    Writes only when that moves the marker forward."""
    marker = session.get(ThreadRead, (thread.id, firm_id))
    if marker is None:
        session.add(ThreadRead(thread_id=thread.id, firm_id=firm_id, last_read_message_id=newest))
    elif marker.last_read_message_id < newest:
        marker.last_read_message_id = newest
    else:
        return
    session.commit()


def clean_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": _("Write a message first.")})
    if len(text) > MAX_BODY:
        raise ValidationFailed(
            {
                "body": _(
                    "At most %(max)s characters (this one has %(got)s).",
                    max=MAX_BODY,
                    got=len(text),
                )
            }
        )
    if _BAD_CHARS.search(text):
        raise ValidationFailed({"body": _("The message contains control characters.")})
    return text


def post_message(session: Session, user: User, thread_id: int, body: str | None) -> Message:
    thread = get_thread(session, user, thread_id)
    text = clean_body(body)
    firm_id = user.firm_id
    assert firm_id is not None
    message = Message(
        thread_id=thread.id, sender_firm_id=firm_id, sender_user_id=user.id, body=text
    )
    session.add(message)
    thread.last_message_at = utcnow()
    session.flush()
    marker = session.get(ThreadRead, (thread.id, firm_id))
    if marker is None:
        session.add(
            ThreadRead(thread_id=thread.id, firm_id=firm_id, last_read_message_id=message.id)
        )
    else:
        marker.last_read_message_id = max(marker.last_read_message_id, message.id)
    session.commit()
    partner = thread.proposal.partner_of(firm_id)
    notifications.new_message(partner, thread.proposal.partner_of(partner.id), thread.id)
    return message
