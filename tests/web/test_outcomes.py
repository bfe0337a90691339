"""Outcomes: each firm records what came of its published meetings and its introductions;
only its own; the dashboard's funnel counts met, MoU and agreements per sector and per event."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from matchmaker.models import Meeting, Outcome, Proposal, ProposalStatus
from matchmaker.services.dashboard import statistics
from tests.helpers.events import post_form, scheduled_event


def record(client, kind, subject_id, **data):
    return post_form(client, f"/events/outcomes/{kind}/{subject_id}", data)


def published(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    post_form(client, f"/events/{event_id}/schedule/publish")
    auth.logout()
    meeting = db_session.scalar(select(Meeting).where(Meeting.pk_firm_id == people["pk1"].id))
    return event_id, meeting


def test_both_firms_record_an_mou_and_the_dashboard_counts_it(
    client,
    auth,
    people,
    db_session,
):
    event_id, meeting = published(client, auth, people, db_session)
    db_session.add(
        Proposal(
            pk_firm_id=people["pk1"].id,
            by_firm_id=people["by1"].id,
            score=0.9,
            reasons=["r"],
            signals={},
            status=ProposalStatus.APPROVED,
        )
    )
    db_session.commit()
    for email in ("pk1@example.com", "by1@example.com"):
        auth.login(email)
        page = client.get("/events/outcomes").get_data(as_text=True)
        assert "Meeting at Pakistani business delegation to Minsk" in page
        response = record(
            client,
            "meeting",
            meeting.id,
            held="yes",
            next_step="mou",
            value="1 250 000",
            currency="usd",
        )
        assert response.status_code == 302
        auth.logout()
    rows = db_session.scalars(select(Outcome)).all()
    assert len(rows) == 2
    assert {(r.held, r.next_step, r.value, r.currency) for r in rows} == {
        (True, "mou", Decimal("1250000.00"), "USD")
    }
    stats = statistics(db_session)
    tractors = next(r for r in stats.funnel if r.sector == "tractors")
    assert (tractors.proposed, tractors.approved, tractors.met, tractors.mou) == (1, 1, 1, 1)
    assert tractors.agreement == 0
    event = next(e for e in stats.event_funnel if e.event_id == event_id)
    assert (event.participants, event.meetings, event.scheduled) == (4, 2, 2)
    assert (event.met, event.mou, event.agreement) == (1, 1, 0)
    auth.login("staff@example.com")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "From proposals to agreements" in page and 'id="event-funnel"' in page


def test_a_firm_records_only_its_own_meetings_and_introductions(
    client,
    auth,
    people,
    db_session,
):
    event_id, meeting = published(client, auth, people, db_session)
    introduction, proposed = (
        Proposal(
            pk_firm_id=people["pk1"].id,
            by_firm_id=firm.id,
            score=0.5,
            reasons=["r"],
            signals={},
            status=status,
        )
        for firm, status in (
            (people["by2"], ProposalStatus.APPROVED),
            (people["by1"], ProposalStatus.PROPOSED),
        )
    )
    db_session.add_all([introduction, proposed])
    db_session.commit()
    auth.login("pk2@example.com")  # in neither
    assert record(client, "meeting", meeting.id, held="yes", next_step="nda").status_code == 404
    assert (
        record(client, "introduction", introduction.id, held="yes", next_step="none").status_code
        == 404
    )
    assert db_session.scalar(select(Outcome)) is None
    auth.logout()
    auth.login("pk1@example.com")
    assert (
        record(client, "introduction", proposed.id, held="no", next_step="none").status_code == 404
    )
    response = record(client, "introduction", introduction.id, held="no", next_step="follow_up")
    assert response.status_code == 302
    assert db_session.scalar(select(Outcome.proposal_id)) == introduction.id
    auth.logout()
    auth.login("by2@example.com")  # its partner sees its own record only: none yet
    assert "Recorded:" not in client.get("/events/outcomes").get_data(as_text=True)


def test_value_without_currency_is_refused_with_a_message(
    client,
    auth,
    people,
    db_session,
):
    event_id, meeting = published(client, auth, people, db_session)
    auth.login("by1@example.com")
    record(client, "meeting", meeting.id, held="yes", next_step="order", value="12,5x")
    page = client.get("/events/outcomes").get_data(as_text=True)
    assert "Write the value as a number" in page
    record(client, "meeting", meeting.id, held="yes", next_step="order", value="500")
    assert "Give the currency of the value" in client.get("/events/outcomes").get_data(as_text=True)
    assert db_session.scalar(select(Outcome)) is None
    record(
        client, "meeting", meeting.id, held="yes", next_step="order", value="500", currency="BYN"
    )
    assert db_session.scalar(select(Outcome.next_step)) == "order"


def test_outcomes_of_an_unpublished_meeting_cannot_be_recorded(
    client,
    auth,
    people,
    db_session,
):
    scheduled_event(client, auth, people, db_session)
    auth.logout()
    meeting = db_session.scalars(select(Meeting)).first()
    auth.login("pk1@example.com")
    assert record(client, "meeting", meeting.id, held="yes", next_step="none").status_code == 404
    assert "No meetings or introductions yet" in client.get("/events/outcomes").get_data(
        as_text=True
    )
