"""Company accounts and attachments in the browser, in English, Urdu and Russian, at desktop
and phone width: an admin invites a colleague, who joins from the e-mailed link and sees the
firm's conversations; a firm sends a message with a file, which the partner downloads."""

import re
from pathlib import Path

import pytest

from tests.helpers import PASSWORD
from tests.helpers.journeys import LANGUAGES, WIDTHS, Visit

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def invitation_link(app) -> str:
    mails = sorted(
        Path(app.config["MAIL_FILE_PATH"]).glob("*.log"), key=lambda p: p.stat().st_mtime_ns
    )
    text = "".join(p.read_text() for p in mails)
    return re.findall(r"http://matchmaker\.test(/auth/invitation/\S+)", text)[-1]


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_invited_colleague_joins_and_sees_the_firms_threads(
    app,
    pages,
    say,
    introduced,
    tmp_path,
    lang,
    width,
):
    admin = Visit(pages, lang, width, "company-admin")
    admin.sign_in("pk@example.com")
    page = admin.page
    page.goto("/auth/account")
    assert say(
        lang, "Not confirmed yet: open the link we sent to this address."
    ) in page.text_content("#address")
    admin.check("account")
    page.click(f"#company a:has-text('{say(lang, 'Colleagues')}')")
    page.wait_for_load_state()
    assert say(lang, "Colleagues") in page.text_content("h1")
    page.fill("#email", "colleague@example.com")
    page.click(f"main button:has-text('{say(lang, 'Send the invitation')}')")
    page.wait_for_load_state()
    assert "colleague@example.com" in page.text_content(".invitations")
    admin.check("colleagues")
    for path, title, step in (
        ("/auth/account/email", "Change your e-mail address", "email"),
        ("/auth/account/delete", "Delete your account", "delete"),
    ):
        page.goto(path)
        assert say(lang, title) in page.text_content("h1")
        assert page.get_attribute("#password", "autocomplete") == "current-password"
        admin.check(step)

    colleague = Visit(pages, lang, width, "company-colleague")
    page = colleague.page
    page.goto(invitation_link(app))
    assert say(lang, "Join %(firm)s", firm="Indus Assemblers") in page.text_content("h1")
    assert page.get_attribute("#password", "autocomplete") == "new-password"
    colleague.check("invitation")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    flash = page.text_content(".flashes")
    assert (
        say(lang, "Welcome to the company account of %(firm)s.", firm="Indus Assemblers") in flash
    )
    # Signed out and in again with the new password: the firm's conversations are there.
    page.click(f"header button:has-text('{say(lang, 'Sign out')}')")
    page.wait_for_load_state()
    colleague.sign_in("colleague@example.com")
    page.goto("/messages")
    assert "Neman Tractors" in page.text_content("main")
    colleague.check("inbox")
    page.click("main a:has-text('Neman Tractors') >> nth=0")
    page.wait_for_load_state()
    assert "Salaam!" in page.text_content(".messages")
    # The firm's profile is the colleague's to keep too: a catalogue added to it.
    catalogue = tmp_path / "catalogue.pdf"
    catalogue.write_bytes(PDF)
    page.goto(f"/firms/{introduced.pk.id}")
    page.set_input_files("#document-file", str(catalogue))
    page.click(f"#documents button:has-text('{say(lang, 'Upload')}')")
    page.wait_for_load_state()
    assert "catalogue.pdf" in page.text_content("#documents .attachments")
    colleague.check("profile-documents")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_message_with_a_file_is_downloaded_by_the_partner(
    app,
    pages,
    say,
    introduced,
    tmp_path,
    lang,
    width,
):
    sender = Visit(pages, lang, width, "attach-sender")
    sender.sign_in("pk@example.com")
    page = sender.page
    page.goto("/messages")
    page.click("main a:has-text('Neman Tractors') >> nth=0")
    page.wait_for_load_state()
    # A file over 10 MB is refused in the page, before it is sent.
    big = tmp_path / "scan.pdf"
    big.write_bytes(PDF + b"0" * (10 * 1024 * 1024))
    page.set_input_files("#file", str(big))
    too_large = say(lang, "This file is over 10 MB; choose a smaller one.")
    assert page.text_content("#file-size-error") == too_large
    assert page.evaluate("document.getElementById('file').files.length") == 0
    # A lying file: refused by the server, with the reason, and the typed text kept.
    lie = tmp_path / "price list.pdf"
    lie.write_bytes(b"<!doctype html><p>not a pdf</p>")
    page.fill("#body", "Our price list")
    page.set_input_files("#file", str(lie))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "price list.pdf" in page.text_content("#file-error")
    assert page.input_value("#body") == "Our price list"
    sender.check("refused-file")
    offer = tmp_path / "offer 2026.pdf"
    offer.write_bytes(PDF)
    page.set_input_files("#file", str(offer))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "offer 2026.pdf" in page.text_content(".messages .attachments")
    sender.check("sent-file")

    partner = Visit(pages, lang, width, "attach-partner")
    partner.sign_in("by@example.com")
    page = partner.page
    page.goto("/messages")
    page.click("main a:has-text('Indus Assemblers') >> nth=0")
    page.wait_for_load_state()
    partner.check("thread-with-file")
    with page.expect_download() as download_info:
        page.click(".messages .attachments a:has-text('offer 2026.pdf')")
    download = download_info.value
    assert download.suggested_filename == "offer 2026.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF
