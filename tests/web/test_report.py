"""The Working Group's report as PDF and XLSX, in English and Russian: pypdf extracts the
figures from the PDF, openpyxl reads the workbook back; a period and an event give their own
scope; only staff download it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from matchmaker.models import Meeting
from tests.helpers.events import post_form, scheduled_event


@pytest.fixture
def outcome_recorded(client, auth, people, db_session):
    event_id = scheduled_event(client, auth, people, db_session)
    post_form(client, f"/events/{event_id}/schedule/publish")
    auth.logout()
    meeting = db_session.scalar(select(Meeting).where(Meeting.pk_firm_id == people["pk1"].id))
    for email, step in (("pk1@example.com", "mou"), ("by1@example.com", "agreement")):
        auth.login(email)
        data = {"held": "yes", "next_step": step, "value": "2700000", "currency": "USD"}
        assert post_form(client, f"/events/outcomes/meeting/{meeting.id}", data).status_code == 302
        auth.logout()
    auth.login("staff@example.com")
    return event_id


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Table cells come out one a line: compare the words.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.slow
def test_event_report_pdf_in_english_and_russian_holds_the_figures(client, outcome_recorded):
    response = client.get(f"/events/report?event={outcome_recorded}&lang=en&format=pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of(response.data)
    assert "Event: Pakistani business delegation to Minsk" in text
    assert "Meetings held 1" in text
    assert "Meetings scheduled 2" in text
    assert "Pakistani firms 2" in text and "Belarusian firms 2" in text
    # The pair's best step (the agreement) counts once, in each sector of either firm.
    assert "Pairs with an agreement, order or contract 1" in text
    assert "USD 2,700,000.00" in text
    assert "Agreements by sector" in text and "Tractors and tractor assembly" in text
    russian = text_of(
        client.get(f"/events/report?event={outcome_recorded}&lang=ru&format=pdf").data
    )
    assert "Проведено встреч 1" in russian
    assert "Тракторы и сборка тракторов" in russian


@pytest.mark.slow
def test_event_report_xlsx_reads_back(client, outcome_recorded):
    response = client.get(f"/events/report?event={outcome_recorded}&lang=ru&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row}
    assert summary["Проведено встреч"] == 1
    assert summary["Запланировано встреч"] == 2
    assert summary["USD"] == 2700000
    agreements = list(book["Agreements"].iter_rows(values_only=True))
    assert agreements[0] == (
        "Отрасль",
        "Меморандум",
        "Соглашение о совместном предприятии или лицензии",
        "Заказ или контракт",
    )
    assert ("Тракторы и сборка тракторов", 0, 1, 0) in agreements
    assert book["Agreements"]._charts and book["Firms"]._charts  # the charts are there


@pytest.mark.slow
def test_a_period_report_counts_what_happened_within_it(client, outcome_recorded):
    before = client.get("/events/report?start=2020-01-01&end=2020-12-31&lang=en&format=xlsx")
    summary = {
        r[0]: r[1]
        for r in load_workbook(io.BytesIO(before.data))["Summary"].iter_rows(values_only=True)
        if r
    }
    assert summary["Meetings held"] == 0 and summary["Pakistani firms"] == 0
    now = client.get("/events/report?start=2027-03-01&end=2027-03-31&lang=en&format=xlsx")
    summary = {
        r[0]: r[1]
        for r in load_workbook(io.BytesIO(now.data))["Summary"].iter_rows(values_only=True)
        if r
    }
    assert summary["Meetings held"] == 1 and summary["Pakistani firms"] == 2


def test_only_staff_download_the_report_and_bad_dates_are_explained(client, auth, people):
    auth.login("pk1@example.com")
    assert client.get("/events/report?format=pdf").status_code == 403
    auth.logout()
    auth.login("staff@example.com")
    assert client.get("/events/report").status_code == 200
    bad = client.get("/events/report?start=2027-13-01&format=pdf")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    backwards = client.get("/events/report?start=2027-03-02&end=2027-03-01&format=pdf")
    assert backwards.status_code == 400 and "must start before" in backwards.get_data(as_text=True)
