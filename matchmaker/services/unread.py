"""What a firm has not read: a counter per thread and firm, kept by posting and reading in
their transactions (migration perf01_counters), and the navigation's badge that sums them."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from matchmaker.models import Message, Proposal, Thread, ThreadRead, User
from matchmaker.services.introductions import approved_for
from matchmaker.services.reads import read

if TYPE_CHECKING:
    from matchmaker.services.messaging import ThreadPage


def unread_sum(firm_id) -> Select:
    """SQL: the firm's unread messages, the navigation's badge: the counters of the firm's
    markers (an index on the firm), of threads still introduced. `firm_id` a parameter or a
    column (the signed-in user's row reads it as a subquery, web/signed_in.py)."""
    return (
        select(func.coalesce(func.sum(ThreadRead.unread), 0))
        .join(Thread, Thread.id == ThreadRead.thread_id)
        .join(Proposal, Proposal.id == Thread.proposal_id)
        .where(ThreadRead.firm_id == firm_id, ThreadRead.unread > 0, approved_for(firm_id))
    )


@cache
def _unread_total_statement():
    # Built once (see services/firms.py for the figure); the firm is a bound parameter.
    return unread_sum(bindparam("firm_id"))


def unread_total(session: Session, user: User) -> int:
    if not user.is_firm_user or user.firm_id is None:
        return 0
    total = read(session, _unread_total_statement(), {"firm_id": user.firm_id}).scalar()
    return int(total or 0)


def mark_read(session: Session, thread: ThreadPage, firm_id: int, newest: int) -> bool:
    """The firm has read the thread up to `newest` (the last message it was shown; 0: none).
    Writes only when that moves the marker forward past where the page found it (a page view
    of a read thread opens no transaction); the UPDATE itself checks the marker again.
    Whether it moved (the firm's unread total may have changed)."""
    if thread.read_up_to >= newest:
        return False
    if advance(session, thread.id, firm_id, newest):
        session.commit()
        return True
    return False


def advance(session: Session, thread_id: int, firm_id: int, newest: int) -> bool:
    """Move the firm's marker forward to `newest`, its unread counter down by the other firm's
    messages it passes: one UPDATE, so two tabs reading at once, or a message posted meanwhile,
    leave the right figure (what it passes was committed before it was shown, and a later
    message is counted by its own post). Whether it moved."""
    passed = (
        select(func.count(Message.id))
        .where(
            Message.thread_id == thread_id,
            Message.sender_firm_id != firm_id,
            Message.id > ThreadRead.last_read_message_id,
            Message.id <= newest,
        )
        .scalar_subquery()
    )
    moved = session.execute(
        update(ThreadRead)
        .where(
            ThreadRead.thread_id == thread_id,
            ThreadRead.firm_id == firm_id,
            ThreadRead.last_read_message_id < newest,
        )
        .values(last_read_message_id=newest, unread=ThreadRead.unread - passed)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved or newest <= 0:
        return bool(moved)
    if session.get(ThreadRead, (thread_id, firm_id)) is not None:
        return False  # already read that far
    session.add(
        ThreadRead(
            thread_id=thread_id,
            firm_id=firm_id,
            last_read_message_id=newest,
            unread=_count_unread(session, thread_id, firm_id, newest),
        )
    )
    return True


def _count_unread(session: Session, thread_id: int, firm_id: int, read_upto: int) -> int:
    """Counted from the messages: for a marker that does not exist yet (data from before)."""
    return session.scalar(
        select(func.count(Message.id)).where(
            Message.thread_id == thread_id,
            Message.sender_firm_id != firm_id,
            Message.id > read_upto,
        )
    )


def count_new(session: Session, thread_id: int, firm_id: int) -> None:
    """One more message the firm has not read."""
    counted = session.execute(
        update(ThreadRead)
        .where(ThreadRead.thread_id == thread_id, ThreadRead.firm_id == firm_id)
        .values(unread=ThreadRead.unread + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not counted:
        session.add(
            ThreadRead(
                thread_id=thread_id,
                firm_id=firm_id,
                last_read_message_id=0,
                unread=_count_unread(session, thread_id, firm_id, 0),
            )
        )
