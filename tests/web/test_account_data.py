"""The account's own data: a confirmed change of sign-in address, the export, deleting the
account, and the confirmation link sent again."""

import json
import re
from pathlib import Path

from sqlalchemy import select

from matchmaker.models import ApiToken, FirmRole, Message, User
from matchmaker.services import company, messaging, review, tokens
from matchmaker.services.accounts import find_user
from tests.helpers import PASSWORD, AuthActions, csrf_token

NEW = "new.address@example.com"


def mail_order(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, path.name


def outbox(app) -> str:
    return "".join(
        f.read_text()
        for f in sorted(Path(app.config["MAIL_FILE_PATH"]).glob("*.log"), key=mail_order)
    )


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/auth/account"), **data})


def test_a_new_sign_in_address_counts_once_its_link_is_opened(app, client, auth, make_user):
    user = make_user("firm@example.com")
    auth.login("firm@example.com")
    wrong = post(client, "/auth/account/email", email=NEW, password="not my password at all")
    assert wrong.status_code == 400
    assert "That is not your current password." in wrong.get_data(as_text=True)
    assert post(client, "/auth/account/email", email=NEW, password=PASSWORD).status_code == 302
    mail = outbox(app)
    assert f"To: {NEW}" in mail  # the link goes to the new address
    assert "To: firm@example.com" in mail and "about to change" in mail  # the old one is told
    link = re.search(r"http://matchmaker\.test(/auth/account/email/\S+)", mail).group(1)
    assert find_user_email(app, user.id) == "firm@example.com"  # nothing changed yet
    response = client.get(link)
    assert response.status_code == 302
    assert find_user_email(app, user.id) == NEW
    assert client.get("/auth/account").status_code == 302  # every session ended
    assert auth.login(NEW).status_code == 302
    # The link works once.
    used = app.test_client().get(link, follow_redirects=True).get_data(as_text=True)
    assert "This link is invalid, used or older than a day." in used


def find_user_email(app, user_id):
    from matchmaker.extensions import db

    with app.app_context():
        return db.session.get(User, user_id).email


def test_an_address_taken_meanwhile_is_not_taken_over(app, client, auth, make_user):
    user = make_user("firm@example.com")
    auth.login("firm@example.com")
    post(client, "/auth/account/email", email=NEW, password=PASSWORD)
    link = re.search(r"http://matchmaker\.test(/auth/account/email/\S+)", outbox(app)).group(1)
    make_user(NEW)
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "Another account uses" in page
    assert find_user_email(app, user.id) == "firm@example.com"


def test_the_export_holds_the_account_the_firm_and_the_messages(
    app, client, auth, world, db_session
):
    with app.test_request_context():
        officer = find_user(db_session, "staff@example.com")
        review.decide(db_session, officer, world.proposal_id, "approve", "internal note")
        thread_id = messaging.threads_by_proposal(db_session, [world.proposal_id])[
            world.proposal_id
        ]
        messaging.post_message(db_session, find_user(db_session, "pk@example.com"), thread_id, "Hi")
        messaging.post_message(db_session, find_user(db_session, "by@example.com"), thread_id, "Yo")
    tokens.create_token(db_session, find_user(db_session, "pk@example.com"), "ERP")
    auth.login("pk@example.com")
    response = client.get("/auth/account/export")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "pk@example.com"
    assert data["account"]["firm_role"] == "admin"
    assert data["firm"]["ref"] == "PK-1" and data["firm"]["name"] == "Indus Assemblers"
    assert [(m["to"], m["body"]) for m in data["messages"]] == [("Neman Tractors", "Hi")]
    assert [t["name"] for t in data["api_tokens"]] == ["ERP"]
    assert "internal note" not in response.get_data(as_text=True)
    assert "token_hash" not in response.get_data(as_text=True)


def test_deleting_an_account_keeps_its_messages_and_its_firm(app, client, auth, world, db_session):
    with app.test_request_context():
        officer = find_user(db_session, "staff@example.com")
        review.decide(db_session, officer, world.proposal_id, "approve")
        thread_id = messaging.threads_by_proposal(db_session, [world.proposal_id])[
            world.proposal_id
        ]
        messaging.post_message(db_session, find_user(db_session, "pk@example.com"), thread_id, "Hi")
        admin = find_user(db_session, "pk@example.com")
        invitation = company.invite(db_session, admin, "colleague@example.com", "test-secret-key")
        company.accept_with_new_account(db_session, invitation, PASSWORD)
    tokens.create_token(db_session, admin, "ERP")
    auth.login("pk@example.com")
    page = client.get("/auth/account/delete").get_data(as_text=True)
    assert "stay with your 1 colleague" in page
    unticked = post(client, "/auth/account/delete", password=PASSWORD)
    assert unticked.status_code == 400
    wrong = post(client, "/auth/account/delete", password="wrong password", confirm_delete="y")
    assert wrong.status_code == 400 and find_user(db_session, "pk@example.com") is not None
    done = post(client, "/auth/account/delete", password=PASSWORD, confirm_delete="y")
    assert done.status_code == 302
    db_session.expire_all()
    assert find_user(db_session, "pk@example.com") is None
    assert db_session.scalar(select(ApiToken)) is None
    message = db_session.scalar(select(Message).where(Message.body == "Hi"))
    assert message is not None and message.sender_user_id is None
    colleague = find_user(db_session, "colleague@example.com")
    assert colleague.firm_id == world.pk.id
    assert colleague.firm_role == FirmRole.ADMIN  # the firm keeps an administrator
    assert client.get("/auth/account").status_code == 302  # signed out
    # The partner still reads the conversation.
    partner = app.test_client()
    AuthActions(partner).login("by@example.com")
    page = partner.get(f"/messages/{thread_id}").get_data(as_text=True)
    assert "Hi" in page and "a deleted user" in page and "pk@example.com" not in page


def test_an_unconfirmed_account_sees_its_state_and_gets_the_link_again(app, client, auth):
    auth.register("new.firm@example.com")
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Not confirmed yet" in page
    before = outbox(app).count("/auth/confirm/")
    assert post(client, "/auth/account/confirmation").status_code == 302
    assert outbox(app).count("/auth/confirm/") == before + 1
    link = re.findall(r"http://matchmaker\.test(/auth/confirm/\S+)", outbox(app))[-1]
    client.get(link)
    assert "Confirmed on" in client.get("/auth/account").get_data(as_text=True)


def test_sending_the_confirmation_link_again_is_rate_limited(app, client, auth):
    auth.register("new.firm@example.com")
    statuses = [post(client, "/auth/account/confirmation").status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
