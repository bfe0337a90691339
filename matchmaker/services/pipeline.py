"""A firm's home page: where its partners stand, from the engine's proposals to conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from matchmaker.models import Proposal, User
from matchmaker.models import ProposalStatus as Status
from matchmaker.services import introductions, messaging, requests
from matchmaker.services.rows import Introduction, ThreadRow


@dataclass(frozen=True)
class Pipeline:
    """What the firm's home page shows. EDB's notes are never part of it."""

    awaiting: int  # proposals of the firm EDB has not decided yet
    awaiting_since: datetime | None  # the oldest of them
    introductions: list[Introduction]
    threads: list[ThreadRow]
    unread: int
    requests: list[requests.RequestRow]

    @property
    def open_introductions(self) -> list[Introduction]:
        return [i for i in self.introductions if not i.closed]


def pipeline(session: Session, user: User) -> Pipeline:
    """The firm's pipeline in a fixed number of queries."""
    firm_id = introductions.require_firm(user)
    awaiting, since = session.execute(
        select(func.count(Proposal.id), func.min(Proposal.created_at)).where(
            Proposal.status == Status.PROPOSED,
            or_(Proposal.pk_firm_id == firm_id, Proposal.by_firm_id == firm_id),
        )
    ).one()
    threads = messaging.thread_list(session, user)
    return Pipeline(
        awaiting=int(awaiting or 0),
        awaiting_since=since,
        introductions=introductions.introductions(session, user),
        threads=threads,
        unread=sum(t.unread for t in threads),
        requests=requests.own_requests(session, user),
    )
