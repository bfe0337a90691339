"""Each role's main journey in English, Urdu and Russian, at desktop and at phone width.

The language is chosen with the switcher as a person would; every page must be in that
language (the catalogue's text, looked up through the app), in the right direction, fit a
375 px screen without horizontal scrolling, and log no script or console error (the `pages`
fixture fails the test on any)."""

import pytest

from tests.helpers.journeys import LANGUAGES, WIDTHS, Visit

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_newcomer_registers_and_is_told_what_to_fix(pages, say, lang, width):
    visit = Visit(pages, lang, width, "newcomer")
    page = visit.page
    page.goto("/")
    assert say(lang, "Find your partner across Pakistan and Belarus") in page.text_content("h1")
    visit.check("home")
    # Keyboard: the first Tab lands on the skip link, which then shows and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator(".skip").bounding_box()["y"] >= 0
    page.click(f"main a:has-text('{say(lang, 'Register your firm')}')")
    page.fill("#email", "new@firm.example")
    page.fill("#password", "short")
    page.fill("#confirm", "other")
    page.click("main button[type=submit]")
    errors = page.locator("[role=alert]").all_text_contents()
    assert say(lang, "The passwords do not match.") in " ".join(errors)
    assert page.input_value("#email") == "new@firm.example"  # nothing typed is lost
    visit.check("register-errors")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_firm_finds_partners_and_writes_to_them(pages, say, introduced, lang, width):
    visit = Visit(pages, lang, width, "firm")
    visit.sign_in("pk@example.com")
    page = visit.page
    page.goto("/firms?q=tractors")
    assert say(lang, "Firm directory") in page.text_content("h1")
    visit.check("directory")
    page.goto("/matches")
    assert say(lang, "Your introductions") in page.text_content("h1")
    assert "Neman Tractors" in page.text_content("main")
    visit.check("matches")
    page.click(f"main a:has-text('{say(lang, 'Write to %(name)s', name='Neman Tractors')}')")
    page.fill("#body", f"A message in {lang}: ہم تیار ہیں / мы готовы")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert f"A message in {lang}" in page.text_content(".messages")
    visit.check("thread")
    page.goto("/firm/edit")
    assert say(lang, "What your firm offers") in page.text_content("label[for=offers]")
    sizes = page.eval_on_selector_all(
        "main input[type=checkbox]", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert len(sizes) > 20 and min(sizes) >= 16, sizes  # no box squeezed by a long label
    visit.check("profile")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("lang", LANGUAGES)
def test_officer_reviews_decides_and_sees_the_dashboard(pages, say, world, lang, width):
    visit = Visit(pages, lang, width, "officer")
    visit.sign_in("staff@example.com")
    page = visit.page
    page.goto("/review")
    assert say(lang, "Review proposals") in page.text_content("h1")
    visit.check("queue")
    page.click("li.proposal h2 a >> nth=0")
    page.wait_for_load_state()
    assert say(lang, "Why this match") in page.text_content("main")
    visit.check("detail")
    page.fill("textarea[name=note]", "Approved in the browser test")
    page.click("main button.approve")
    page.wait_for_load_state()
    # The decision leads on to the next proposal of the queue, saying what was done.
    done = say(
        lang, "Proposal %(pk)s – %(by)s approved.", pk="Indus Assemblers", by="Neman Tractors"
    )
    assert done in page.text_content(".flashes")
    assert "Other Firm" in page.text_content("h1")
    page.goto("/dashboard")
    assert say(lang, "Introduction funnel by sector") in page.text_content("main")
    assert page.locator("svg[role=img]").count() == 4  # funnel, outcomes, firms, decisions
    visit.check("dashboard")
    page.goto("/review/audit")
    assert "Approved in the browser test" in page.text_content("table")
    visit.check("audit")
