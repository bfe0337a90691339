"""Events through their pages: staff create one, firms register, mark slots and request
meetings, staff schedule, move and publish, firms read and download their agendas; and the
access rules (another firm's agenda, requests across the wrong border, an unpublished schedule)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from matchmaker.models import Event, EventParticipant, Meeting, MeetingRequest
from tests.helpers.events import (
    EVENT_FORM,
    create_event,
    post_form,
    register_all,
    request_meeting,
    scheduled_event,
)


def mails(app) -> str:
    return "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))


def test_staff_create_an_event_and_see_its_slots(client, auth, people, db_session):
    event_id = create_event(client, auth)
    event = db_session.get(Event, event_id)
    assert [d.day.isoformat() for d in event.days] == ["2027-03-01", "2027-03-02"]
    assert event.breaks == [["11:00", "11:30"]]
    auth.login("staff@example.com")
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Pakistani business delegation to Minsk" in page
    assert "6 slots" in page  # 10:00, 10:30, 11:30 on each of two days


def test_event_form_errors_are_shown_and_input_kept(client, auth, people):
    auth.login("staff@example.com")
    response = post_form(client, "/events/new", {**EVENT_FORM, "days": "1 March", "breaks": "noon"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "YYYY-MM-DD" in page and "13:00-14:00" in page
    assert 'value="Pakistani business delegation to Minsk"' in page
    response = post_form(
        client, "/events/new", {**EVENT_FORM, "day_start": "12:00", "day_end": "10:00"}
    )
    assert response.status_code == 400 and "slots" in response.get_data(as_text=True)


def test_firms_cannot_create_events_nor_see_drafts(client, auth, people):
    event_id = create_event(client, auth, status="draft")
    auth.login("pk1@example.com")
    assert client.get("/events/new").status_code == 403
    assert client.get(f"/events/{event_id}").status_code == 404
    assert "delegation" not in client.get("/events").get_data(as_text=True)


def test_delegation_firms_need_an_invitation_hosts_do_not(client, auth, people, db_session):
    event_id = create_event(client, auth)
    auth.login("pk1@example.com")
    assert post_form(client, f"/events/{event_id}/register").status_code == 403
    auth.logout()
    auth.login("by1@example.com")
    assert post_form(client, f"/events/{event_id}/register").status_code == 302
    auth.logout()
    auth.login("staff@example.com")
    post_form(client, f"/events/{event_id}/invite", {"refs": "PK-E1 NOPE-1"})
    auth.logout()
    auth.login("pk1@example.com")
    assert post_form(client, f"/events/{event_id}/register").status_code == 302
    statuses = db_session.scalars(
        select(EventParticipant.status).where(EventParticipant.event_id == event_id)
    ).all()
    assert sorted(statuses) == ["registered", "registered"]


def test_availability_is_kept_as_slot_times(client, auth, people, db_session):
    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    auth.login("by1@example.com")
    post_form(client, f"/events/{event_id}/availability", {"unavailable": ["0", "4"]})
    row = db_session.scalar(
        select(EventParticipant).where(EventParticipant.firm_id == people["by1"].id)
    )
    # 10:00 in Minsk (UTC+3) on 1 March, and the second day's 10:30.
    assert row.unavailable == ["2027-03-01T07:00:00+00:00", "2027-03-02T07:30:00+00:00"]
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert page.count("checked") == 2


def test_requests_go_only_to_registered_firms_of_the_other_country(
    client, auth, people, db_session, make_firm
):
    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    outsider = make_firm(ref="BY-E9", name="Not Registered", country="BY")
    assert (
        request_meeting(client, auth, "pk1@example.com", event_id, people["pk2"]).status_code == 403
    )
    assert request_meeting(client, auth, "pk1@example.com", event_id, outsider).status_code == 404
    assert (
        request_meeting(client, auth, "pk1@example.com", event_id, people["by1"]).status_code == 302
    )
    assert db_session.scalar(select(MeetingRequest.status)) == "pending"


def test_accepting_and_mutual_requests_make_meetings(client, auth, people, db_session):
    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    request_meeting(client, auth, "pk1@example.com", event_id, people["by1"])
    request_meeting(client, auth, "by1@example.com", event_id, people["pk1"])  # asks back: mutual
    request_meeting(client, auth, "pk2@example.com", event_id, people["by2"])
    pending = db_session.scalar(
        select(MeetingRequest).where(MeetingRequest.requester_id == people["pk2"].id)
    )
    auth.login("by1@example.com")  # not the recipient
    assert (
        post_form(client, f"/events/requests/{pending.id}", {"decision": "accept"}).status_code
        == 404
    )
    auth.logout()
    auth.login("by2@example.com")
    assert (
        post_form(client, f"/events/requests/{pending.id}", {"decision": "accept"}).status_code
        == 302
    )
    kinds = dict(db_session.execute(select(Meeting.pk_firm_id, Meeting.kind)).all())
    assert kinds == {people["pk1"].id: "mutual", people["pk2"].id: "one_sided"}


def test_nothing_of_an_unpublished_schedule_reaches_firms(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    assert db_session.scalar(select(Meeting.slot).where(Meeting.slot.is_not(None))) is not None
    auth.logout()
    auth.login("pk1@example.com")
    page = client.get(f"/events/{event_id}/agenda").get_data(as_text=True)
    assert "not published yet" in page and "Minsk Motors" not in page
    assert client.get(f"/events/{event_id}/agenda.ics").status_code == 404
    assert client.get(f"/events/{event_id}/schedule").status_code == 403
    assert "Your meetings" not in mails(client.application)


def test_publish_sends_agendas_and_ics_has_the_right_times(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    grid = client.get(f"/events/{event_id}/schedule").get_data(as_text=True)
    assert "Indus Tractors – Minsk Motors" in grid
    assert post_form(client, f"/events/{event_id}/schedule/publish").status_code == 302
    sent = mails(client.application)
    assert sent.count("Subject: Your meetings at Pakistani business delegation") == 3
    auth.logout()
    auth.login("pk1@example.com")
    page = client.get(f"/events/{event_id}/agenda").get_data(as_text=True)
    assert "Minsk Motors" in page and "Karachi Looms" not in page
    assert "Asia/Karachi" in page  # the reader's own time zone beside the event's
    response = client.get(f"/events/{event_id}/agenda.ics")
    assert response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    entries = list(calendar.walk("VEVENT"))
    assert len(entries) == 1
    meeting = db_session.scalar(select(Meeting).where(Meeting.pk_firm_id == people["pk1"].id))
    starts = {0: (7, 0), 1: (7, 30), 2: (8, 30)}  # the slots of 1 March in UTC
    day = 1 + meeting.published_slot // 3
    hour, minute = starts[meeting.published_slot % 3]
    expected = datetime(2027, 3, day, hour, minute, tzinfo=UTC)
    start = entries[0]["DTSTART"]
    assert start.params["TZID"] == "Europe/Minsk"
    assert start.dt.astimezone(UTC) == expected
    assert start.dt.utcoffset() == ZoneInfo("Europe/Minsk").utcoffset(expected.replace(tzinfo=None))
    assert entries[0]["DTSTAMP"].dt.tzinfo is not None
    assert entries[0]["DTSTAMP"].dt.utcoffset().total_seconds() == 0
    assert "Minsk Motors" in str(entries[0]["SUMMARY"])
    assert list(calendar.walk("VTIMEZONE"))[0]["TZID"] == "Europe/Minsk"


def test_a_firm_sees_only_its_own_agenda(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    post_form(client, f"/events/{event_id}/schedule/publish")
    auth.logout()
    auth.login("by2@example.com")
    page = client.get(f"/events/{event_id}/agenda?firm={people['by1'].id}").get_data(as_text=True)
    assert "Minsk Motors" not in page.split("<h1>")[1].split("</h1>")[0]
    assert "You have no meetings" in page


def test_a_move_after_publishing_is_checked_and_tells_both_firms(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    post_form(client, f"/events/{event_id}/schedule/publish")
    first, second = db_session.scalars(select(Meeting).order_by(Meeting.id)).all()
    # Both meetings have Minsk Motors: it cannot meet twice in one slot.
    response = post_form(
        client,
        f"/events/{event_id}/schedule/move",
        {"meeting": first.id, "slot": second.slot, "table": "2" if second.table == 1 else "1"},
    )
    assert response.status_code == 302
    page = client.get(f"/events/{event_id}/schedule").get_data(as_text=True)
    assert "another meeting then" in page
    db_session.expire_all()
    assert db_session.get(Meeting, first.id).published_slot == first.published_slot
    free = next(s for s in range(6) if s not in (first.slot, second.slot))
    post_form(
        client,
        f"/events/{event_id}/schedule/move",
        {"meeting": first.id, "slot": free, "table": "1"},
    )
    db_session.expire_all()
    moved = db_session.get(Meeting, first.id)
    assert (moved.slot, moved.published_slot, moved.table) == (free, free, 1)
    changed = mails(client.application).count("have changed")
    assert changed == 2  # the meeting's two firms, and no one else
    post_form(client, f"/events/{event_id}/schedule/cancel", {"meeting": second.id})
    db_session.expire_all()
    assert db_session.get(Meeting, second.id).published_slot is None
    assert mails(client.application).count("have changed") == 4


def test_online_meetings_get_a_video_link(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    first = db_session.scalars(select(Meeting).order_by(Meeting.id)).first()
    post_form(
        client,
        f"/events/{event_id}/schedule/move",
        {"meeting": first.id, "slot": 5, "table": "online"},
    )
    db_session.expire_all()
    moved = db_session.get(Meeting, first.id)
    assert moved.table is None and moved.video_link.startswith("https://video.example/rooms/")
    page = client.get(f"/events/{event_id}/print").get_data(as_text=True)
    assert "Table 1" in page and moved.video_link in page


def test_staff_add_recommended_meetings_from_proposals(client, auth, people, db_session):
    from matchmaker.models import Proposal

    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    proposal = Proposal(
        pk_firm_id=people["pk2"].id,
        by_firm_id=people["by2"].id,
        score=0.7,
        reasons=["r"],
        signals={},
    )
    db_session.add(proposal)
    db_session.commit()
    auth.login("staff@example.com")
    assert "Karachi Looms" in client.get(f"/events/{event_id}/recommendations").get_data(
        as_text=True
    )
    post_form(client, f"/events/{event_id}/recommendations", {"ids": [str(proposal.id)]})
    meeting = db_session.scalar(select(Meeting))
    assert (meeting.kind, meeting.strength, meeting.proposal_id) == (
        "recommended",
        0.7,
        proposal.id,
    )
    auth.logout()
    auth.login("pk2@example.com")
    page = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "Gomel Harvest" in page


def test_with_redis_a_large_event_is_scheduled_by_the_worker_with_progress(
    redis_app, client, auth, people, db_session
):
    from rq import SimpleWorker

    from matchmaker import jobs

    redis_app.config["SCHEDULE_INLINE_MAX"] = 1  # two meetings: "large" for this test
    event_id = scheduled_event(client, auth, people, db_session)  # its run is queued
    db_session.expire_all()
    assert db_session.scalar(select(Meeting.slot).where(Meeting.slot.is_not(None))) is None
    page = client.get(f"/events/{event_id}/schedule").get_data(as_text=True)
    assert "Scheduling: queued (0%)" in page and 'http-equiv="refresh"' in page
    with redis_app.app_context():
        queue = jobs.queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db_session.expire_all()
    assert len(db_session.scalars(select(Meeting).where(Meeting.slot.is_not(None))).all()) == 2
    page = client.get(f"/events/{event_id}/schedule").get_data(as_text=True)
    assert "Last run: 2 of 2 meetings" in page


def count(app, client, path) -> int:
    from tests.helpers import count_queries

    return count_queries(app, client, path)


@pytest.mark.slow
def test_event_pages_are_a_fixed_number_of_queries(
    app, client, auth, people, db_session, make_firm, make_user
):
    event_id = scheduled_event(client, auth, people, db_session)
    post_form(client, f"/events/{event_id}/schedule/publish")
    staff_pages = [
        "/events",
        f"/events/{event_id}",
        f"/events/{event_id}/schedule",
        f"/events/{event_id}/print",
        f"/events/{event_id}/recommendations",
        f"/events/{event_id}/agenda?firm={people['by1'].id}",
        "/dashboard",
    ]
    firm_pages = [
        "/events",
        f"/events/{event_id}",
        f"/events/{event_id}/agenda",
        "/events/outcomes",
    ]
    small = {p: count(app, client, p) for p in staff_pages}
    auth.logout()
    auth.login("by1@example.com")
    small_firm = {p: count(app, client, p) for p in firm_pages}
    auth.logout()
    for k in range(6):  # more registered firms, requests and meetings
        firm = make_firm(ref=f"PK-Q{k}", name=f"Extra {k}", country="PK")
        make_user(f"q{k}@example.com", firm=firm)
        auth.login("staff@example.com")
        post_form(client, f"/events/{event_id}/invite", {"refs": firm.ref})
        auth.logout()
        auth.login(f"q{k}@example.com")
        post_form(client, f"/events/{event_id}/register")
        auth.logout()
        request_meeting(client, auth, f"q{k}@example.com", event_id, people["by1"])
        request_meeting(client, auth, "by1@example.com", event_id, firm)
    create_event(client, auth, title="Second visit")  # the lists grow by an event too
    auth.login("staff@example.com")
    post_form(client, f"/events/{event_id}/schedule/run")
    post_form(client, f"/events/{event_id}/schedule/publish")
    assert {p: count(app, client, p) for p in staff_pages} == small
    auth.logout()
    auth.login("by1@example.com")
    assert {p: count(app, client, p) for p in firm_pages} == small_firm
    assert max([*small.values(), *small_firm.values()]) <= 15, (small, small_firm)


def test_requests_close_at_the_deadline(client, auth, people, db_session):
    event_id = create_event(client, auth, request_deadline="2020-01-01T18:00")
    register_all(client, auth, people, event_id)
    assert db_session.get(Event, event_id).request_deadline is not None
    response = request_meeting(client, auth, "pk1@example.com", event_id, people["by1"])
    assert response.status_code == 409
    assert "closed" in response.get_data(as_text=True)


def test_a_scheduled_event_keeps_its_slots(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    changed = post_form(client, f"/events/{event_id}/edit", {**EVENT_FORM, "day_start": "09:00"})
    page = changed.get_data(as_text=True)
    assert changed.status_code == 409 and "clear it" in page
    assert 'value="09:00"' in page  # what was typed is kept
    renamed = post_form(
        client, f"/events/{event_id}/edit", {**EVENT_FORM, "title": "Minsk B2B days"}
    )
    assert renamed.status_code == 302
    db_session.expire_all()
    assert db_session.get(Event, event_id).title == "Minsk B2B days"
