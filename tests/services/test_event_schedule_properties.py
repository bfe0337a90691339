"""Property tests of the schedule service over random events (seeded): after the scheduler and
random staff moves and cancellations, no firm is in two meetings at once, none meets outside
its availability, no slot holds more meetings than its tables and online places, and every
change to a published meeting reaches exactly its two firms by e-mail."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, time

import pytest
from sqlalchemy import select

from matchmaker.models import EventParticipant, Meeting, MeetingKindValue, ParticipantStatus
from matchmaker.services import event_mail, event_schedule, events
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.events import EventInput


def random_event(rng, db_session, make_firm, staff):
    firms = [
        make_firm(ref=f"{c}-R{k}", name=f"{c} firm {k}", country=c)
        for c in ("PK", "BY")
        for k in range(rng.randint(3, 6))
    ]
    data = EventInput(
        title="Random event",
        city="Minsk",
        venue=None,
        time_zone=rng.choice(["Europe/Minsk", "Asia/Karachi", "UTC"]),
        days=[date(2027, 3, 1), date(2027, 3, 2)][: rng.randint(1, 2)],
        day_start=time(10, 0),
        day_end=time(12, 0),
        meeting_minutes=30,
        tables=rng.randint(1, 3),
        online_places=rng.randint(0, 1),
        video_base_url="https://video.example",
        max_meetings=rng.choice([None, 2, 3]),
        status="open",
    )
    event = events.create_event(db_session, staff, data)
    slots = events.slots_of(event)
    for firm in firms:
        gone = [s.start_utc.isoformat() for s in slots if rng.random() < 0.2]
        db_session.add(
            EventParticipant(
                event_id=event.id,
                firm_id=firm.id,
                status=ParticipantStatus.REGISTERED.value,
                unavailable=gone,
                online_only=bool(data.online_places) and rng.random() < 0.1,
            )
        )
    pk = [f for f in firms if f.country == "PK"]
    by = [f for f in firms if f.country == "BY"]
    pairs = {(a.id, b.id) for a in pk for b in by if rng.random() < 0.5}
    kinds = list(MeetingKindValue)
    for a, b in sorted(pairs):
        kind = rng.choice(kinds).value
        strength = rng.random() if kind == "recommended" else 0.0
        db_session.add(
            Meeting(event_id=event.id, pk_firm_id=a, by_firm_id=b, kind=kind, strength=strength)
        )
    db_session.commit()
    return event


def check_constraints(db_session, event):
    db_session.expire_all()
    slots = events.slots_of(event)
    away = {
        p.firm_id: events.unavailable_indices(p, slots)
        for p in db_session.scalars(
            select(EventParticipant).where(EventParticipant.event_id == event.id)
        )
    }
    placed = db_session.scalars(
        select(Meeting).where(Meeting.event_id == event.id, Meeting.slot.is_not(None))
    ).all()
    busy = Counter((f, m.slot) for m in placed for f in (m.pk_firm_id, m.by_firm_id))
    assert max(busy.values(), default=1) == 1, "a firm in two meetings at once"
    for m in placed:
        assert m.slot not in away[m.pk_firm_id] and m.slot not in away[m.by_firm_id]
    at_tables = Counter((m.slot, m.table) for m in placed if m.table is not None)
    assert max(at_tables.values(), default=1) == 1, "two meetings at one table"
    online = Counter(m.slot for m in placed if m.table is None)
    assert all(n <= event.online_places for n in online.values())
    assert all(1 <= m.table <= event.tables for m in placed if m.table is not None)
    if event.max_meetings:
        per_firm = Counter(f for m in placed for f in (m.pk_firm_id, m.by_firm_id))
        assert max(per_firm.values(), default=0) <= event.max_meetings


@pytest.mark.parametrize("seed", range(6))
def test_random_events_keep_the_constraints_and_notify_every_change(
    seed, app_context, db_session, make_firm, make_user, monkeypatch
):
    rng = random.Random(seed)
    staff = make_user("staff@example.com", role="staff")
    event = random_event(rng, db_session, make_firm, staff)
    event_schedule.run_schedule(db_session, staff, event.id)
    check_constraints(db_session, event)
    event_schedule.publish(db_session, staff, event.id)
    told: list[list[int]] = []
    monkeypatch.setattr(
        event_mail,
        "tell_firms",
        lambda session, event, slots, firm_ids, first: told.append(sorted(firm_ids)) or 0,
    )
    slot_count = len(events.slots_of(event))
    changes = 0
    for _step in range(30):
        meetings = db_session.scalars(
            select(Meeting).where(Meeting.event_id == event.id, Meeting.cancelled.is_(False))
        ).all()
        if not meetings:
            break
        meeting = rng.choice(meetings)
        before = (meeting.published_slot, meeting.published_table)
        firms = sorted((meeting.pk_firm_id, meeting.by_firm_id))
        told.clear()
        if rng.random() < 0.2:
            event_schedule.cancel(db_session, staff, meeting.id)
            changed = before[0] is not None
        else:
            table = rng.choice([None, *range(1, event.tables + 1)])
            try:
                event_schedule.move(db_session, staff, meeting.id, rng.randrange(slot_count), table)
            except ValidationFailed:
                db_session.rollback()
                assert told == []  # a refused move changes nothing and tells no one
                continue
            db_session.refresh(meeting)
            changed = (meeting.published_slot, meeting.published_table) != before
        check_constraints(db_session, event)
        assert told == ([firms] if changed else [[]])
        changes += changed
    assert changes > 0  # the random edits did change the published schedule
