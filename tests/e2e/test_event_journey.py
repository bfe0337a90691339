"""A delegation visit from end to end in English, Russian and Urdu, as people click through it:
staff create the event; a Pakistani (invited delegation) and a Belarusian (host) firm register
and request meetings; staff schedule and publish; each firm sees its agenda and downloads its
.ics; after the event both record an MoU; the dashboard counts it."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from matchmaker.models import Meeting, Proposal, ProposalStatus
from tests.helpers.journeys import Visit

pytestmark = pytest.mark.e2e


@pytest.fixture
def delegation(make_firm, make_user, db_session):
    pk = make_firm(ref="PK-D1", name="Indus Tractor Works", country="PK")
    by = make_firm(ref="BY-H1", name="Minsk Tractor Plant", country="BY")
    other = make_firm(ref="BY-H2", name="Brest Implements", country="BY")
    for email, firm in (("pk@example.com", pk), ("by@example.com", by), ("by2@example.com", other)):
        make_user(email, firm=firm)
    make_user("staff@example.com", role="staff")
    db_session.add(
        Proposal(
            pk_firm_id=pk.id,
            by_firm_id=by.id,
            score=0.82,
            reasons=[{"code": "sectors_shared", "sectors": ["tractors"]}],
            signals={},
            status=ProposalStatus.APPROVED,
        )
    )
    db_session.commit()
    return pk, by


def as_firm(pages, lang, email):
    visit = Visit(pages, lang, 1280, "event")
    visit.sign_in(email)
    return visit


@pytest.mark.parametrize("lang", ["en", "ru", "ur"])
def test_delegation_visit_from_event_to_mou(pages, say, delegation, db_session, lang):  # noqa: F811
    pk, by = delegation
    staff = Visit(pages, lang, 1280, "event")
    staff.sign_in("staff@example.com")
    page = staff.page
    page.click(f"nav a:has-text('{say(lang, 'Events')}')")
    page.click(f"main a:has-text('{say(lang, 'New event')}')")
    page.fill("#title", "Pakistani business delegation to Minsk")
    page.fill("#city", "Minsk")
    page.fill("#venue", "Belarus Expo, hall 2")
    page.fill("#days", "2027-03-01, 2027-03-02")
    page.fill("#day_start", "10:00")
    page.fill("#day_end", "13:00")
    page.fill("#breaks", "11:30-12:00")
    page.fill("#tables", "3")
    page.select_option("#delegation_country", "PK")
    page.select_option("#status", "open")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Pakistani business delegation to Minsk" in page.text_content("h1")
    event_url = page.url
    page.fill("#refs", "PK-D1")
    page.click("form[action$='/invite'] button")
    page.wait_for_load_state()
    assert say(lang, "invited") in page.text_content("main table")
    staff.check("staff-event")

    firms = {}
    for email in ("pk@example.com", "by@example.com"):
        visit = as_firm(pages, lang, email)
        firms[email] = visit
        firm_page = visit.page
        firm_page.goto(event_url)
        firm_page.click(f"main button:has-text('{say(lang, 'Register my firm')}')")
        firm_page.wait_for_load_state()
        assert say(lang, "Your firm is registered.") in firm_page.text_content("main")
        firm_page.check("input[name=unavailable] >> nth=0")
        firm_page.click(f"#availability button:has-text('{say(lang, 'Save availability')}')")
        firm_page.wait_for_load_state()
    # The Pakistani firm sees why they match and asks; the Belarusian firm accepts.
    pk_page = firms["pk@example.com"].page
    pk_page.goto(event_url)
    partner_card = pk_page.locator("#firms li.card", has_text="Minsk Tractor Plant")
    assert say(lang, "introduced by EDB") in partner_card.text_content()
    firms["pk@example.com"].check("firm-event")
    partner_card.locator("textarea").fill("Tractor kits for Punjab")
    partner_card.locator("button").click()
    pk_page.wait_for_load_state()
    by_page = firms["by@example.com"].page
    by_page.goto(event_url)
    row = by_page.locator("#requests tr", has_text="Indus Tractor Works")
    assert "Tractor kits for Punjab" in row.text_content()
    row.locator("button[value=accept]").click()
    by_page.wait_for_load_state()
    assert say(lang, "Request accepted.") in by_page.text_content(".flashes")

    page.goto(event_url + "/schedule")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"main button:has-text('{say(lang, 'Run the scheduler')}')")
    page.wait_for_load_state()
    assert "Indus Tractor Works – Minsk Tractor Plant" in page.text_content(".schedule-grid")
    staff.check("schedule")
    pk_page.goto(event_url + "/agenda")
    assert "Minsk Tractor Plant" not in pk_page.text_content("main")  # not published yet
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"main button:has-text('{say(lang, 'Publish')}')")
    page.wait_for_load_state()
    assert say(lang, "published") in page.text_content("main")

    meeting = db_session.scalar(select(Meeting))
    for email, partner in (("pk@example.com", "Minsk Tractor Plant"), ("by@example.com", "Indus")):
        visit = firms[email]
        visit.page.goto(event_url + "/agenda")
        assert partner in visit.page.text_content("main table")
        assert say(lang, "Table %(num)s", num=meeting.published_table) in visit.page.text_content(
            "main table"
        )
        visit.check(f"agenda-{email.split('@')[0]}")
        with visit.page.expect_download() as download:
            visit.page.click("main a[href$='agenda.ics']")
        calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        (entry,) = calendar.walk("VEVENT")
        assert partner in str(entry["SUMMARY"])
        assert entry["DTSTART"].params["TZID"] == "Europe/Minsk"

    # After the event both firms record an MoU.
    for email in ("pk@example.com", "by@example.com"):
        visit = firms[email]
        visit.page.click(f"nav a:has-text('{say(lang, 'Outcomes')}')")
        card = visit.page.locator(f"#meeting-{meeting.id}")
        card.locator("select[name=held]").select_option("yes")
        card.locator("select[name=next_step]").select_option("mou")
        card.locator("button").click()
        visit.page.wait_for_load_state()
        assert say(lang, "Outcome saved.") in visit.page.text_content(".flashes")
        visit.check(f"outcomes-{email.split('@')[0]}")

    page.goto("/dashboard")
    event_row = page.locator("#event-funnel tbody tr", has_text="Pakistani business delegation")
    cells = event_row.locator("td").all_text_contents()
    # firms, requests, meetings, scheduled, met, MoU, agreement
    assert cells == ["2", "1", "1", "1", "1", "1", "0"], cells
    tractors = page.locator("#outcomes table >> nth=0").locator(
        "tr", has_text=say(lang, "Tractors and tractor assembly")
    )
    assert tractors.locator("td").all_text_contents()[3:6] == ["1", "1", "0"]
    staff.check("dashboard")

    # The Working Group's report counts it too (English or Russian: Urdu readers get English).
    report_lang = "ru" if lang == "ru" else "en"
    page.goto("/events")
    page.click(f"main a:has-text('{say(lang, 'Working Group report')}')")
    page.select_option("#event", label="Pakistani business delegation to Minsk")
    page.select_option("#lang", report_lang)
    staff.check("report-form")
    with page.expect_download() as download:
        page.click("main button[value=pdf]")
    reader = PdfReader(download.value.path())
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert say(report_lang, "Meetings held") + " 1" in text
    assert say(report_lang, "Pairs with a memorandum of understanding or more") + " 1" in text

    # On a phone, each page of the firm's journey fits the screen.
    phone = Visit(pages, lang, 375, "event-phone")
    phone.sign_in("pk@example.com")
    for step, path in (("event", event_url), ("agenda", event_url + "/agenda")):
        phone.page.goto(path)
        phone.check(step)
    phone.page.goto("/events/outcomes")
    phone.check("outcomes")
