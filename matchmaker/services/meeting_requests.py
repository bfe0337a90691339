"""Meeting requests at an event: a registered firm asks a registered firm of the other country
for a meeting, the other accepts or declines; staff add recommended meetings from the best
proposals. Every accepted request (or recommendation) is one `Meeting` of the event: the
scheduler's candidates. Its kind follows the requests: both firms asked (mutual), one asked and
the other accepted (one-sided), staff recommended it (recommended, weighed by the proposal's
score)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from matchmaker.models import (
    Event,
    EventParticipant,
    Firm,
    Meeting,
    MeetingKindValue,
    MeetingRequest,
    ParticipantStatus,
    Proposal,
    ProposalStatus,
    RequestStatus,
    User,
    utcnow,
)
from matchmaker.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from matchmaker.services.events import get_event, requests_open, require_participant, require_staff
from matchmaker.services.firm_lists import list_fields

MAX_NOTE = 1000


@dataclass(frozen=True, slots=True)
class Counterpart:
    """A registered firm of the other country, as a firm's event page lists it."""

    firm_id: int
    name: str
    city: str | None
    sectors: list[str]
    score: float | None  # the proposal's, when the engine proposed the pair
    reasons: list
    introduced: bool  # EDB approved the proposal
    mine: str | None  # my request's status
    theirs: str | None  # their request's status, and its id to answer
    theirs_id: int | None


def pair_of(a: Firm, b: Firm) -> tuple[int, int]:
    """(PK firm id, BY firm id) of two firms of different countries."""
    return (a.id, b.id) if a.country == "PK" else (b.id, a.id)


def counterparts(session: Session, user: User, event_id: int) -> list[Counterpart]:
    """The registered firms of the other country: introductions first, then by match score.
    Four queries, whatever the number of firms."""
    event = get_event(session, user, event_id)
    me = require_participant(session, user, event)
    firm = me.firm
    others = session.execute(
        select(Firm.id, Firm.name, Firm.city)
        .join(EventParticipant, EventParticipant.firm_id == Firm.id)
        .where(
            EventParticipant.event_id == event.id,
            EventParticipant.status == ParticipantStatus.REGISTERED,
            Firm.country != firm.country,
        )
    ).all()
    ids = [row.id for row in others]
    mine_is_pk = firm.country == "PK"
    own, their = (Proposal.pk_firm_id, Proposal.by_firm_id)[:: 1 if mine_is_pk else -1]
    proposals = {
        row[0]: row
        for row in session.execute(
            select(their, Proposal.score, Proposal.reasons, Proposal.status).where(
                own == firm.id, their.in_(ids)
            )
        )
    }
    asked: dict[int, str] = {}
    answered: dict[int, tuple[str, int]] = {}
    for r in session.execute(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            or_(MeetingRequest.requester_id == firm.id, MeetingRequest.recipient_id == firm.id),
        )
    ).scalars():
        if r.requester_id == firm.id:
            asked[r.recipient_id] = r.status
        else:
            answered[r.requester_id] = (r.status, r.id)
    lists = list_fields(session, ids)
    rows = []
    for row in others:
        proposal = proposals.get(row.id)
        theirs = answered.get(row.id)
        rows.append(
            Counterpart(
                firm_id=row.id,
                name=row.name,
                city=row.city,
                sectors=lists.get(row.id, {}).get("sectors", []),
                score=proposal.score if proposal else None,
                reasons=proposal.reasons if proposal else [],
                introduced=bool(proposal and proposal.status == ProposalStatus.APPROVED),
                mine=asked.get(row.id),
                theirs=theirs[0] if theirs else None,
                theirs_id=theirs[1] if theirs else None,
            )
        )
    rows.sort(key=lambda c: (not c.introduced, -(c.score or 0.0), c.name, c.firm_id))
    return rows


def _registered_firm(session: Session, event: Event, firm_id: int) -> Firm:
    participant = session.scalar(
        select(EventParticipant).where(
            EventParticipant.event_id == event.id,
            EventParticipant.firm_id == firm_id,
            EventParticipant.status == ParticipantStatus.REGISTERED,
        )
    )
    if participant is None:
        raise NotFound(_("That firm is not registered for this event."))
    return participant.firm


def request_meeting(
    session: Session, user: User, event_id: int, recipient_id: int, note: str | None = None
) -> MeetingRequest:
    event = get_event(session, user, event_id)
    me = require_participant(session, user, event)
    if not requests_open(event):
        raise InvalidTransition(_("Meeting requests for this event are closed."))
    other = _registered_firm(session, event, recipient_id)
    if other.country == me.firm.country:
        raise Forbidden(_("Meetings are between firms of Pakistan and Belarus."))
    if note and len(note) > MAX_NOTE:
        raise ValidationFailed({"note": _("At most %(num)s characters.", num=MAX_NOTE)})
    existing = _request(session, event.id, me.firm_id, other.id)
    if existing is not None:
        return existing
    request = MeetingRequest(
        event_id=event.id, requester_id=me.firm_id, recipient_id=other.id, note=note or None
    )
    session.add(request)
    reverse = _request(session, event.id, other.id, me.firm_id)
    if reverse is not None and reverse.status != RequestStatus.DECLINED:
        # They asked too: both want it, so both requests stand accepted.
        now = utcnow()
        for r in (request, reverse):
            r.status, r.answered_at = RequestStatus.ACCEPTED.value, now
        _meeting_for(session, event, me.firm, other)
    session.commit()
    return request


def _request(session: Session, event_id: int, a: int, b: int) -> MeetingRequest | None:
    return session.scalar(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.requester_id == a,
            MeetingRequest.recipient_id == b,
        )
    )


