"""Password change, reset links, and what they end."""

import re
from pathlib import Path

from matchmaker import create_app
from tests.helpers import PASSWORD, csrf_token

NEW = "a brand new passphrase 42"


def outbox(app) -> str:
    return "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))


def test_common_passwords_are_refused_at_registration(auth):
    response = auth.register("new@example.com", password="1234567890123")
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)


def test_password_change_needs_the_current_one_and_ends_other_sessions(
    app, client, auth, make_user
):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    other_device = app.test_client()
    AuthOther = type(auth)
    AuthOther(other_device).login("firm@example.com")
    token = csrf_token(client, "/auth/password")
    wrong = client.post(
        "/auth/password",
        data={"current": "not it at all 1", "password": NEW, "confirm": NEW, "csrf_token": token},
    )
    assert wrong.status_code == 400
    ok = client.post(
        "/auth/password",
        data={"current": PASSWORD, "password": NEW, "confirm": NEW, "csrf_token": token},
    )
    assert ok.status_code == 302
    assert client.get("/firms").status_code == 200  # this browser stays signed in
    assert other_device.get("/firms").status_code == 302  # the other one is out
    auth.logout()
    assert auth.login("firm@example.com", NEW).status_code == 302


def test_reset_does_not_reveal_whether_an_address_is_registered(app, client, make_user):
    make_user("known@example.com")
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        token = csrf_token(client, "/auth/reset")
        response = client.post(
            "/auth/reset", data={"email": email, "csrf_token": token}, follow_redirects=True
        )
        answers.append(re.sub(r'value="[^"]+"', "", response.get_data(as_text=True)))
    assert answers[0] == answers[1]
    mail = outbox(app)
    assert "To: known@example.com" in mail and "unknown@example.com" not in mail


def test_reset_link_sets_a_password_once(app, client, auth, make_user):
    make_user("known@example.com")
    client.post(
        "/auth/reset",
        data={"email": "known@example.com", "csrf_token": csrf_token(client, "/auth/reset")},
    )
    link = re.search(r"http://matchmaker\.test(/auth/reset/\S+)", outbox(app)).group(1)
    token = csrf_token(client, link)
    assert (
        client.post(link, data={"password": NEW, "confirm": NEW, "csrf_token": token}).status_code
        == 302
    )
    assert auth.login("known@example.com", NEW).status_code == 302
    auth.logout()
    again = client.get(link)
    assert again.status_code == 302 and "/auth/reset" in again.headers["Location"]


def test_tampered_or_expired_links_are_refused(app, client, make_user, db_session):
    from itsdangerous import URLSafeTimedSerializer

    from matchmaker.services import accounts

    user = make_user("known@example.com")
    good = accounts.reset_token(user, app.config["SECRET_KEY"])
    assert client.get(f"/auth/reset/{good[:-2]}xx").status_code == 302
    forged = URLSafeTimedSerializer("another key", salt=accounts.RESET_SALT).dumps(
        {"u": user.id, "f": "x"}
    )
    assert client.get(f"/auth/reset/{forged}").status_code == 302
    assert accounts.user_for_reset(db_session, good, app.config["SECRET_KEY"]) is not None


def test_reset_mail_links_to_site_url_whatever_the_host_header(app, client, make_user):
    make_user("known@example.com")
    html = client.get("/auth/reset", base_url="http://evil.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/auth/reset",
        data={"email": "known@example.com", "csrf_token": token},
        base_url="http://evil.example",
    )
    assert response.status_code == 302
    mail = outbox(app)
    assert "evil.example" not in mail and "http://matchmaker.test/auth/reset/" in mail


def test_production_refuses_a_forged_host(monkeypatch, tmp_path):
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    monkeypatch.setenv("SITE_URL", "https://matchmaker.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    client = app.test_client()
    assert client.get("/auth/login", headers={"Host": "evil.example"}).status_code == 400
    assert (
        client.get(
            "/auth/login",
            headers={"Host": "matchmaker.example.org"},
            base_url="https://matchmaker.example.org",
        ).status_code
        == 200
    )


def test_disabling_an_account_ends_its_sessions(client, auth, make_user, db_session):
    user = make_user("firm@example.com")
    auth.login("firm@example.com")
    user.active = False
    db_session.commit()
    assert client.get("/firms").status_code == 302


def test_registration_sends_a_signed_confirmation_link(app, client, auth, db_session):
    from matchmaker.models import User

    auth.register("new.firm@example.com")
    link = re.search(r"http://matchmaker\.test(/auth/confirm/\S+)", outbox(app)).group(1)
    assert client.get(link[:-3] + "abc").status_code == 302
    user = db_session.scalar(__import__("sqlalchemy").select(User))
    assert user.email_confirmed_at is None
    client.get(link)
    db_session.expire_all()
    assert db_session.get(User, user.id).email_confirmed_at is not None
