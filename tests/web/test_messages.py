import re
from pathlib import Path

from sqlalchemy import event, func, select

from matchmaker.extensions import db
from matchmaker.models import Message, Thread, ThreadRead
from tests.helpers import csrf_token, decide, reload_proposal, respond


def approve(client, auth, world):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    auth.logout()


def thread_id(db_session, world):
    return db_session.scalar(select(Thread.id).where(Thread.proposal_id == world.proposal_id))


def post(client, tid, body):
    return client.post(
        f"/messages/{tid}", data={"body": body, "csrf_token": csrf_token(client, "/messages")}
    )


def test_introductions_show_only_approved_partners_with_contact(client, auth, world):
    auth.login("pk@example.com")
    assert "Neman Tractors" not in client.get("/matches").get_data(as_text=True)
    auth.logout()
    approve(client, auth, world)
    auth.login("pk@example.com")
    html = client.get("/matches").get_data(as_text=True)
    assert "Neman Tractors" in html
    assert "sales@neman.example" in html
    assert "Both work in Tractors and tractor assembly." in html
    profile = client.get(f"/firms/{world.by.id}").get_data(as_text=True)
    assert "sales@neman.example" in profile


def test_the_two_firms_exchange_messages_with_unread_counts(client, auth, world, db_session, app):
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("pk@example.com")
    assert post(client, tid, "Salaam from Lahore — привет!").status_code == 302
    auth.logout()
    auth.login("by@example.com")
    inbox = client.get("/messages").get_data(as_text=True)
    assert "1 unread" in inbox
    assert 'class="badge"' in client.get("/firms").get_data(as_text=True)
    html = client.get(f"/messages/{tid}").get_data(as_text=True)
    assert "Salaam from Lahore — привет!" in html
    post(client, tid, "A second message")
    html = client.get(f"/messages/{tid}").get_data(as_text=True)
    assert html.index("Salaam from Lahore") < html.index("A second message")  # oldest first
    assert "1 unread" not in client.get("/messages").get_data(as_text=True)
    assert post(client, tid, "Welcome!").status_code == 302
    bodies = db_session.scalars(select(Message.body).order_by(Message.id)).all()
    assert bodies == ["Salaam from Lahore — привет!", "A second message", "Welcome!"]
    mails = "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))
    assert "New message from Indus Assemblers" in mails


def test_message_rules(client, auth, world, db_session):
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("pk@example.com")
    assert post(client, tid, "   ").status_code == 400
    response = post(client, tid, "x" * 5001)
    assert response.status_code == 400
    assert "5000" in response.get_data(as_text=True)
    assert post(client, tid, "x" * 5000).status_code == 302
    assert post(client, tid, "<script>alert(1)</script>").status_code == 302
    assert "<script>alert(1)</script>" not in client.get(f"/messages/{tid}").get_data(as_text=True)


def test_outsiders_get_404_for_a_thread(client, auth, world, db_session):
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("other@example.com")
    assert client.get(f"/messages/{tid}").status_code == 404
    assert post(client, tid, "let me in").status_code == 404
    assert post(client, tid, "   ").status_code == 404  # a refused post tells no more
    assert db_session.scalar(select(Message)) is None
    auth.logout()
    auth.login("staff@example.com")
    assert client.get(f"/messages/{tid}").status_code == 403


def test_a_reversed_introduction_keeps_its_thread_readable_but_closed(
    client, auth, world, db_session
):
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("pk@example.com")
    post(client, tid, "Before the reversal")
    auth.logout()
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "reject")
    auth.logout()
    for email in ("pk@example.com", "by@example.com"):
        auth.login(email)
        response = client.get(f"/messages/{tid}")  # the link of the e-mails still works
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Before the reversal" in html
        assert "EDB has withdrawn this introduction" in html
        assert 'name="body"' not in html
        auth.logout()
    auth.login("by@example.com")
    assert post(client, tid, "After the reversal").status_code == 303
    assert db_session.scalars(select(Message.body)).all() == ["Before the reversal"]
    inbox = client.get("/messages").get_data(as_text=True)
    assert "Withdrawn" in inbox


def test_firms_mark_interest_or_decline(client, auth, world, db_session):
    approve(client, auth, world)
    auth.login("pk@example.com")
    assert respond(client, world.proposal_id, "interested").status_code == 302
    assert respond(client, world.other_proposal_id, "declined").status_code == 404
    assert respond(client, world.proposal_id, "whatever").status_code == 400
    assert reload_proposal(db_session, world.proposal_id).pk_response == "interested"


def test_notifications_can_be_turned_off(client, auth, world, db_session, app):
    auth.login("pk@example.com")
    token = csrf_token(client, "/auth/account")
    client.post("/auth/account", data={"csrf_token": token})  # unchecked box = off
    auth.logout()
    approve(client, auth, world)
    mails = "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))
    assert "To: pk@example.com" not in mails
    assert "To: by@example.com" in mails


def badge(client, path: str = "/firms") -> int:
    """The unread figure of the navigation's Messages link on a page (0 when it shows none)."""
    nav = client.get(path).get_data(as_text=True).split("</nav>", 1)[0]
    found = re.search(r'<span class="badge"[^>]*>(\d+)</span>', nav)
    return int(found.group(1)) if found else 0


def test_the_badge_follows_posts_reads_and_decisions(client, auth, world, db_session):
    """The unread counters are kept by the writes: after each post, read and decision the
    badge and the inbox show what the messages say."""
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("pk@example.com")
    for body in ("One", "Two", "Three"):
        assert post(client, tid, body).status_code == 302
    assert badge(client) == 0  # its own messages are never unread
    auth.logout()
    auth.login("by@example.com")
    assert badge(client) == 3
    assert "3 unread" in client.get("/messages").get_data(as_text=True)
    # The page that reads the thread already shows the badge without it (the count read
    # with the signed-in user is asked again after the read).
    assert badge(client, f"/messages/{tid}") == 0
    assert badge(client) == 0
    assert post(client, tid, "Reply").status_code == 302
    auth.logout()
    auth.login("pk@example.com")
    assert badge(client) == 1
    assert post(client, tid, "Four").status_code == 302  # writing reads up to one's own
    assert badge(client) == 0
    assert post(client, tid, "Five").status_code == 302
    auth.logout()
    auth.login("staff@example.com")  # a withdrawn introduction's thread counts no more
    assert decide(client, world.proposal_id, "reject", reject_reason="other").status_code == 302
    auth.logout()
    auth.login("by@example.com")
    assert badge(client) == 0
    auth.logout()
    approve(client, auth, world)
    auth.login("by@example.com")
    assert badge(client) == 2  # "Four" and "Five"
    counted = db_session.scalar(
        select(func.count(Message.id)).where(
            Message.thread_id == tid,
            Message.sender_firm_id == world.pk.id,
            Message.id
            > select(ThreadRead.last_read_message_id)
            .where(ThreadRead.thread_id == tid, ThreadRead.firm_id == world.by.id)
            .scalar_subquery(),
        )
    )
    assert counted == 2  # the counter agrees with the messages


def test_a_thread_read_again_opens_no_transaction(client, auth, world, db_session, app):
    """Reading a thread already read writes nothing (its page stays a read-only request)."""
    approve(client, auth, world)
    tid = thread_id(db_session, world)
    auth.login("pk@example.com")
    post(client, tid, "Hello")
    auth.logout()
    auth.login("by@example.com")
    client.get(f"/messages/{tid}")
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    assert client.get(f"/messages/{tid}").status_code == 200
    event.remove(engine, "before_cursor_execute", listener)
    assert statements and all(s.lstrip().upper().startswith("SELECT") for s in statements)
