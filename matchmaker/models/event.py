"""B2B meeting events (issue 19): an event, its days, its participants and their unavailable
slots, meeting requests, staff recommendations, the meetings of its schedule, and what came of
meetings and introductions (outcomes).

Slots are not stored: `matchmaker.scheduling.build_slots` derives them from the event's days,
hours, meeting length and breaks. A participant's unavailable slots are kept as the slots' UTC
start times, so that editing the event's hours keeps the marks that still apply.

A meeting carries two placements: the working one staff edit (`slot`, `table`) and the
published one firms see (`published_slot`, `published_table`); publishing copies the first to
the second and tells the firms what changed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, utcnow
from matchmaker.models.firm import Firm


class EventStatus(StrEnum):
    DRAFT = "draft"  # staff only
    OPEN = "open"  # firms see it and register
    CLOSED = "closed"  # registration and requests closed; the agenda stays


class ParticipantStatus(StrEnum):
    INVITED = "invited"  # staff invited the firm; it has not registered yet
    REGISTERED = "registered"


class RequestStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class NextStep(StrEnum):
    """What came of a meeting or an introduction, in the funnel's order."""

    NONE = "none"
    FOLLOW_UP = "follow_up"
    NDA = "nda"
    MOU = "mou"
    AGREEMENT = "agreement"  # joint-venture or licence agreement
    ORDER = "order"  # order or contract


def _in(column: str, enum: type[StrEnum]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{m.value}'" for m in enum))


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("status", EventStatus), name="status"),
        CheckConstraint("delegation_country IN ('PK', 'BY')", name="delegation_country"),
        CheckConstraint("meeting_minutes > 0 AND gap_minutes >= 0", name="minutes"),
        CheckConstraint("tables >= 0 AND online_places >= 0", name="places"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    venue: Mapped[str | None] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    day_start: Mapped[str] = mapped_column(String(5))  # "09:00", wall clock in time_zone
    day_end: Mapped[str] = mapped_column(String(5))
    meeting_minutes: Mapped[int] = mapped_column(Integer)
    gap_minutes: Mapped[int] = mapped_column(Integer, default=0)
    breaks: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # [["13:00", "14:00"]]
    tables: Mapped[int] = mapped_column(Integer)
    online_places: Mapped[int] = mapped_column(Integer, default=0)
    video_base_url: Mapped[str | None] = mapped_column(String(300))
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    request_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The invited delegation's country; the other country's firms are the hosts.
    delegation_country: Mapped[str] = mapped_column(String(2))
    hosts_open: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    days: Mapped[list[EventDay]] = relationship(
        cascade="all, delete-orphan", order_by="EventDay.day", lazy="selectin"
    )

    @property
    def host_country(self) -> str:
        return "BY" if self.delegation_country == "PK" else "PK"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class EventDay(Base):
    __tablename__ = "event_days"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)


class EventParticipant(Base):
    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "firm_id", name="uq_event_participants_firm"),
        CheckConstraint(_in("status", ParticipantStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    # UTC ISO start times of the slots the firm cannot attend.
    unavailable: Mapped[list[str]] = mapped_column(JSON, default=list)
    online_only: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    firm: Mapped[Firm] = relationship()


class MeetingRequest(Base):
    __tablename__ = "meeting_requests"
    __table_args__ = (
        UniqueConstraint("event_id", "requester_id", "recipient_id", name="uq_meeting_requests"),
        CheckConstraint(_in("status", RequestStatus), name="status"),
        CheckConstraint("requester_id <> recipient_id", name="two_firms"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    requester_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("firms.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING.value)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    requester: Mapped[Firm] = relationship(foreign_keys=[requester_id])
    recipient: Mapped[Firm] = relationship(foreign_keys=[recipient_id])


class MeetingKindValue(StrEnum):
    """The same values as matchmaker.scheduling.MeetingKind (models import no scheduler)."""

    MUTUAL = "mutual"
    ONE_SIDED = "one_sided"
    RECOMMENDED = "recommended"


class Meeting(Base):
    """One meeting of an event's schedule between its PK firm and its BY firm."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("event_id", "pk_firm_id", "by_firm_id", name="uq_meetings_pair"),
        CheckConstraint(_in("kind", MeetingKindValue), name="kind"),
        CheckConstraint("strength >= 0 AND strength <= 1", name="strength"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    pk_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    by_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    strength: Mapped[float] = mapped_column(Float, default=0.0)
    # Set when staff added it from a proposal (a recommended meeting).
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    slot: Mapped[int | None] = mapped_column(Integer)  # None: not placed
    table: Mapped[int | None] = mapped_column(Integer)  # None with a slot: online
    published_slot: Mapped[int | None] = mapped_column(Integer)
    published_table: Mapped[int | None] = mapped_column(Integer)
    video_link: Mapped[str | None] = mapped_column(String(400))
    # Why the last scheduling run left it out (scheduling.UnscheduledReason), if it did.
    unscheduled_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    pk_firm: Mapped[Firm] = relationship(foreign_keys=[pk_firm_id])
    by_firm: Mapped[Firm] = relationship(foreign_keys=[by_firm_id])

    def involves(self, firm_id: int | None) -> bool:
        return firm_id is not None and firm_id in (self.pk_firm_id, self.by_firm_id)


class Outcome(Base):
    """What one firm says came of one meeting or one introduction (its own record)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("firm_id", "meeting_id", name="uq_outcomes_meeting"),
        UniqueConstraint("firm_id", "proposal_id", name="uq_outcomes_proposal"),
        CheckConstraint(_in("next_step", NextStep), name="next_step"),
        CheckConstraint("value IS NULL OR value >= 0", name="value"),
        CheckConstraint("meeting_id IS NOT NULL OR proposal_id IS NOT NULL", name="subject"),
        # The funnel joins outcomes to proposals by their pair of firms.
        Index("ix_outcomes_pair", "pk_firm_id", "by_firm_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    pk_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    by_firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    held: Mapped[bool] = mapped_column(Boolean)
    next_step: Mapped[str] = mapped_column(String(16), default=NextStep.NONE.value)
    value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
