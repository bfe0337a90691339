"""An event's schedule: staff run the scheduler (matchmaker.scheduling) over its accepted
meetings, look at the grid, move or cancel a meeting (the constraints checked), and publish.

Firms see only the published placement (`Meeting.published_slot/table`). Publishing copies the
working placement there and tells each firm what changed for it; the first publishing sends
every firm its agenda. Once published, a move or a cancellation is published at once (its two
firms are told); a new run places the remaining meetings around the published ones, which
stay where they are, and those go out at the next publishing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from matchmaker.models import (
    Event,
    EventParticipant,
    Meeting,
    ParticipantStatus,
    User,
    utcnow,
)
from matchmaker.scheduling import (
    Assignment,
    Candidate,
    LockedConflictError,
    MeetingKind,
    Participant,
    Problem,
    Slot,
    Stage,
    ViolationKind,
    cancel_meeting,
    diff_schedules,
    move_meeting,
    solve,
)
from matchmaker.services import event_mail
from matchmaker.services.errors import InvalidTransition, NotFound, ValidationFailed
from matchmaker.services.events import get_event, require_staff, slots_of, unavailable_indices
from matchmaker.services.reference import N_

log = logging.getLogger(__name__)
Progress = Callable[[str, int], None]  # (stage, percent)


@dataclass
class EventProblem:
    """The scheduler's view of one event, and the rows it came from."""

    event: Event
    slots: tuple[Slot, ...]
    problem: Problem
    meetings: dict[int, Meeting]  # the candidates, by id

    def working(self) -> tuple[Assignment, ...]:
        return tuple(
            Assignment(m.id, m.slot, m.table) for m in self.meetings.values() if m.slot is not None
        )

    def published(self) -> tuple[Assignment, ...]:
        return tuple(
            Assignment(m.id, m.published_slot, m.published_table)
            for m in self.meetings.values()
            if m.published_slot is not None
        )


def load_problem(session: Session, event: Event) -> EventProblem:
    """The event's registered firms and its meetings between them that are not cancelled."""
    slots = slots_of(event)
    registered = session.scalars(
        select(EventParticipant).where(
            EventParticipant.event_id == event.id,
            EventParticipant.status == ParticipantStatus.REGISTERED,
        )
    ).all()
    firms = {p.firm_id: p for p in registered}
    meetings = {
        m.id: m
        for m in session.scalars(
            select(Meeting)
            .options(joinedload(Meeting.pk_firm), joinedload(Meeting.by_firm))
            .where(Meeting.event_id == event.id, Meeting.cancelled.is_(False))
            .order_by(Meeting.id)
        )
        if m.pk_firm_id in firms and m.by_firm_id in firms
    }
    problem = Problem(
        slot_count=len(slots),
        tables=event.tables,
        online_capacity=event.online_places,
        max_meetings=event.max_meetings,
        participants=tuple(
            Participant(f, frozenset(unavailable_indices(p, slots)), online_only=p.online_only)
            for f, p in sorted(firms.items())
        ),
        candidates=tuple(
            Candidate(m.id, m.pk_firm_id, m.by_firm_id, MeetingKind(m.kind), m.strength)
            for m in meetings.values()
        ),
    )
    return EventProblem(event, slots, problem, meetings)


@dataclass
class RunSummary:
    scheduled: int
    candidates: int
    objective: float
    lp_bound: float | None
    seconds: float
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def percent_of_bound(self) -> float | None:
        if not self.lp_bound:
            return None
        return 100.0 * self.objective / self.lp_bound


def run_schedule(
    session: Session, user: User, event_id: int, progress: Progress | None = None
) -> RunSummary:
    """Place the event's meetings; once published, the published ones stay where they are."""
    require_staff(user)
    event = get_event(session, user, event_id)
    loaded = load_problem(session, event)
    problem = loaded.problem
    if event.is_published:
        problem = problem.with_locked(loaded.published())

    def report(stage: Stage, fraction: float) -> None:
        if progress is not None:
            progress(stage.value, round(100 * fraction))

    try:
        schedule = solve(problem, time_limit=60.0, progress=report)
    except LockedConflictError as error:
        raise InvalidTransition(
            _("The published meetings conflict (%(why)s): move one first.", why=error)
        ) from error
    placed = {a.meeting: a for a in schedule.assignments}
    why = {u.meeting: u.reason.value for u in schedule.unscheduled}
    for key, meeting in loaded.meetings.items():
        a = placed.get(key)
        meeting.slot = a.slot if a else None
        meeting.table = a.table if a else None
        meeting.unscheduled_reason = why.get(key)
        _give_video_link(event, meeting)
    event.scheduled_at = utcnow()
    session.commit()
    reasons: dict[str, int] = {}
    for u in schedule.unscheduled:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    summary = RunSummary(
        schedule.scheduled,
        len(problem.candidates),
        schedule.objective,
        schedule.lp_bound,
        schedule.wall_seconds,
        reasons,
    )
    log.info("event %s scheduled: %s of %s", event.id, summary.scheduled, summary.candidates)
    return summary


def _give_video_link(event: Event, meeting: Meeting) -> None:
    """An online meeting gets a room of its own (once: the link stays when it moves)."""
    if meeting.slot is not None and meeting.table is None and not meeting.video_link:
        base = (event.video_base_url or "").rstrip("/")
        meeting.video_link = f"{base}/mm-{event.id}-{meeting.id}-{secrets.token_hex(4)}"


