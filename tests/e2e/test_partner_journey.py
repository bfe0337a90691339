"""A firm's journey to a partner, in English, Urdu and Russian at desktop and phone width: it
requests an introduction from the directory, the officer sees the request marked and approves
it, the two firms write to each other (a link in a message is a link), one declines and the
conversation is closed for both. On the way: the home page, the profile form's counter and its
warning before a language switch."""

import pytest

from tests.helpers.journeys import LANGUAGES, WIDTHS, Visit

pytestmark = pytest.mark.e2e


@pytest.fixture
def minsk(world, make_firm, make_user):
    """A Belarusian firm with an account and no proposal with the Pakistani firm."""
    firm = make_firm(ref="BY-2", name="Minsk Motors", country="BY", city="Minsk")
    make_user("minsk@example.com", firm=firm)
    return firm


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_firm_requests_an_introduction_and_the_thread_closes_on_decline(
    pages, say, world, minsk, lang, width
):
    other = next(code for code in LANGUAGES if code != lang)
    # The Pakistani firm: home page, then the directory, where it asks for an introduction.
    firm = Visit(pages, lang, width, "request")
    firm.sign_in("pk@example.com")
    page = firm.page
    assert say(lang, "Your partner pipeline") in page.text_content("h1")
    firm.check("home")
    page.goto("/firms?country=BY")
    card = page.locator("li.firm-card", has_text="Minsk Motors")
    card.locator("summary").click()
    card.locator("textarea[name=message]").fill("We assemble tractors — kits from Minsk?")
    card.locator("form[action$='/request'] button[type=submit]").click()
    page.wait_for_load_state()
    sent = say(
        lang,
        "Your request is with EDB. An officer reviews it; when they approve, you can write to "
        "the firm here and you both get an e-mail.",
    )
    assert sent in page.text_content("main [role=status], main .flash, main")
    card = page.locator("li.firm-card", has_text="Minsk Motors")
    assert say(lang, "Introduction requested: EDB is reviewing it") in card.text_content()
    firm.check("directory-requested")
    # The profile form counts long texts and warns before a language switch loses input.
    page.goto("/firm/edit")
    assert page.locator("#offers + .counter").count() == 1
    page.fill("#city", "Lahore Cantt")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"form.languages button[value='{other}']")
    assert page.get_attribute("html", "lang") == lang  # stayed
    assert page.input_value("#city") == "Lahore Cantt"  # nothing lost
    firm.check("profile-warned")

    # The officer: the request first in the queue, marked, and approved.
    officer = Visit(pages, lang, width, "request-officer")
    officer.sign_in("staff@example.com")
    page = officer.page
    page.goto("/review")
    first = page.locator("li.proposal").first
    assert "Minsk Motors" in first.text_content()
    assert say(lang, "Requested by %(name)s", name="Indus Assemblers") in first.text_content()
    assert "kits from Minsk?" in first.text_content()
    officer.check("queue-marked")
    first.locator("button.approve").click()
    page.wait_for_load_state()

    # The two firms write to each other.
    page = firm.page  # each visitor has a browser context of its own, still signed in
    page.goto("/messages")
    page.click("main a:has-text('Minsk Motors')")
    page.fill(
        "#body",
        "Our catalogue: www.indus.example/catalogue. Call on Monday? We assemble CKD tractor kits "
        "and would like to talk about gearboxes for the next season.",
    )
    page.click("main form.card button[type=submit]")
    page.wait_for_load_state()
    firm.check("thread-sent")

    partner = Visit(pages, lang, width, "request-partner")
    partner.sign_in("minsk@example.com")
    page = partner.page
    page.goto("/messages")
    assert "Our catalogue" in page.text_content(".preview")  # the last message's first line
    # A first line longer than the screen is cut with an ellipsis, never widens the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("main a:has-text('Indus Assemblers')")
    link = page.locator(".messages a[href='https://www.indus.example/catalogue']")
    assert link.get_attribute("rel") == "nofollow noopener"
    assert say(lang, "Minsk time") in page.text_content(".messages time")
    page.fill("#body", "Yes, Monday at 11.")
    page.click("main form.card button[type=submit]")
    page.wait_for_load_state()
    assert "Yes, Monday at 11." in page.text_content(".messages")
    # It declines: confirmed, then closed for both.
    page.goto("/matches")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("li.introduction", has_text="Indus Assemblers").locator("button.reject").click()
    page.wait_for_load_state()
    page.goto("/messages")
    page.click("main a:has-text('Indus Assemblers')")
    assert page.locator("#body").count() == 0
    assert say(lang, "Closed") in page.text_content("h1")
    partner.check("thread-closed")

    page = firm.page
    page.reload()
    assert page.locator("#body").count() == 0
    assert "Yes, Monday at 11." in page.text_content(".messages")
    notice = say(
        lang,
        "%(name)s declined this introduction. The conversation is closed: both firms can read "
        "it, nobody can write.",
        name="Minsk Motors",
    )
    assert notice in page.text_content(".notice")
    firm.check("thread-closed")
