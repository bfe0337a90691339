"""The officer's tools in the browser, in English, Urdu and Russian at desktop and phone width:
a bulk approval with its confirmation, the audit trail filtered and downloaded as XLSX (read
back with openpyxl: the same rows as the page), and an .xlsx import whose bad row is shown by
its line number with nothing written."""

import pytest
from flask_babel import force_locale, ngettext
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.models import Firm, Proposal
from tests.helpers.journeys import LANGUAGES, WIDTHS, Visit

pytestmark = pytest.mark.e2e


@pytest.fixture
def say_n(app):
    def translate(lang: str, singular: str, plural: str, num: int, **variables) -> str:
        with app.test_request_context(), force_locale(lang):
            return ngettext(singular, plural, num, **variables)

    return translate


def bad_workbook(path):
    book = Workbook()
    rows = [
        ["ref", "name", "country", "sectors", "offers", "seeks"],
        ["PK-XL-1", "Good Firm", "PK", "tractors", "Assembly hall.", "CKD kits."],
        ["PK-XL-2", "Bad Firm", "XX", "tractors", "Assembly hall.", "CKD kits."],
    ]
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_officer_bulk_approves_exports_the_audit_trail_and_imports(
    pages, say, say_n, world, db_session, tmp_path, lang, width
):
    visit = Visit(pages, lang, width, "officer-tools")
    visit.sign_in("staff@example.com")
    page = visit.page
    assert page.url.endswith("/review")  # an officer lands on the queue

    # A bulk approval: nothing is preselected, a confirmation says what will happen.
    page.goto("/review?sort=score_asc")
    assert page.input_value("#bulk-decision") == ""
    for box in page.locator("input[name=ids]").all():
        box.check()
    page.select_option("#bulk-decision", "approve")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_load_state()
    summary = page.text_content(".confirm-summary")
    assert say_n(lang, "Approve %(num)s proposal:", "Approve %(num)s proposals:", 2) in summary
    assert say_n(lang, "%(num)s e-mail will be sent,", "%(num)s e-mails will be sent,", 3) in (
        summary
    )
    assert db_session.scalar(select(func.count()).where(Proposal.status == "approved")) == 0
    visit.check("bulk-confirm")
    page.fill("#note", "JWG session")
    page.click("form.bulk-confirm button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/review?sort=score_asc")  # the filters are kept
    flash = page.text_content(".flashes")
    assert say_n(lang, "%(num)s proposal approved.", "%(num)s proposals approved.", 2) in flash
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).where(Proposal.status == "approved")) == 2

    # The audit trail, filtered by officer and firm, downloaded as XLSX: the page's rows.
    page.goto("/review/audit")
    page.select_option("#officer", label="staff@example.com")
    page.fill("#firm", "Other")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    shown = page.locator("main table tbody tr").all()
    assert len(shown) == 1
    visit.check("audit-filtered")
    with page.expect_download() as download:
        page.click("p.downloads a:has-text('XLSX')")
    path = tmp_path / "audit.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("decided_at", "officer", "action")
    assert [(r[1], r[8], r[10]) for r in rows[1:]] == [
        ("staff@example.com", "Neman Tractors", "JWG session")
    ]
    cells = shown[0].locator("td").all_text_contents()
    assert cells[1] == rows[1][1] and rows[1][6] in cells[2] and cells[4] == rows[1][10]

    # An .xlsx with a bad row: its line-numbered error, nothing written.
    firms_before = db_session.scalar(select(func.count(Firm.id)))
    page.goto("/review/import")
    assert say(lang, "Import firms") in page.text_content("h1")
    page.set_input_files("#file", str(bad_workbook(tmp_path / "firms.xlsx")))
    page.click("form.import-form button[type=submit]")
    page.wait_for_load_state()
    problems = page.text_content(".import-report")
    assert "line 3: country:" in problems
    assert (
        say_n(
            lang,
            "%(num)s problem: nothing was written. Correct the file and check it again.",
            "%(num)s problems: nothing was written. Correct the file and check it again.",
            1,
        )
        in problems
    )
    assert page.locator("form[action^='/review/import/']").count() == 0  # no import button
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Firm.id))) == firms_before
    visit.check("import-errors")
