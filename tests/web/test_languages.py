"""English, Urdu and Russian: choosing, remembering, and what each reader gets."""

import re
from pathlib import Path

from sqlalchemy import select

from matchmaker.models import User
from tests.helpers import csrf_token, decide


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def choose(client, lang, next_url="/auth/login", page=None):
    token = csrf_token(client, page or next_url)  # every page has the switcher's form
    return client.post("/language", data={"lang": lang, "next": next_url, "csrf_token": token})


def test_the_browser_preference_is_the_default(client):
    assert 'lang="ru" dir="ltr"' in html_tag(
        client.get("/auth/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    )
    urdu = client.get("/auth/login", headers={"Accept-Language": "ur-PK"})
    assert 'lang="ur" dir="rtl"' in html_tag(urdu)
    assert "سائن ان" in urdu.get_data(as_text=True)
    assert 'lang="en"' in html_tag(client.get("/auth/login", headers={"Accept-Language": "de"}))


def test_the_switcher_remembers_the_choice_over_the_browser(client):
    response = choose(client, "ur", "/auth/register")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/register"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ur") and "HttpOnly" in cookie and "Max-Age=31536000" in cookie
    page = client.get("/auth/register", headers={"Accept-Language": "ru"})
    assert 'dir="rtl"' in html_tag(page)
    assert "اپنی فرم رجسٹر کریں" in page.get_data(as_text=True)


def test_the_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    assert choose(client, "fr").status_code == 400
    assert (
        choose(client, "ru", "https://evil.example/", page="/auth/login").headers["Location"] == "/"
    )
    token = csrf_token(client, "/auth/login")
    assert client.post("/language", data={"lang": "ru"}).status_code == 400  # no CSRF token
    assert client.post("/language", data={"lang": "ru", "csrf_token": token}).status_code == 302


def test_a_signed_in_choice_is_kept_on_the_account(client, auth, make_user, db_session):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    choose(client, "ru", "/firm/edit")
    db_session.expire_all()
    assert db_session.scalar(select(User.locale).where(User.email == "firm@example.com")) == "ru"
    # Another browser (no cookie) signing in gets the account's language.
    other = client.application.test_client()
    from tests.helpers import AuthActions

    AuthActions(other).login("firm@example.com")
    assert "Опишите свою фирму" in other.get("/firm/edit").get_data(as_text=True)


def test_form_errors_flashes_and_numbers_are_in_the_readers_language(
    client, auth, make_user, make_firm
):
    for n in range(3):
        make_firm(ref=f"PK-{n}", name=f"Firm {n}", employees=1200)
    make_user("firm@example.com")
    auth.login("firm@example.com")
    choose(client, "ru", "/firms")
    directory = client.get("/firms").get_data(as_text=True)
    assert "Найдено 3 фирмы." in directory  # the plural form for 3 in Russian
    firm_id = re.search(r'href="/firms/(\d+)"', directory).group(1)
    assert "1\u00a0200 сотрудников" in client.get(f"/firms/{firm_id}").get_data(as_text=True)
    response = client.post(
        "/firm/edit",
        data={"csrf_token": csrf_token(client, "/firm/edit"), "name": "", "country": "PK"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Исправьте отмеченные поля; ничего не сохранено." in page
    assert "обязательное поле" in page and "выберите хотя бы одну отрасль" in page


def test_the_api_answers_in_english_whatever_the_browser_says(client, world, db_session):
    from matchmaker.services import tokens
    from matchmaker.services.accounts import find_user

    _, plain = tokens.create_token(db_session, find_user(db_session, "pk@example.com"), "t")
    headers = {"Authorization": f"Bearer {plain}", "Accept-Language": "ru"}
    body = client.get("/api/v1/firms/999999", headers=headers).get_json()
    assert body["error"]["message"] == "No such firm."


def test_emails_go_out_in_the_recipients_language(client, auth, world, db_session, app):
    pk_user = db_session.scalar(select(User).where(User.email == "pk@example.com"))
    pk_user.locale = "ur"
    by_user = db_session.scalar(select(User).where(User.email == "by@example.com"))
    by_user.locale = "ru"
    db_session.commit()
    auth.login("staff@example.com")  # the officer reads English
    decide(client, world.proposal_id, "approve")
    mails = "".join(f.read_text() for f in Path(app.config["MAIL_FILE_PATH"]).glob("*.log"))
    assert "Хорошая новость: Совет по развитию машиностроения" in mails
    assert "خوشخبری: انجینئرنگ ڈویلپمنٹ بورڈ" in mails
    assert "Good news" not in mails
