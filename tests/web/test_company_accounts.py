"""Company accounts: several users per firm, invitations by e-mail, roles and removal, and
the attacks on them: a reused or expired invitation link, a removed colleague's old session."""

import re
import time
from pathlib import Path

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from matchmaker.models import FirmRole, Invitation, User
from tests.helpers import PASSWORD, AuthActions, csrf_token

INVITE_LINK = re.compile(r"http://matchmaker\.test(/auth/invitation/\S+)")


def mail_order(path: Path) -> tuple[int, str]:
    return path.stat().st_mtime_ns, path.name


def outbox(app) -> str:
    return "".join(
        f.read_text()
        for f in sorted(Path(app.config["MAIL_FILE_PATH"]).glob("*.log"), key=mail_order)
    )


def invite(client, email: str):
    token = csrf_token(client, "/auth/colleagues")
    return client.post("/auth/colleagues/invite", data={"email": email, "csrf_token": token})


def last_invitation_link(app) -> str:
    return INVITE_LINK.findall(outbox(app))[-1]


def join(client, link: str, password: str = PASSWORD):
    token = csrf_token(client, link)
    return client.post(link, data={"password": password, "confirm": password, "csrf_token": token})


@pytest.fixture
def admin_client(client, auth, world):
    auth.login("pk@example.com")
    return client


def test_admin_invites_a_colleague_who_joins_and_sees_the_firm(
    app, admin_client, world, db_session
):
    response = invite(admin_client, "Colleague@Example.com")
    assert response.status_code == 302
    page = admin_client.get("/auth/colleagues").get_data(as_text=True)
    assert "colleague@example.com" in page and "Invitations waiting" in page
    mail = outbox(app)
    assert "Indus Assemblers invites you" in mail and "colleague@example.com" in mail
    link = last_invitation_link(app)

    colleague = app.test_client()
    page = colleague.get(link)
    assert page.status_code == 200
    assert "Join Indus Assemblers" in page.get_data(as_text=True)
    assert join(colleague, link).status_code == 302
    user = db_session.scalar(select(User).where(User.email == "colleague@example.com"))
    assert user.firm_id == world.pk.id and user.firm_role == FirmRole.MEMBER
    assert user.email_confirmed_at is not None  # the link reached the address
    # The colleague acts for the firm: its profile, its introductions.
    assert colleague.get("/firm/edit").status_code == 200
    assert colleague.get("/matches").status_code == 200
    listing = colleague.get("/auth/colleagues").get_data(as_text=True)
    assert "pk@example.com" in listing and "Ask an administrator" in listing
    # Each message says which colleague wrote it.
    from matchmaker.services import review
    from matchmaker.services.accounts import find_user

    with app.test_request_context():
        officer = find_user(db_session, "staff@example.com")
        review.decide(db_session, officer, world.proposal_id, "approve")
    thread = colleague.get("/messages").get_data(as_text=True)
    thread_path = re.search(r'href="(/messages/\d+)"', thread).group(1)
    token = csrf_token(colleague, thread_path)
    colleague.post(thread_path, data={"body": "From the colleague", "csrf_token": token})
    page = colleague.get(thread_path).get_data(as_text=True)
    assert "From the colleague" in page and "colleague@example.com" in page


def test_an_invitation_link_works_once(app, admin_client, db_session):
    invite(admin_client, "colleague@example.com")
    link = last_invitation_link(app)
    assert join(app.test_client(), link).status_code == 302
    again = app.test_client()
    response = again.get(link, follow_redirects=True)
    assert "This invitation has already been used." in response.get_data(as_text=True)
    token = csrf_token(again, "/auth/login")
    other = "another long passphrase"
    response = again.post(link, data={"password": other, "confirm": other, "csrf_token": token})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    users = db_session.scalars(select(User).where(User.email == "colleague@example.com")).all()
    assert len(users) == 1  # no second account, no second use


