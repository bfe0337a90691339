"""The whole journey as people do it: two firms register and describe themselves, proposals
are computed, an EDB officer approves, both see the introduction and exchange messages."""

import pytest

from tests.helpers import PASSWORD

pytestmark = pytest.mark.e2e

PK_PROFILE = {
    "name": "Lahore Tractor Assemblers",
    "city": "Lahore",
    "offers": "A 12,000 m² assembly hall for tractors and 140 dealers serving farmers in Punjab.",
    "seeks": "A tractor maker that supplies CKD tractor kits under licence with training.",
    "employees": "650",
    "founded": "1989",
}
BY_PROFILE = {
    "name": "Минский тракторный завод-экспорт",
    "city": "Minsk",
    "offers": "Tractor CKD kits under licence, training of assembly technicians, warranty parts.",
    "seeks": "An assembler with a tractor assembly hall and a dealer network for farmers.",
    "employees": "4200",
    "founded": "1946",
}


def register_and_describe(
    pages, email, country, profile, sectors, offer_types, seek_types, shot=None
):
    page = pages.new()
    page.goto("/auth/register")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/firm/edit")
    for field, value in profile.items():
        page.fill(f"#{field}", value)
    page.select_option("#country", country)
    for code in sectors:
        page.check(f"#sectors-group input[value='{code}']")
    for code in offer_types:
        page.check(f"#offer_types-group input[value='{code}']")
    for code in seek_types:
        page.check(f"#seek_types-group input[value='{code}']")
    if shot:
        pages.shot(page, shot)
    page.click("button:has-text('Save profile')")
    page.wait_for_url("**/home")  # the firm's pipeline, told what happens next
    assert "EDB reviews each proposal" in page.text_content(".flashes")
    return page


def sign_in(pages, email, width=1280):
    page = pages.new(width=width)
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def test_two_firms_meet_through_an_approved_introduction(pages, make_user):
    pk = register_and_describe(
        pages,
        "pk@firm.example",
        "PK",
        PK_PROFILE,
        ["tractors"],
        ["assembly", "distribution"],
        ["licensing"],
        shot="profile-form",
    )
    by = register_and_describe(
        pages,
        "by@firm.example",
        "BY",
        BY_PROFILE,
        ["tractors", "agri-machinery"],
        ["licensing", "services"],
        ["assembly", "distribution"],
    )
    pk.goto("/firms")
    pages.shot(pk, "directory")
    assert "2 firms found" in pk.text_content("main")

    make_user("officer@edb.example", role="staff")
    staff = sign_in(pages, "officer@edb.example")
    staff.goto("/review")
    card = staff.locator("li.proposal").first
    assert "Lahore Tractor Assemblers" in card.text_content()
    assert "Both work in Tractors and tractor assembly." in card.text_content()
    pages.shot(staff, "review-queue")
    card.locator("textarea[name=note]").fill("Strong fit for Punjab")
    card.locator("button.approve").click()
    staff.wait_for_load_state()
    assert "approved" in staff.text_content(".flashes")

    pk.goto("/matches")
    assert "Минский тракторный завод-экспорт" in pk.text_content("main")
    pages.shot(pk, "introductions")
    pk.click("text=Write to")
    pk.fill("#body", "Salaam from Lahore! Can we discuss 500 kits a year?")
    pk.click("button:has-text('Send')")
    pk.wait_for_load_state()
    assert "500 kits a year" in pk.text_content(".messages")

    by.goto("/firms")
    assert by.locator("nav .badge").text_content().strip() == "1"
    by.goto("/messages")
    by.click("text=Lahore Tractor Assemblers")
    by.fill("#body", "Здравствуйте! Yes — let us plan a call next week.")
    by.click("button:has-text('Send')")
    by.wait_for_load_state()
    pages.shot(by, "thread")
    assert "let us plan a call" in by.text_content(".messages")

    pk.goto("/messages")
    assert "1 unread" in pk.text_content("main")


def test_pages_fit_a_phone_screen(pages, make_user, make_firm):
    firm = make_firm(ref="PK-1", name="A firm with a rather long name (Private) Limited, Sialkot")
    make_user("firm@example.com", firm=firm)
    page = sign_in(pages, "firm@example.com", width=375)
    for path in (
        "/firms",
        f"/firms/{firm.id}",
        "/firm/edit",
        "/matches",
        "/messages",
        "/auth/account",
    ):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
    page.goto("/firms")
    pages.shot(page, "directory-phone")
