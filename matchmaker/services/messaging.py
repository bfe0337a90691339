"""Introductions and messages between the two firms of an approved proposal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matchmaker.errors import Forbidden, NotFound, ValidationFailed
from matchmaker.models import Firm, Message, Proposal, Thread, ThreadRead, User, utcnow
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import notifications

MAX_BODY = 5000
RESPONSES = ("interested", "declined")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _own_firm_id(user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        raise Forbidden(_("Only firm accounts with a profile have introductions and messages."))
    return user.firm_id


def introductions_select(firm_id: int):
    """The firm's approved proposals, best first, with both firms loaded."""
    return (
        select(Proposal)
        .where(
            Proposal.status == Status.APPROVED,
            or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
        )
        .options(
            joinedload(Proposal.pk_firm).selectinload(Firm.sector_links),
            joinedload(Proposal.by_firm).selectinload(Firm.sector_links),
        )
        .order_by(Proposal.score.desc(), Proposal.id)
    )


def introductions(session: Session, user: User) -> list[Proposal]:
    return list(session.scalars(introductions_select(_own_firm_id(user))))


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


def _thread_access(firm_id: int):
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
        .where(_thread_access(firm_id))
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
        .where(_thread_access(firm_id))
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


def unread_total(session: Session, user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        return 0
    unread = _unread_subquery(user.firm_id)
    total = session.scalar(select(func.coalesce(func.sum(unread.c.unread), 0)))
    return int(total or 0)


def get_thread(session: Session, user: User, thread_id: int) -> Thread:
    """The thread, if the user's firm is one of its two firms (anyone else: NotFound)."""
    firm_id = user.firm_id if user.is_firm_user else None
    thread = session.scalar(
        select(Thread)
        .join(Proposal, Thread.proposal_id == Proposal.id)
        .where(Thread.id == thread_id)
        .options(
            joinedload(Thread.proposal).joinedload(Proposal.pk_firm),
            joinedload(Thread.proposal).joinedload(Proposal.by_firm),
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


def messages_of(session: Session, thread: Thread, limit: int = 200) -> list[Message]:
    """The newest `limit` messages, oldest first."""
    rows = session.scalars(
        thread.messages.select()
        .options(selectinload(Message.sender_firm))
        .order_by(None)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return list(reversed(rows))


def mark_read(session: Session, thread: Thread, firm_id: int) -> None:
    newest = session.scalar(select(func.max(Message.id)).where(Message.thread_id == thread.id)) or 0
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
