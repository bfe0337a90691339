"""Rate limits, security headers and cookie flags."""

import pytest

from matchmaker import create_app
from tests.helpers import PASSWORD, csrf_token


@pytest.mark.slow
def test_thirty_wrong_passwords_for_one_account_are_stopped(client, make_user):
    make_user("target@example.com")
    token = csrf_token(client)
    statuses = []
    for _ in range(31):
        response = client.post(
            "/auth/login",
            data={
                "email": "target@example.com",
                "password": "wrong password 123",
                "csrf_token": token,
            },
        )
        statuses.append(response.status_code)
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
    # Even the right password waits now, and the page says why.
    response = client.post(
        "/auth/login",
        data={"email": "target@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)


def test_operator_can_set_the_api_rate(app, client, world, db_session):
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    _, plain = tokens.create_token(db_session, find_user(db_session, "pk@example.com"), "t")
    headers = {"Authorization": f"Bearer {plain}"}
    app.config.update(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.slow
def test_successful_sign_ins_do_not_count_as_failures(client, auth, make_user):
    make_user("regular@example.com")
    for _ in range(35):
        assert auth.login("regular@example.com").status_code == 302
        auth.logout()


@pytest.mark.slow
def test_api_rate_limit_answers_json_429(app, client, world, db_session):
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    _, plain = tokens.create_token(db_session, find_user(db_session, "pk@example.com"), "t")
    headers = {"Authorization": f"Bearer {plain}"}
    app.config["RATELIMIT_ENABLED"] = True
    statuses = [client.get("/api/v1/me", headers=headers).status_code for _ in range(601)]
    assert statuses[:600] == [200] * 600 and statuses[600] == 429
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body["error"]["code"] == "too_many_requests"


def test_security_headers_on_every_response(client):
    for path in ("/", "/auth/login", "/healthz", "/api/v1/openapi.json", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers  # development


def test_production_adds_hsts_and_a_secure_host_cookie(monkeypatch, tmp_path, template_database):
    monkeypatch.setenv("MATCHMAKER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-secret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    response = app.test_client().get("/auth/login", base_url="https://127.0.0.1:5000")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_and_lax(client):
    cookie = client.get("/auth/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_page_reads_are_never_limited_the_forms_still_are(app, client, make_user):
    """The limiter skips page reads of the site (no limit applies to them) but still counts
    the sign-in form's posts."""
    app.config["RATELIMIT_ENABLED"] = True
    for _ in range(70):  # past the sign-in form's 60 per minute
        response = client.get("/auth/login")
        assert response.status_code == 200
        assert "X-RateLimit-Limit" not in response.headers
    token = csrf_token(client, "/auth/login")
    answers = [
        client.post(
            "/auth/login",
            data={"email": f"nobody{n}@example.com", "password": "x", "csrf_token": token},
        ).status_code
        for n in range(61)
    ]
    assert answers[-1] == 429 and 429 not in answers[:60]
