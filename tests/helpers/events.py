"""Events through their pages: the form staff fill in and the steps to a scheduled event (the
`people` fixture they take is in tests/fixtures/events.py)."""

from tests.helpers import csrf_token

# The event form as staff fill it in (`/events/new`): two days of six slots.
EVENT_FORM = {
    "title": "Pakistani business delegation to Minsk",
    "city": "Minsk",
    "venue": "Belarus Expo",
    "time_zone": "Europe/Minsk",
    "days": "2027-03-01, 2027-03-02",
    "day_start": "10:00",
    "day_end": "12:00",
    "meeting_minutes": "30",
    "gap_minutes": "0",
    "breaks": "11:00-11:30",
    "tables": "2",
    "online_places": "1",
    "video_base_url": "https://video.example/rooms",
    "max_meetings": "",
    "request_deadline": "",
    "delegation_country": "PK",
    "hosts_open": "y",
    "status": "open",
}


def post_form(client, path, data=None):
    """A form post with a CSRF token taken from /firms."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/firms"), **(data or {})})


def create_event(client, auth, **changes) -> int:
    auth.login("staff@example.com")
    response = post_form(client, "/events/new", {**EVENT_FORM, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    event_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    auth.logout()
    return event_id


def register_all(client, auth, people, event_id, invite=("PK-E1", "PK-E2")):
    auth.login("staff@example.com")
    post_form(client, f"/events/{event_id}/invite", {"refs": ", ".join(invite)})
    auth.logout()
    for key in people:
        auth.login(f"{key}@example.com")
        assert post_form(client, f"/events/{event_id}/register").status_code == 302
        auth.logout()


def request_meeting(client, auth, email, event_id, recipient):
    auth.login(email)
    response = post_form(client, f"/events/{event_id}/requests", {"recipient_id": recipient.id})
    auth.logout()
    return response


def scheduled_event(client, auth, people, db_session) -> int:
    """An open event, all of `people` registered, two mutual pairs requested, the scheduler run
    (not published); staff stay signed in."""
    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    request_meeting(client, auth, "pk1@example.com", event_id, people["by1"])
    request_meeting(client, auth, "by1@example.com", event_id, people["pk1"])
    request_meeting(client, auth, "pk2@example.com", event_id, people["by1"])
    request_meeting(client, auth, "by1@example.com", event_id, people["pk2"])
    auth.login("staff@example.com")
    assert post_form(client, f"/events/{event_id}/schedule/run").status_code == 302
    return event_id