def test_an_expired_invitation_link_is_refused(app, admin_client, db_session, monkeypatch):
    invite(admin_client, "colleague@example.com")
    link = last_invitation_link(app)
    eight_days = 8 * 24 * 3600
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(time.time()) + eight_days
    )
    stranger = app.test_client()
    response = stranger.get(link, follow_redirects=True)
    assert "This invitation is older than a week." in response.get_data(as_text=True)
    token = csrf_token(stranger, "/auth/login")
    stranger.post(link, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert db_session.scalar(select(User).where(User.email == "colleague@example.com")) is None


def test_a_forged_or_replaced_invitation_link_is_refused(app, admin_client, db_session):
    invite(admin_client, "colleague@example.com")
    first = last_invitation_link(app)
    forged = first[:-4] + ("aaaa" if not first.endswith("aaaa") else "bbbb")
    page = app.test_client().get(forged, follow_redirects=True).get_data(as_text=True)
    assert "This invitation link is not valid." in page
    invite(admin_client, "colleague@example.com")  # sent again: the first link is replaced
    assert db_session.scalar(
        select(Invitation.id).where(Invitation.email == "colleague@example.com")
    )
    page = app.test_client().get(first, follow_redirects=True).get_data(as_text=True)
    assert "replaced by a newer one" in page
    assert join(app.test_client(), last_invitation_link(app)).status_code == 302


def test_a_removed_colleagues_old_session_is_signed_out(app, admin_client, world, db_session):
    invite(admin_client, "colleague@example.com")
    colleague = app.test_client()
    join(colleague, last_invitation_link(app))
    assert colleague.get("/matches").status_code == 200
    user = db_session.scalar(select(User).where(User.email == "colleague@example.com"))
    token = csrf_token(admin_client, "/auth/colleagues")
    response = admin_client.post(f"/auth/colleagues/{user.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    # The colleague's next request: signed out, sent to sign in.
    response = colleague.get("/matches")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    db_session.expire_all()
    assert db_session.get(User, user.id).firm_id is None
    # Signing in again gives an account without the firm.
    AuthActions(colleague).login("colleague@example.com")
    assert colleague.get("/matches").status_code == 302  # to /firm/edit: no firm


def test_the_last_admin_cannot_be_removed_or_demoted(app, admin_client, world, db_session):
    me = db_session.scalar(select(User).where(User.email == "pk@example.com"))
    assert "Make member" not in admin_client.get("/auth/colleagues").get_data(as_text=True)
    invite(admin_client, "colleague@example.com")
    join(app.test_client(), last_invitation_link(app))
    token = csrf_token(admin_client, "/auth/colleagues")
    response = admin_client.post(
        f"/auth/colleagues/{me.id}/role",
        data={"role": "member", "csrf_token": token},
        follow_redirects=True,
    )
    assert "A firm needs at least one administrator." in response.get_data(as_text=True)
    response = admin_client.post(
        f"/auth/colleagues/{me.id}/remove", data={"csrf_token": token}, follow_redirects=True
    )
    assert "last administrator cannot be removed" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(User, me.id).firm_role == FirmRole.ADMIN
    # With a second admin, the first may step down.
    colleague = db_session.scalar(select(User).where(User.email == "colleague@example.com"))
    admin_client.post(
        f"/auth/colleagues/{colleague.id}/role", data={"role": "admin", "csrf_token": token}
    )
    admin_client.post(
        f"/auth/colleagues/{me.id}/role", data={"role": "member", "csrf_token": token}
    )
    db_session.expire_all()
    assert db_session.get(User, me.id).firm_role == FirmRole.MEMBER
    assert db_session.get(User, colleague.id).firm_role == FirmRole.ADMIN


def test_members_and_other_firms_cannot_manage_colleagues(app, client, auth, world, db_session):
    pk_admin = db_session.scalar(select(User).where(User.email == "pk@example.com"))
    auth.login("other@example.com")  # the admin of another firm
    token = csrf_token(client, "/auth/colleagues")
    response = client.post(f"/auth/colleagues/{pk_admin.id}/remove", data={"csrf_token": token})
    assert response.status_code == 404
    pk_admin.firm_role = FirmRole.MEMBER
    db_session.commit()
    auth.logout()
    auth.login("pk@example.com")
    assert invite(client, "someone@example.com").status_code == 403


def test_an_existing_account_signs_in_to_accept(app, admin_client, make_user, db_session, world):
    make_user("free@example.com")  # an account without a firm
    invite(admin_client, "free@example.com")
    link = last_invitation_link(app)
    visitor = app.test_client()
    response = visitor.get(link)
    assert response.status_code == 302 and "/auth/login?next=" in response.headers["Location"]
    AuthActions(visitor).login("free@example.com")
    page = visitor.get(link).get_data(as_text=True)
    assert "Join Indus Assemblers" in page
    token = csrf_token(visitor, link)
    assert visitor.post(link, data={"csrf_token": token}).status_code == 302
    db_session.expire_all()
    user = db_session.scalar(select(User).where(User.email == "free@example.com"))
    assert user.firm_id == world.pk.id


def test_an_account_with_its_own_firm_or_another_address_cannot_accept(
    app, admin_client, world, db_session
):
    invite(admin_client, "by@example.com")  # the admin of the Belarusian firm
    link = last_invitation_link(app)
    visitor = app.test_client()
    AuthActions(visitor).login("by@example.com")
    token = csrf_token(visitor, link)
    response = visitor.post(link, data={"csrf_token": token})
    assert response.status_code == 400
    assert "already belongs to a firm" in response.get_data(as_text=True)
    other = app.test_client()
    AuthActions(other).login("other@example.com")
    assert "Sign out, then open the link again" in other.get(link).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.scalar(select(User).where(User.email == "by@example.com")).firm_id == (
        world.by.id
    )


def test_approval_mails_every_colleague_who_wants_them(app, admin_client, world, db_session):
    from matchmaker.services import review
    from matchmaker.services.accounts import find_user

    invite(admin_client, "colleague@example.com")
    join(app.test_client(), last_invitation_link(app))
    with app.test_request_context():
        review.decide(
            db_session, find_user(db_session, "staff@example.com"), world.proposal_id, "approve"
        )
    mail = outbox(app)
    recipients = re.findall(r"^To: (.+)$", mail, flags=re.M)
    assert "pk@example.com" in recipients and "colleague@example.com" in recipients


def test_the_api_lets_every_colleague_update_the_firm_and_no_other(
    app, admin_client, world, db_session
):
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    invite(admin_client, "colleague@example.com")
    join(app.test_client(), last_invitation_link(app))
    _, plain = tokens.create_token(db_session, find_user(db_session, "colleague@example.com"), "t")
    api = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    me = api.get("/api/v1/me", headers=headers).get_json()
    assert (me["firm_id"], me["firm_role"]) == (world.pk.id, "member")
    body = {
        "name": "Indus Assemblers 2",
        "country": "PK",
        "sectors": ["tractors"],
        "offers": "Assembly hall",
        "seeks": "CKD kits",
    }
    response = api.put(f"/api/v1/firms/{world.pk.id}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert api.put(f"/api/v1/firms/{world.by.id}", json=body, headers=headers).status_code == 403
    assert api.post("/api/v1/firms", json=body, headers=headers).status_code == 409
