"""Browser journeys (tests/e2e): the languages and widths each runs in, and a visitor that checks
every page it sees."""

from tests.helpers import PASSWORD

LANGUAGES = ["en", "ur", "ru"]
WIDTHS = {"desktop": 1280, "phone": 375}
# What sticks out of the screen, to name it when a page is too wide.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => {
    const r = e.getBoundingClientRect()
    return r.right > innerWidth + 1 || r.left < -1
  })
  .concat([...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1
    && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0))
  .slice(-4).map(e => e.outerHTML.slice(0, 160))"""


class Visit:
    def __init__(self, pages, lang: str, width: int, label: str) -> None:
        self.pages, self.lang, self.width, self.label = pages, lang, width, label
        self.page = pages.new(width=width)
        self.page.goto("/auth/login")
        if lang != "en":
            self.page.click(f"form.languages button[value='{lang}']")
            self.page.wait_for_load_state()

    def check(self, step: str) -> None:
        page = self.page
        assert page.get_attribute("html", "lang") == self.lang
        assert page.get_attribute("html", "dir") == ("rtl" if self.lang == "ur" else "ltr")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, (step, width, page.evaluate(WIDEST))
        self.pages.shot(page, f"{self.label}-{step}-{self.lang}-{self.width}")

    def sign_in(self, email: str) -> None:
        self.page.fill("#email", email)
        self.page.fill("#password", PASSWORD)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state()