VIOLATION_TEXT = {
    ViolationKind.FIRM_UNAVAILABLE: N_("a firm of this meeting is not available then"),
    ViolationKind.FIRM_DOUBLE_BOOKED: N_("a firm of this meeting has another meeting then"),
    ViolationKind.TABLE_DOUBLE_BOOKED: N_("that table is taken then"),
    ViolationKind.ONLINE_OVER_CAPACITY: N_("every online place is taken then"),
    ViolationKind.SLOT_OVER_CAPACITY: N_("that slot is full"),
    ViolationKind.FIRM_OVER_LIMIT: N_("a firm would have more meetings than the event allows"),
    ViolationKind.REMOTE_AT_TABLE: N_("a firm attends remotely: the meeting must be online"),
    ViolationKind.UNKNOWN_TABLE: N_("there is no such table"),
    ViolationKind.UNKNOWN_SLOT: N_("there is no such slot"),
}


def _meeting(session: Session, user: User, meeting_id: int) -> tuple[EventProblem, Meeting]:
    require_staff(user)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.cancelled:
        raise NotFound(_("No such meeting."))
    loaded = load_problem(session, get_event(session, user, meeting.event_id))
    if meeting.id not in loaded.meetings:
        raise NotFound(_("No such meeting."))
    return loaded, meeting


def event_of_meeting(session: Session, meeting_id: int) -> int:
    event_id = session.scalar(select(Meeting.event_id).where(Meeting.id == meeting_id))
    if event_id is None:
        raise NotFound(_("No such meeting."))
    return event_id


def move(session: Session, user: User, meeting_id: int, slot: int, table: int | None) -> Meeting:
    """Move a meeting to (slot, table; None: online), refused with what it would break."""
    loaded, meeting = _meeting(session, user, meeting_id)
    result = move_meeting(loaded.problem, loaded.working(), meeting.id, slot, table)
    if not result.applied:
        texts = sorted({_(VIOLATION_TEXT.get(v.kind, v.message)) for v in result.violations})
        raise ValidationFailed({"slot": "; ".join(texts)})
    meeting.slot, meeting.table, meeting.unscheduled_reason = slot, table, None
    _give_video_link(loaded.event, meeting)
    session.flush()
    if loaded.event.is_published:
        _publish(session, loaded)
    session.commit()
    return meeting


def cancel(session: Session, user: User, meeting_id: int) -> Meeting:
    loaded, meeting = _meeting(session, user, meeting_id)
    if meeting.slot is not None:
        cancel_meeting(loaded.working(), meeting.id)
    meeting.cancelled = True
    meeting.slot = meeting.table = None
    session.flush()
    if loaded.event.is_published:
        _publish(session, loaded)
    session.commit()
    return meeting


def publish(session: Session, user: User, event_id: int) -> int:
    """Publish the working schedule; how many firms were told (their agenda or its changes)."""
    require_staff(user)
    event = get_event(session, user, event_id)
    if event.scheduled_at is None:
        raise InvalidTransition(_("Run the scheduler before publishing."))
    told = _publish(session, load_problem(session, event))
    session.commit()
    return told


def _publish(session: Session, loaded: EventProblem) -> int:
    """Copy the working placement to the published one and tell the firms concerned."""
    event = loaded.event
    everything = {
        m.id: m for m in session.scalars(select(Meeting).where(Meeting.event_id == event.id))
    }
    old = [
        Assignment(m.id, m.published_slot, m.published_table)
        for m in everything.values()
        if m.published_slot is not None
    ]
    new = [
        Assignment(m.id, m.slot, m.table)
        for m in everything.values()
        if m.slot is not None and not m.cancelled
    ]
    firms_of = {m.id: (m.pk_firm_id, m.by_firm_id) for m in everything.values()}
    changes = diff_schedules(old, new, firms_of)
    first = not event.is_published
    for m in everything.values():
        live = m.slot is not None and not m.cancelled
        m.published_slot = m.slot if live else None
        m.published_table = m.table if live else None
    if first:
        event.published_at = utcnow()
        firm_ids = sorted({f for a in new for f in firms_of[a.meeting]})
    else:
        firm_ids = sorted(changes.by_firm())
    session.flush()
    told = event_mail.tell_firms(session, event, loaded.slots, firm_ids, first=first)
    log.info("event %s published: %s changes, %s firms told", event.id, len(changes.changes), told)
    return told


@dataclass(frozen=True, slots=True)
class Cell:
    meeting_id: int
    pk_name: str
    by_name: str
    kind: str
    video_link: str | None


@dataclass
class Grid:
    """The staff view: each slot's row of tables (and online meetings), and what stayed out."""

    slots: tuple[Slot, ...]
    tables: int
    rows: list[tuple[Slot, list[Cell | None], list[Cell]]]
    unscheduled: list[tuple[Cell, str | None]]
    candidates: int


def grid(session: Session, user: User, event_id: int) -> Grid:
    require_staff(user)
    event = get_event(session, user, event_id)
    loaded = load_problem(session, event)
    table_rows = {s.index: [None] * event.tables for s in loaded.slots}
    online: dict[int, list[Cell]] = {s.index: [] for s in loaded.slots}
    out: list[tuple[Cell, str | None]] = []
    for m in loaded.meetings.values():
        cell = Cell(m.id, m.pk_firm.name, m.by_firm.name, m.kind, m.video_link)
        if m.slot is None or m.slot not in table_rows:
            out.append((cell, m.unscheduled_reason))
        elif m.table is None:
            online[m.slot].append(cell)
        elif 1 <= m.table <= event.tables:
            table_rows[m.slot][m.table - 1] = cell
    rows = [(s, table_rows[s.index], online[s.index]) for s in loaded.slots]
    return Grid(loaded.slots, event.tables, rows, out, len(loaded.meetings))
