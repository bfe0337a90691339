"""The profile form as people fill it in: no default country, numbers and addresses as
written, long texts counted rather than cut, user text with dir="auto", translated errors."""

import re

from matchmaker.messages.text import linkify, local_time
from matchmaker.models import Firm
from tests.helpers import PROFILE_FORM, csrf_token


def save(client, **changes):
    data = {**PROFILE_FORM, **changes, "csrf_token": csrf_token(client, "/firm/edit")}
    return client.post("/firm/edit", data=data)


def test_country_has_no_default_and_is_required(client, auth, db_session):
    auth.register("new@example.com")
    html = client.get("/firm/edit").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="country"[^>]*>(.*?)</select>', html, re.S)
    assert select and "required" in select.group(0)
    assert (
        re.search(r'<option[^>]*selected[^>]*value="PK"|<option[^>]*value="PK"[^>]*selected', html)
        is None
    )
    assert '<option selected value="">Choose your country</option>' in select.group(1) or (
        'value="">Choose your country' in select.group(1)
    )
    response = save(client, country="")
    assert response.status_code == 400
    assert db_session.query(Firm).count() == 0
    assert "Indus Assemblers" in response.get_data(as_text=True)  # what was typed stays


def test_employees_and_website_as_people_write_them(client, auth, db_session):
    auth.register("new@example.com")
    assert save(client, employees="1 200", website="www.example.by").status_code == 302
    firm = db_session.query(Firm).one()
    assert (firm.employees, firm.website) == (1200, "https://www.example.by")
    for written in ("1,200", "1\u00a0200", "1.200"):
        assert save(client, employees=written).status_code == 302
        db_session.expire_all()
        assert db_session.query(Firm).one().employees == 1200
    response = save(client, employees="12 00", website="not a site")
    assert response.status_code == 400
    db_session.expire_all()
    assert db_session.query(Firm).one().employees == 1200  # nothing of the bad save kept


def test_long_texts_are_counted_not_cut(client, auth, db_session):
    auth.register("new@example.com")
    html = client.get("/firm/edit").get_data(as_text=True)
    offers = re.search(r'<textarea[^>]*name="offers"[^>]*>', html).group(0)
    assert "maxlength" not in offers
    assert 'data-max="5000"' in offers and 'dir="auto"' in offers
    assert 'data-count="%(used)s of %(max)s characters"' in offers
    response = save(client, offers="z" * 5003)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "at most 5000 characters (got 5003)" in text
    assert "z" * 5003 in text  # nothing cut, nothing lost
    assert re.search(r'<script src="/static/js/site\.[^"]*js"', text)  # the counters' script


def test_user_text_has_dir_auto_and_the_form_warns_before_a_language_switch(client, auth):
    auth.register("new@example.com")
    html = client.get("/firm/edit").get_data(as_text=True)
    for name in ("name", "city"):
        assert re.search(rf'<input[^>]*dir="auto"[^>]*name="{name}"', html), name
    assert re.search(r'<input[^>]*dir="ltr"[^>]*name="website"', html)
    assert "data-unsaved=" in html
    save(client)
    profile = client.get("/firms").get_data(as_text=True)
    assert 'dir="auto">Indus Assemblers</a>' in profile


def test_e_mail_problems_are_translated(client, auth):
    auth.register("new@example.com")
    client.post("/language", data={"lang": "ru", "csrf_token": csrf_token(client, "/firm/edit")})
    response = save(client, contact_email="sales.firm.pk")
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "An email address must have an @-sign" not in text
    assert "должен содержать @" in text or "содержать @" in text


def test_links_in_messages_are_escaped_then_linked():
    attack = (
        "see https://example.by/a?x=1&y=2, or www.firm.pk. "
        "<script>alert(1)</script> javascript:alert(1) "
        'https://x.by/"onmouseover="alert(1) <img src=x onerror=alert(1)>'
    )
    html = str(linkify(attack))
    assert "<script>" not in html and "<img" not in html
    assert '<a href="https://example.by/a?x=1&amp;y=2" rel="nofollow noopener"' in html
    assert '<a href="https://www.firm.pk" rel="nofollow noopener"' in html
    assert "www.firm.pk</a>." in html  # the full stop stays outside the link
    assert 'href="javascript' not in html
    assert "onmouseover=" not in html.split("<a")[-1].split(">")[0]
    assert '"onmouseover' not in html  # the quote ends the address, escaped as text
    assert str(linkify("no links & <b>")) == "no links &amp; &lt;b&gt;"


def test_times_are_in_the_readers_zone(app):
    from datetime import UTC, datetime

    noon = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    with app.test_request_context():
        assert local_time(noon, "PK").endswith("17:00 PKT")
        assert local_time(noon, "BY").endswith("15:00 Minsk time")
        assert local_time(noon, None).endswith("12:00 UTC")
