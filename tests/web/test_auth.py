from sqlalchemy import select

from matchmaker.models import User
from tests.helpers import PASSWORD, csrf_token


def test_register_signs_in_and_leads_to_the_profile_form(client, auth, db_session):
    response = auth.register("New.Firm@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/firm/edit")
    user = db_session.scalar(select(User).where(User.email == "new.firm@example.com"))
    assert user is not None and user.role == "firm"
    assert user.password_hash != PASSWORD
    assert client.get("/firm/edit").status_code == 200


def test_register_does_not_reveal_a_registered_address(app, client, auth, make_user, db_session):
    from pathlib import Path

    owner = make_user("taken@example.com")
    fresh = app.test_client()
    taken, new = auth.register("TAKEN@example.com"), type(auth)(fresh).register("new@example.com")
    assert taken.status_code == new.status_code == 302
    assert taken.headers["Location"] == new.headers["Location"]
    with client.session_transaction() as taken_session, fresh.session_transaction() as new_session:
        assert taken_session["_flashes"] == new_session["_flashes"]
        assert "_user_id" not in taken_session  # nobody is signed in to the existing account
    db_session.expire_all()
    assert db_session.get(User, owner.id).password_hash == owner.password_hash
    mail = "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))
    assert "Someone tried to create a matchmaker account for taken@example.com" in mail
    # A common password is refused whether or not the address has an account.
    assert auth.register("taken@example.com", password="1234567890123").status_code == 400


def test_sign_in_and_password_forms_tell_browsers_what_they_hold(client, auth, make_user):
    login = client.get("/auth/login").get_data(as_text=True)
    assert 'autocomplete="username"' in login and 'autocomplete="current-password"' in login
    register = client.get("/auth/register").get_data(as_text=True)
    assert 'autocomplete="email"' in register
    assert register.count('autocomplete="new-password"') == 2
    make_user("firm@example.com")
    auth.login("firm@example.com")
    password = client.get("/auth/password").get_data(as_text=True)
    assert password.count('autocomplete="new-password"') == 2
    assert 'id="current"' in password and 'autocomplete="current-password"' in password


def test_register_rejects_short_and_mismatched_passwords(auth, db_session):
    assert auth.register("a@example.com", password="short").status_code == 400
    assert auth.register("b@example.com", confirm="something else entirely").status_code == 400
    assert db_session.scalar(select(User)) is None


def test_register_rejects_an_invalid_address(auth):
    response = auth.register("not-an-email")
    assert response.status_code == 400


def test_login_with_wrong_password_fails_without_saying_which_part(auth, make_user):
    make_user("firm@example.com")
    response = auth.login("firm@example.com", "wrong password here")
    assert response.status_code == 400
    assert "Wrong e-mail address or password" in response.get_data(as_text=True)
    response = auth.login("nobody@example.com", "wrong password here")
    assert "Wrong e-mail address or password" in response.get_data(as_text=True)


def test_login_is_case_insensitive_for_the_address(auth, make_user):
    make_user("firm@example.com")
    assert auth.login("FIRM@Example.com").status_code == 302


def test_disabled_user_cannot_sign_in(auth, make_user, db_session):
    user = make_user("off@example.com")
    user.active = False
    db_session.commit()
    assert auth.login("off@example.com").status_code == 400


def test_next_is_followed_only_for_this_site(auth, make_user, client):
    make_user("firm@example.com")
    response = auth.login("firm@example.com", next_url="/firms?q=tractor")
    assert response.headers["Location"] == "/firms?q=tractor"
    auth.logout()
    for evil in ("//evil.example", "/\\evil.example", "https://evil.example/x", "javascript:x"):
        response = auth.login("firm@example.com", next_url=evil)
        assert "evil" not in response.headers["Location"]
        assert "javascript" not in response.headers["Location"]
        auth.logout()


def test_pages_redirect_signed_out_visitors_to_sign_in(client):
    response = client.get("/firms?q=x")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_logout_is_post_only_and_needs_csrf(client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/firms").status_code == 200


def test_logout_kills_a_copied_session_cookie(app, client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    stolen = client.get_cookie("session").value
    auth.logout()
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/firms").status_code == 302


def test_session_is_renewed_at_sign_in(client, auth, make_user):
    make_user("firm@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login("firm@example.com")
    with client.session_transaction() as session:
        assert "planted" not in session


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user("firm@example.com")
    response = client.post("/auth/login", data={"email": "firm@example.com", "password": PASSWORD})
    assert response.status_code == 400


def test_signed_in_pages_carry_a_csrf_token(client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    assert csrf_token(client, "/firms")


def test_users_create_command(runner, db_session):
    result = runner.invoke(
        args=["users", "create", "Officer@EDB.example", "--role", "staff", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    user = db_session.scalar(select(User).where(User.email == "officer@edb.example"))
    assert user.role == "staff"
    result = runner.invoke(args=["users", "create", "x@example.com", "--password", "short"])
    assert result.exit_code == 1
    assert "password" in result.output
