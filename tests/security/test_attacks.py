"""Attacks a public B2B site meets, tried against every place they could land."""

import pytest
from sqlalchemy import func, select

from matchmaker.models import Firm, Proposal, Thread, User
from tests.helpers import PROFILE_FORM as FORM
from tests.helpers import csrf_token, decide, respond

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_stored_xss_in_every_free_text_field_is_escaped_everywhere(
    client, auth, world, db_session, runner
):
    auth.login("pk@example.com")
    data = {
        **FORM,
        "name": "Evil " + XSS,
        "city": "Lahore" + XSS[:60],
        "offers": XSS,
        "seeks": XSS + " tractor kits",
        "description": XSS,
        "csrf_token": csrf_token(client, "/firm/edit"),
    }
    assert client.post("/firm/edit", data=data).status_code == 302
    auth.logout()
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve", note=XSS)
    pages = [
        "/firms",
        "/firms?q=Evil",
        f"/firms/{world.pk.id}",
        "/review?status=approved",
        f"/review/{world.proposal_id}",
        "/review/audit",
        "/dashboard",
    ]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    auth.logout()
    auth.login("by@example.com")
    thread = f"/messages/{db_session.scalar(select(Thread.id))}"
    assert (
        client.post(
            thread, data={"body": XSS, "csrf_token": csrf_token(client, thread)}
        ).status_code
        == 302
    )
    for path in ("/matches", "/messages", f"/firms/{world.pk.id}", thread):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;" in client.get(thread).get_data(as_text=True)


def test_idor_profiles_proposals_threads_and_tokens(client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    auth.logout()
    auth.login("other@example.com")
    # Another firm's profile cannot be edited: /firm/edit only ever edits one's own firm.
    data = {**FORM, "name": "Hijacked", "csrf_token": csrf_token(client, "/firm/edit")}
    client.post(f"/firm/edit?firm_id={world.pk.id}", data={**data, "firm_id": world.pk.id})
    db_session.expire_all()
    assert db_session.get(Firm, world.pk.id).name == "Indus Assemblers"
    assert respond(client, world.proposal_id, "declined").status_code == 404
    assert client.get("/messages/1").status_code == 404
    # Someone else's API token cannot be revoked.
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    victim_token, _ = tokens.create_token(db_session, find_user(db_session, "pk@example.com"), "v")
    response = client.post(
        f"/auth/account/tokens/{victim_token.id}/revoke",
        data={"csrf_token": csrf_token(client, "/auth/account")},
    )
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(type(victim_token), victim_token.id).revoked_at is None


def test_role_escalation_is_impossible(client, auth, world, db_session):
    auth.login("pk@example.com")
    data = {**FORM, "role": "admin", "csrf_token": csrf_token(client, "/firm/edit")}
    client.post("/firm/edit", data=data)
    client.post(
        "/auth/account", data={"role": "staff", "csrf_token": csrf_token(client, "/auth/account")}
    )
    db_session.expire_all()
    assert db_session.scalar(select(User.role).where(User.email == "pk@example.com")) == "firm"
    assert decide(client, world.proposal_id, "approve").status_code == 403
    assert db_session.get(Proposal, world.proposal_id).status == "proposed"


def test_csrf_is_required_on_every_state_changing_form(client, auth, world):
    auth.login("staff@example.com")
    for path in (
        "/auth/logout",
        f"/review/{world.proposal_id}",
        "/review/bulk",
        "/auth/account",
        "/auth/account/tokens",
        "/auth/password",
    ):
        assert client.post(path, data={"decision": "approve"}).status_code == 400, path
    auth.logout()
    auth.login("pk@example.com")
    for path in ("/firm/edit", f"/matches/{world.proposal_id}/respond", "/messages/1"):
        assert client.post(path, data={"body": "x", "response": "interested"}).status_code == 400, (
            path
        )
    wrong = client.post("/firm/edit", data={**FORM, "csrf_token": "forged"})
    assert wrong.status_code == 400


@pytest.mark.parametrize(
    "value",
    ["nul\x00byte", "x" * 300, "\u202eevil.exe", "zero\u200bwidth" + "\x07"],
)
def test_malformed_names_are_form_errors_and_store_nothing(
    client, auth, make_user, db_session, value
):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    response = client.post(
        "/firm/edit", data={**FORM, "name": value, "csrf_token": csrf_token(client, "/firm/edit")}
    )
    assert response.status_code == 400
    assert db_session.scalar(select(func.count(Firm.id))) == 0


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "-1", "1e9"])
def test_huge_or_odd_integers_are_form_errors(client, auth, make_user, value):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    data = {**FORM, "employees": value, "csrf_token": csrf_token(client, "/firm/edit")}
    assert client.post("/firm/edit", data=data).status_code == 400


def test_huge_ids_and_nul_in_queries_are_4xx_not_5xx(client, auth, world):
    auth.login("staff@example.com")
    for path in (
        "/firms/99999999999999999999",
        "/review/9223372036854775808",
        "/firms?q=%00abc",
        "/review?q=%00&min_score=1e400",
        "/firms?sector=%00",
    ):
        assert client.get(path).status_code < 500, path


@pytest.mark.parametrize(
    "email", ["a@example.com\r\nBcc: victim@example.com", "x@example.com%0aBcc:v@e.com"]
)
def test_mail_header_injection_through_email_fields(client, auth, email, db_session):
    assert auth.register(email).status_code == 400
    token = csrf_token(client, "/auth/reset")
    client.post("/auth/reset", data={"email": email, "csrf_token": token})
    assert db_session.scalar(select(func.count(User.id))) == 0


def test_open_redirects_after_sign_in_are_refused(auth, make_user):
    make_user("firm@example.com")
    for target in (
        "//evil.example",
        "/\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/%2F%2Fevil.example",
    ):
        response = auth.login("firm@example.com", next_url=target)
        location = response.headers["Location"]
        assert not location.startswith(("//", "/\\", "http", "javascript")), (target, location)
        auth.logout()


def test_website_links_cannot_run_script(client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    for url in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>1</script>",
        "vbscript:x",
    ):
        data = {**FORM, "website": url, "csrf_token": csrf_token(client, "/firm/edit")}
        assert client.post("/firm/edit", data=data).status_code == 400


def test_nul_bytes_in_sign_in_and_reset_are_answered_not_crashed(client, make_user):
    make_user("firm@example.com")
    token = csrf_token(client)
    response = client.post(
        "/auth/login",
        data={"email": "firm\x00@example.com", "password": "x" * 12, "csrf_token": token},
    )
    assert response.status_code == 400
    token = csrf_token(client, "/auth/reset")
    assert (
        client.post(
            "/auth/reset", data={"email": "a\x00@example.com", "csrf_token": token}
        ).status_code
        < 500
    )
