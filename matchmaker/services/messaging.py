"""The conversations between the two firms of an introduction: the inbox, a thread's page and
its messages, and writing one (what each firm has not read: services/unread.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, and_, bindparam, func, or_, select, true
from sqlalchemy.orm import Session, aliased, joinedload

from matchmaker.models import Attachment, Firm, Message, Proposal, Thread, ThreadRead, User, utcnow
from matchmaker.services import notifications, unread
from matchmaker.services.errors import InvalidTransition, NotFound, ValidationFailed
from matchmaker.services.introductions import (
    CLOSED,
    OPEN,
    WITHDRAWN,
    involves,
    other_firm_id,
    require_firm,
    state_of,
    state_sql,
    thread_state,
)
from matchmaker.services.pages import Page, paginate
from matchmaker.services.reads import read
from matchmaker.services.rows import FirmBrief, MessageRow, ThreadRow

MAX_BODY = 5000
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def thread_list(session: Session, user: User) -> list[ThreadRow]:
    """The firm's conversations, open ones first, then latest first, with their unread counts
    and the first line of their last message: one query. A conversation EDB withdrew or a
    firm declined stays listed (read-only)."""
    firm_id = require_firm(user)
    partner = aliased(Firm, name="partner")
    state = state_sql()
    last_body = (
        select(Message.body)
        .where(Message.thread_id == Thread.id)
        .order_by(Message.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Thread.id,
            Thread.proposal_id,
            Thread.last_message_at,
            func.coalesce(ThreadRead.unread, 0).label("unread"),
            state.label("state"),
            last_body.label("last_body"),
            *_brief_columns(partner),
        )
        .join(Proposal, Thread.proposal_id == Proposal.id)
        .join(partner, partner.id == other_firm_id(firm_id))
        .outerjoin(
            ThreadRead, and_(ThreadRead.thread_id == Thread.id, ThreadRead.firm_id == firm_id)
        )
        .where(involves(firm_id))
        .order_by(state != OPEN, Thread.last_message_at.desc().nulls_last(), Thread.id.desc())
    ).all()
    return [
        ThreadRow(
            row.id,
            row.proposal_id,
            _brief(row),
            int(row.unread),
            row.last_message_at,
            state=row.state,
            last_line=first_line(row.last_body),
        )
        for row in rows
    ]


def first_line(body: str | None, limit: int = 120) -> str | None:
    """A message's first non-empty line, cut at `limit` characters (the inbox's preview)."""
    for line in (body or "").splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return None


def _brief_columns(firm) -> tuple:
    return (
        firm.id.label("firm_id"),
        firm.ref.label("firm_ref"),
        firm.name.label("firm_name"),
        firm.country.label("firm_country"),
    )


def _brief(row: Row) -> FirmBrief:
    return FirmBrief(row.firm_id, row.firm_ref, row.firm_name, row.firm_country)


def threads_by_proposal(session: Session, proposal_ids: list[int]) -> dict[int, int]:
    if not proposal_ids:
        return {}
    rows = session.execute(
        select(Thread.proposal_id, Thread.id).where(Thread.proposal_id.in_(proposal_ids))
    )
    return dict(rows.all())


def get_thread(session: Session, user: User, thread_id: int) -> Thread:
    """The thread, if the user's firm is one of its two firms (anyone else: NotFound), in any
    state: a withdrawn or closed conversation stays readable (`thread_state`)."""
    firm_id = user.firm_id if user.is_firm_user else None
    # The proposal with what decides who reads and writes, both firms in brief: what pages
    # show (other columns load when used; the reasons and signals, JSON, are never needed).
    proposal = joinedload(Thread.proposal).load_only(*THREAD_PROPOSAL)
    thread = session.scalar(
        select(Thread)
        .where(Thread.id == thread_id)
        .options(
            proposal.joinedload(Proposal.pk_firm).load_only(*BRIEF),
            proposal.joinedload(Proposal.by_firm).load_only(*BRIEF),
        )
    )
    if thread is None or firm_id is None or not thread.proposal.involves(firm_id):
        raise NotFound(_("No such conversation."))
    return thread


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """What the thread page shows of a conversation, for the viewer's firm: read as one row
    (no ORM entities), with how far that firm had read it."""

    id: int
    state: str  # open, closed or withdrawn (`thread_state`)
    firms: dict[int, FirmBrief]  # both firms, by id: the senders of its messages
    partner: FirmBrief
    declined_by_me: bool
    read_up_to: int  # the viewer's marker (0: none yet)


@cache
def _thread_page_statement():
    # Built once (see services/firms.py for the figure); the thread, the viewer's firm and the
    # number of messages are bound parameters.
    pk, by = aliased(Firm, name="pk"), aliased(Firm, name="by")
    stmt = (
        select(
            Thread.id,
            Proposal.status,
            Proposal.pk_response,
            Proposal.by_response,
            *(c.label(f"pk_{c.key}") for c in (pk.id, pk.ref, pk.name, pk.country)),
            *(c.label(f"by_{c.key}") for c in (by.id, by.ref, by.name, by.country)),
            ThreadRead.last_read_message_id.label("read_up_to"),
        )
        .join(Proposal, Proposal.id == Thread.proposal_id)
        .join(pk, pk.id == Proposal.pk_firm_id)
        .join(by, by.id == Proposal.by_firm_id)
        .outerjoin(
            ThreadRead,
            and_(ThreadRead.thread_id == Thread.id, ThreadRead.firm_id == bindparam("firm_id")),
        )
        .where(Thread.id == bindparam("thread_id"))
    )
    latest = _latest_statement().subquery("latest")
    return (
        stmt.add_columns(*(c.label(f"message_{c.key}") for c in latest.c))
        .where(or_(pk.id == bindparam("firm_id"), by.id == bindparam("firm_id")))
        .outerjoin(latest, true())
        .order_by(latest.c.id.desc())
    )


def thread_and_latest(
    session: Session, user: User, thread_id: int, limit: int = 200
) -> tuple[ThreadPage, list[MessageRow]]:
    """The conversation as its page shows it, if the user's firm is one of its two firms
    (anyone else: NotFound), and its newest `limit` messages, oldest first, each with who of
    its firm wrote it and whether it has files. One statement, built once: the thread's row
    joined to its newest messages, one row each (the thread's columns repeated). Loading the
    thread, its proposal and both firms as entities and then the reader's marker made the
    thread page 18.50 M instructions per request, one query 15.05 (benchmarks/instructions.py
    --requests 10 "thread page"); the messages in that query too, one round trip fewer:
    benchmarks/pages.py's thread page, interleaved with the two statements in one run, 4.10 ->
    3.57 ms CPU per request (median of 30 rounds, in a slow hour of the machine)."""
    firm_id = user.firm_id if user.is_firm_user else None
    params = {"thread_id": thread_id, "firm_id": firm_id, "limit": limit}
    rows = read(session, _thread_page_statement(), params).all()
    thread = _thread_of(rows[0] if rows else None, firm_id)
    messages = [
        MessageRow(
            row.message_id,
            thread.id,
            thread.firms[row.message_sender_firm_id],
            row.message_body,
            row.message_created_at,
            author=row.message_author,
            has_files=bool(row.message_has_files),
        )
        for row in reversed(rows)
        if row.message_id is not None
    ]
    return thread, messages


def _thread_of(row: Row[Any] | None, firm_id: int | None) -> ThreadPage:
    if row is None or firm_id is None or firm_id not in (row.pk_id, row.by_id):
        raise NotFound(_("No such conversation."))
    a = FirmBrief(row.pk_id, row.pk_ref, row.pk_name, row.pk_country)
    b = FirmBrief(row.by_id, row.by_ref, row.by_name, row.by_country)
    mine_is_pk = firm_id == a.id
    return ThreadPage(
        id=row.id,
        state=state_of(row.status, "declined" in (row.pk_response, row.by_response)),
        firms={a.id: a, b.id: b},
        partner=b if mine_is_pk else a,
        declined_by_me=(row.pk_response if mine_is_pk else row.by_response) == "declined",
        read_up_to=row.read_up_to or 0,
    )


BRIEF = (Firm.ref, Firm.name, Firm.country)
THREAD_PROPOSAL = (
    Proposal.pk_firm_id,
    Proposal.by_firm_id,
    Proposal.status,
    Proposal.pk_response,
    Proposal.by_response,
)


def _firms_of(thread: Thread) -> dict[int, FirmBrief]:
    """The thread's two firms in brief (loaded with it): the senders of its messages."""
    return {
        firm.id: FirmBrief(firm.id, firm.ref, firm.name, firm.country)
        for firm in (thread.proposal.pk_firm, thread.proposal.by_firm)
    }


def _messages_select(thread: Thread):
    return select(
        Message.id, Message.thread_id, Message.sender_firm_id, Message.body, Message.created_at
    ).where(Message.thread_id == thread.id)


def _message_rows(thread: Thread, rows) -> list[MessageRow]:
    senders = _firms_of(thread)
    return [
        MessageRow(row.id, row.thread_id, senders[row.sender_firm_id], row.body, row.created_at)
        for row in rows
    ]


def messages_page(
    session: Session, user: User, thread_id: int, *, page: int, per_page: int
) -> Page[MessageRow]:
    """A page of a thread's messages, oldest first (the API)."""
    require_firm(user)
    thread = get_thread(session, user, thread_id)
    return paginate(
        session,
        _messages_select(thread).order_by(Message.id),
        lambda rows: _message_rows(thread, rows),
        page=page,
        per_page=per_page,
    )


@cache
def _latest_statement():
    # The thread's newest messages (in `_thread_page_statement`): the thread and the limit
    # are bound.
    has_files = select(Attachment.id).where(Attachment.message_id == Message.id).exists()
    return (
        select(
            Message.id,
            Message.sender_firm_id,
            Message.body,
            Message.created_at,
            User.email.label("author"),
            has_files.label("has_files"),
        )
        .outerjoin(User, User.id == Message.sender_user_id)
        .where(Message.thread_id == bindparam("thread_id"))
        .order_by(Message.id.desc())
        .limit(bindparam("limit"))
    )


def clean_body(body: str | None) -> str:
    if not (body or "").strip():
        raise ValidationFailed({"body": _("Write a message first.")})
    return checked_text(body, "body", MAX_BODY)


def checked_text(text: str | None, field: str, limit: int) -> str:
    """A firm's text for `field`, stripped: at most `limit` characters, no control characters
    (else ValidationFailed naming the field)."""
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationFailed(
            {
                field: _(
                    "At most %(max)s characters (this one has %(got)s).", max=limit, got=len(text)
                )
            }
        )
    if _BAD_CHARS.search(text):
        raise ValidationFailed({field: _("The message contains control characters.")})
    return text


def post_message(session: Session, user: User, thread_id: int, body: str | None) -> MessageRow:
    """Write to the partner firm (who gets an e-mail). Commits."""
    firm_id = require_firm(user)
    thread = get_thread(session, user, thread_id)
    if thread_state(thread.proposal) == WITHDRAWN:
        raise InvalidTransition(
            _("EDB has withdrawn this introduction: the conversation is read-only.")
        )
    if thread_state(thread.proposal) == CLOSED:
        raise InvalidTransition(_("This introduction was declined; its conversation is closed."))
    text = clean_body(body)
    message = Message(
        thread_id=thread.id, sender_firm_id=firm_id, sender_user_id=user.id, body=text
    )
    session.add(message)
    thread.last_message_at = utcnow()
    session.flush()
    partner = thread.proposal.partner_of(firm_id)
    # The writer has read the thread up to its own message, the partner has one more to read:
    # both markers in the message's transaction, in the order of the firms' ids (two firms
    # writing at once lock them in the same order: no deadlock).
    for marker_firm in sorted((firm_id, partner.id)):
        if marker_firm == firm_id:
            unread.advance(session, thread.id, firm_id, message.id)
        else:
            unread.count_new(session, thread.id, partner.id)
    session.commit()
    notifications.new_message(partner, thread.proposal.partner_of(partner.id), thread.id)
    return _message_rows(thread, [message])[0]
