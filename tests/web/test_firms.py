import re

from sqlalchemy import func, select

from matchmaker.models import Firm
from tests.helpers import post_profile, signed_in_firm_user, write_profile


def test_first_save_creates_the_firm_with_a_generated_ref(client, auth, make_user, db_session):
    signed_in_firm_user(auth, make_user)
    response = post_profile(client)
    assert response.status_code == 302
    firm = db_session.scalar(select(Firm))
    assert re.fullmatch(r"PK-[0-9a-f]{6}", firm.ref)
    assert firm.sectors == ["tractors", "agri-machinery"]
    assert firm.offer_types == ["assembly", "distribution"]
    assert firm.contact_email == "firm@example.com"  # defaults to the account's address
    assert [u.email for u in firm.users] == ["firm@example.com"]
    assert firm.users[0].firm_role == "admin"


def test_second_save_edits_the_same_firm(client, auth, make_user, db_session):
    signed_in_firm_user(auth, make_user)
    post_profile(client)
    post_profile(client, name="Indus Assemblers Renamed", sectors=["agri-machinery"])
    assert db_session.scalar(select(func.count(Firm.id))) == 1
    firm = db_session.scalar(select(Firm))
    assert firm.name == "Indus Assemblers Renamed"
    assert firm.sectors == ["agri-machinery"]


def test_rejected_form_keeps_input_shows_errors_and_stores_nothing(
    client, auth, make_user, db_session
):
    signed_in_firm_user(auth, make_user)
    response = post_profile(client, name="Keep this name", employees="many", website="javascript:x")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Keep this name"' in html
    assert "must be a whole number" in html
    assert "http:// or https://" in html
    assert db_session.scalar(select(func.count(Firm.id))) == 0


def test_rejected_edit_leaves_the_stored_profile_unchanged(client, auth, make_user, db_session):
    signed_in_firm_user(auth, make_user)
    post_profile(client)
    response = post_profile(client, name="Changed", sectors=[])
    assert response.status_code == 400
    db_session.expire_all()
    firm = db_session.scalar(select(Firm))
    assert firm.name == "Indus Assemblers"
    assert firm.sectors == ["tractors", "agri-machinery"]


def test_urdu_and_cyrillic_round_trip_through_the_form(client, auth, make_user):
    signed_in_firm_user(auth, make_user)
    post_profile(client, name="سیالکوٹ ٹریکٹر", offers="Производим тракторы — چاول")
    html = client.get("/firms").get_data(as_text=True)
    assert "سیالکوٹ ٹریکٹر" in html
    assert "Производим тракторы — چاول" in html


def test_staff_have_no_firm_profile(client, auth, make_user):
    make_user("staff@example.com", role="staff")
    auth.login("staff@example.com")
    assert client.get("/firm/edit").status_code == 403