def answer(session: Session, user: User, request_id: int, accept: bool) -> MeetingRequest:
    """The recipient accepts or declines a pending request (404 for anyone else's)."""
    request = session.get(MeetingRequest, request_id)
    if request is None or user.firm_id is None or request.recipient_id != user.firm_id:
        raise NotFound(_("No such meeting request."))
    event = get_event(session, user, request.event_id)
    require_participant(session, user, event)
    if request.status != RequestStatus.PENDING:
        raise InvalidTransition(_("This request has already been answered."))
    if not requests_open(event):
        raise InvalidTransition(_("Meeting requests for this event are closed."))
    request.status = (RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED).value
    request.answered_at = utcnow()
    if accept:
        _meeting_for(session, event, request.recipient, request.requester)
    session.commit()
    return request


def _meeting_for(session: Session, event: Event, a: Firm, b: Firm) -> Meeting:
    """The pair's meeting, created or raised to the kind its requests now give."""
    pk, by = pair_of(a, b)
    session.flush()
    accepted = session.scalars(
        select(MeetingRequest.requester_id).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.ACCEPTED,
            or_(
                and_(MeetingRequest.requester_id == pk, MeetingRequest.recipient_id == by),
                and_(MeetingRequest.requester_id == by, MeetingRequest.recipient_id == pk),
            ),
        )
    ).all()
    # Mutual: each firm asked (two requests), or one asked and the other asked back.
    kind = MeetingKindValue.MUTUAL if len(set(accepted)) == 2 else MeetingKindValue.ONE_SIDED
    meeting = _existing_meeting(session, event.id, pk, by)
    if meeting is None:
        meeting = Meeting(event_id=event.id, pk_firm_id=pk, by_firm_id=by, strength=0.0)
        session.add(meeting)
    meeting.kind = kind.value
    meeting.cancelled = False
    return meeting


def _existing_meeting(session: Session, event_id: int, pk: int, by: int) -> Meeting | None:
    return session.scalar(
        select(Meeting).where(
            Meeting.event_id == event_id, Meeting.pk_firm_id == pk, Meeting.by_firm_id == by
        )
    )


@dataclass(frozen=True, slots=True)
class Recommendation:
    proposal_id: int
    pk_name: str
    by_name: str
    score: float
    status: str


def recommendations(session: Session, user: User, event_id: int, limit: int = 50):
    """The best proposals between registered firms of the event that are not yet meetings."""
    require_staff(user)
    event = get_event(session, user, event_id)
    registered = (
        select(EventParticipant.firm_id)
        .where(
            EventParticipant.event_id == event.id,
            EventParticipant.status == ParticipantStatus.REGISTERED,
        )
        .scalar_subquery()
    )
    pk, by = Firm.__table__.alias("pk"), Firm.__table__.alias("by")
    taken = select(Meeting.id).where(
        Meeting.event_id == event.id,
        Meeting.pk_firm_id == Proposal.pk_firm_id,
        Meeting.by_firm_id == Proposal.by_firm_id,
    )
    rows = session.execute(
        select(Proposal.id, pk.c.name, by.c.name, Proposal.score, Proposal.status)
        .join(pk, pk.c.id == Proposal.pk_firm_id)
        .join(by, by.c.id == Proposal.by_firm_id)
        .where(
            Proposal.pk_firm_id.in_(registered),
            Proposal.by_firm_id.in_(registered),
            Proposal.status != ProposalStatus.REJECTED,
            ~taken.exists(),
        )
        .order_by(Proposal.score.desc(), Proposal.id)
        .limit(limit)
    ).all()
    return [Recommendation(r[0], r[1], r[2], float(r[3]), str(r[4])) for r in rows]


def recommend(session: Session, user: User, event_id: int, proposal_ids: list[int]) -> int:
    """Add recommended meetings for these proposals (between registered firms); how many."""
    allowed = {r.proposal_id for r in recommendations(session, user, event_id, limit=10_000)}
    added = 0
    for proposal in session.scalars(select(Proposal).where(Proposal.id.in_(proposal_ids))):
        if proposal.id not in allowed:
            continue
        session.add(
            Meeting(
                event_id=event_id,
                pk_firm_id=proposal.pk_firm_id,
                by_firm_id=proposal.by_firm_id,
                kind=MeetingKindValue.RECOMMENDED.value,
                strength=min(max(float(proposal.score), 0.0), 1.0),
                proposal_id=proposal.id,
            )
        )
        added += 1
    session.commit()
    return added


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    partner_id: int
    partner: str
    status: str
    note: str | None
    incoming: bool


def my_requests(session: Session, user: User, event_id: int) -> list[RequestRow]:
    """The firm's requests at the event, sent and received, newest first."""
    event = get_event(session, user, event_id)
    me = require_participant(session, user, event)
    requester, recipient = Firm.__table__.alias("rq"), Firm.__table__.alias("rc")
    rows = session.execute(
        select(MeetingRequest, requester.c.name, recipient.c.name)
        .join(requester, requester.c.id == MeetingRequest.requester_id)
        .join(recipient, recipient.c.id == MeetingRequest.recipient_id)
        .where(
            MeetingRequest.event_id == event.id,
            or_(
                MeetingRequest.requester_id == me.firm_id,
                MeetingRequest.recipient_id == me.firm_id,
            ),
        )
        .order_by(MeetingRequest.id.desc())
    ).all()
    out = []
    for request, requester_name, recipient_name in rows:
        incoming = request.recipient_id == me.firm_id
        out.append(
            RequestRow(
                id=request.id,
                partner_id=request.requester_id if incoming else request.recipient_id,
                partner=requester_name if incoming else recipient_name,
                status=request.status,
                note=request.note,
                incoming=incoming,
            )
        )
    return out
