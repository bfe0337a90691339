from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, utcnow
from matchmaker.models.firm import Firm
from matchmaker.models.user import User


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class Proposal(Base):
    """One proposed partnership between a PK firm and a BY firm."""

    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("pk_firm_id", "by_firm_id", name="uq_proposals_pair"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pk_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    by_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # The engine's separate signals, kept so staff decisions can train the weights.
    signals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(
            ProposalStatus,
            name="proposal_status",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ProposalStatus.PROPOSED,
    )
    note: Mapped[str | None] = mapped_column(Text)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    # Each firm's answer to an approved introduction: "interested" or "declined".
    pk_response: Mapped[str | None] = mapped_column(String(16))
    by_response: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # A firm asked EDB for this introduction (services/requests.py): its side and its words.
    requested_by_firm_id: Mapped[int | None] = mapped_column(
        ForeignKey("firms.id", ondelete="SET NULL")
    )
    request_message: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    pk_firm: Mapped[Firm] = relationship(foreign_keys=[pk_firm_id])
    by_firm: Mapped[Firm] = relationship(foreign_keys=[by_firm_id])
    decided_by: Mapped[User | None] = relationship()

    def involves(self, firm_id: int | None) -> bool:
        return firm_id is not None and firm_id in (self.pk_firm_id, self.by_firm_id)

    def partner_of(self, firm_id: int) -> Firm:
        return self.by_firm if firm_id == self.pk_firm_id else self.pk_firm

    @property
    def requested_by(self) -> Firm | None:
        """The firm that asked EDB for this introduction, if one did."""
        if self.requested_by_firm_id is None:
            return None
        return self.pk_firm if self.requested_by_firm_id == self.pk_firm_id else self.by_firm

    @property
    def declined(self) -> bool:
        """One of the two firms declined the introduction: its conversation is closed."""
        return "declined" in (self.pk_response, self.by_response)


# The review queue and the API list: best score first, ties by id, within one status or all.
Index("ix_proposals_status_score", Proposal.status, Proposal.score.desc(), Proposal.id)
# The open queue: what a firm asked for first, then by score (services/proposals.py). Without
# it the queue sorted every open proposal on each view: 270 ms at 170,000 open proposals.
Index(
    "ix_proposals_queue",
    Proposal.status,
    Proposal.requested_by_firm_id.is_(None),
    Proposal.score.desc(),
    Proposal.id,
)
Index("ix_proposals_score", Proposal.score.desc(), Proposal.id)


class ProposalCount(Base):
    """How many proposals have each status: kept by database triggers on `proposals` (migration
    perf01_counters), so every writer (decisions, match runs, a firm's deletion cascading) keeps
    it in its own transaction, and the review queue and the API list read their totals from
    three rows instead of counting up to 10,001 proposals on every view. A migration that
    rebuilds `proposals` on SQLite (batch mode) must create the triggers again."""

    __tablename__ = "proposal_counts"

    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