def test_profile_output_is_escaped(client, auth, make_user, db_session):
    signed_in_firm_user(auth, make_user)
    post_profile(client, name="<script>alert(1)</script>", offers="<img src=x onerror=alert(1)>")
    firm = db_session.scalar(select(Firm))
    html = client.get(f"/firms/{firm.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_directory_search_filters_and_paginates(client, auth, make_user, make_firm, app):
    for n in range(25):
        make_firm(ref=f"PK-{n:03d}", name=f"Tractor Firm {n:02d}", offers="tractor kits")
    make_firm(
        ref="BY-001",
        name="Минский Текстиль",
        country="BY",
        sectors=["textiles"],
        offers="Ткани и трикотаж",
        seeks="Хлопок",
    )
    make_user("firm@example.com")
    auth.login("firm@example.com")
    page1 = client.get("/firms?q=tractor").get_data(as_text=True)
    assert "25 firms found" in page1
    assert "Page 1 of 2" in page1
    page2 = client.get("/firms?q=tractor&page=2").get_data(as_text=True)
    assert page2.count('class="card firm-card"') == 5
    assert "1 firm found" in client.get("/firms?country=BY").get_data(as_text=True)
    assert "1 firm found" in client.get("/firms?sector=textiles").get_data(as_text=True)
    # case-insensitive for Cyrillic too
    assert "1 firm found" in client.get("/firms?q=ТКАНИ").get_data(as_text=True)


def test_directory_search_treats_like_wildcards_literally(client, auth, make_user, make_firm):
    make_firm(ref="PK-1", name="Plain Firm")
    make_user("firm@example.com")
    auth.login("firm@example.com")
    assert "0 firms found" in client.get("/firms?q=%25").get_data(as_text=True)
    assert "0 firms found" in client.get("/firms?q=_").get_data(as_text=True)


def test_directory_search_finds_whole_words_in_any_language_and_forgives_a_typo(
    client, auth, make_user, make_firm, db_session
):
    make_firm(
        ref="PK-1",
        name="Indus Agri",
        city="Multan",
        offers="Tractors and spare parts; 2.5 MVA transformers; CKD/SKD lines",
        seeks="Kits",
    )
    make_firm(
        ref="BY-1",
        name="Neman",
        country="BY",
        city="Minsk",
        offers="Тракторы и запчасти, e-buses",
        seeks="Дилеры",
    )
    make_firm(ref="PK-2", name="Sargodha Kisan", offers="ٹریکٹر کے پرزے", seeks="ڈیلر")
    make_firm(ref="PK-3", name="Thar Lignite Contractors", offers="Earthworks", seeks="Dumpers")
    make_user("firm@example.com")
    auth.login("firm@example.com")
    names = r">(Indus Agri|Neman|Sargodha Kisan|Thar Lignite Contractors)</a>"

    def found(q):
        html = client.get("/firms", query_string={"q": q}).get_data(as_text=True)
        return sorted(re.findall(names, html)), html

    everyone = ["Indus Agri", "Neman", "Sargodha Kisan"]
    assert found("tractor")[0] == everyone  # English, Russian and Urdu profiles
    assert found("ТРАКТОР")[0] == everyone  # Cyrillic, any case
    assert found("ٹریکٹر")[0] == everyone  # Urdu
    assert found("tractors")[0] == everyone  # whole words: never "Contractors"
    assert found("tracter")[0] == everyone  # one typo
    assert found("tract")[0] == []  # not a word of any profile
    assert found("multan tractors")[0] == ["Indus Agri"]  # every word, the city too
    assert found("e-buses")[0] == ["Neman"]  # punctuation splits words
    assert found("2.5 MVA")[0] == ["Indus Agri"]
    assert found("ckd/skd")[0] == ["Indus Agri"]
    assert found("tractors neman")[0] == ["Neman"]  # its Тракторы count for "tractors"
    assert "0 firms found" in found("tractors minsk multan")[1]
    assert "0 firms found" in found("&|!:*'")[1]


def test_directory_search_ranks_the_closest_firm_first(client, auth, make_user, make_firm):
    make_firm(ref="PK-1", name="Alpha", offers="Bus bodies; also a few tractor cabins", seeks="x")
    make_firm(ref="PK-2", name="Beta", offers="Tractor assembly for farm tractors", seeks="x")
    make_user("firm@example.com")
    auth.login("firm@example.com")
    html = client.get("/firms", query_string={"q": "tractor assembly"}).get_data(as_text=True)
    assert re.findall(r">(Alpha|Beta)</a>", html) == ["Beta"]
    html = client.get("/firms", query_string={"q": "tractor"}).get_data(as_text=True)
    assert re.findall(r">(Alpha|Beta)</a>", html) == ["Beta", "Alpha"]


def test_directory_search_sees_a_change_made_after_its_index(
    client, auth, make_user, make_firm, db_session
):
    """The search ranks with the word index it holds and checks it with the page's own
    statement: a firm added or edited since (by this worker or another) is found at once, one
    that lost the word is gone, from the count too, and so is a deleted one."""
    kept = make_firm(ref="PK-1", name="Kept Works", offers="tractor kits", seeks="dealers")
    edited = make_firm(ref="PK-2", name="Edited Works", offers="tractor kits", seeks="dealers")
    make_user("firm@example.com")
    auth.login("firm@example.com")

    def found(q, **filters):
        html = client.get("/firms", query_string={"q": q, **filters}).get_data(as_text=True)
        return re.findall(r">(\w+ Works)</a>", html), re.search(r"(\d+) firms? found", html)[1]

    assert sorted(found("tractor")[0]) == ["Edited Works", "Kept Works"]  # the index is built
    edited.offers = "leather jackets"
    db_session.commit()
    assert found("tractor") == (["Kept Works"], "1")  # ranked stale, read fresh, ranked again
    assert found("jackets") == (["Edited Works"], "1")
    make_firm(ref="PK-3", name="Added Works", offers="leather jackets", seeks="dealers")
    assert sorted(found("jackets")[0]) == ["Added Works", "Edited Works"]
    # An edit of the sectors alone (no column of the firm's row changes) is seen too.
    assert found("jackets", sector="textiles")[0] == []
    write_profile(
        db_session, edited, ref="PK-2", name="Edited Works", offers="leather jackets",
        seeks="dealers", sectors=["textiles"],
    )  # fmt: skip
    assert found("jackets", sector="textiles") == (["Edited Works"], "1")
    db_session.delete(kept)
    db_session.commit()
    assert found("tractor") == ([], "0")


def test_directory_survives_bad_page_numbers(client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    for page in ("abc", "-1", "99999999999999999999"):
        assert client.get(f"/firms?page={page}").status_code in (200, 404)


def test_unknown_firm_is_404_in_the_site_layout(client, auth, make_user):
    make_user("firm@example.com")
    auth.login("firm@example.com")
    response = client.get("/firms/999999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_contact_email_is_hidden_from_firms_not_introduced(client, auth, make_user, make_firm):
    other = make_firm(ref="BY-1", country="BY", contact_email="secret@partner.example")
    make_user("firm@example.com")
    auth.login("firm@example.com")
    html = client.get(f"/firms/{other.id}").get_data(as_text=True)
    assert "secret@partner.example" not in html


def test_long_lists_count_only_up_to_the_cap(client, auth, make_user, make_firm, monkeypatch):
    from matchmaker.services import pages

    monkeypatch.setattr(pages, "COUNT_CAP", 3)
    for n in range(5):
        make_firm(ref=f"PK-{n}", name=f"Firm {n}", city="Lahore" if n < 2 else "Multan")
    make_user("firm@example.com")
    auth.login("firm@example.com")
    assert "3+ firms found" in client.get("/firms").get_data(as_text=True)
    assert "2 firms found" in client.get("/firms?q=lahore").get_data(as_text=True)
    # A search counts in its own query (a window total): capped the same way.
    assert "3+ firms found" in client.get("/firms?q=firm").get_data(as_text=True)
