"""Browser tests: the app served from a thread, driven by Playwright in the system Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from matchmaker.models import Thread
from matchmaker.services import messaging, review
from matchmaker.services.accounts import find_user

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = (
    Path(os.environ.get("SCREENSHOT_DIR", "")) if os.environ.get("SCREENSHOT_DIR") else None
)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (CI installs Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI the browser suite must run, never be skipped
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


class Pages:
    """New pages that fail the test on any script error or console error."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.errors: list[str] = []
        self.contexts = []

    def new(self, width: int = 1280, height: int = 900):
        context = self.browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}
        )
        self.contexts.append(context)
        page = context.new_page()
        # A form sent back with its errors answers 400/409 (on purpose: the status says it
        # failed); Chromium logs that document as a failed load. Only those are expected.
        rejected_forms: set[str] = set()

        def on_response(response) -> None:
            request = response.request
            if request.is_navigation_request() and request.method == "POST":
                if response.status in (400, 409):
                    rejected_forms.add(response.url)

        def on_console(msg) -> None:
            if msg.type != "error":
                return
            if msg.text.startswith("Failed to load resource") and (
                msg.location.get("url") in rejected_forms
            ):
                return
            self.errors.append(f"console {msg.type}: {msg.text}")

        page.on("response", on_response)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", on_console)
        return page

    def shot(self, page, name: str) -> None:
        if SCREENSHOTS is not None:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, live_server):
    helper = Pages(browser, live_server)
    yield helper
    helper.close()
    assert helper.errors == []


@pytest.fixture
def say(app):
    """The catalogue's text in a language, as the app shows it."""

    def translate(lang: str, text: str, **variables) -> str:
        with app.test_request_context(), force_locale(lang):
            return gettext(text, **variables)

    return translate


@pytest.fixture
def introduced(app, world, db_session):
    """The world's first proposal approved, with a first message from the Pakistani firm."""
    with app.test_request_context():  # the services send their e-mails
        officer = find_user(db_session, "staff@example.com")
        review.decide(db_session, officer, world.proposal_id, "approve", "Good fit")
        messaging.post_message(
            db_session, find_user(db_session, "pk@example.com"), _thread(db_session), "Salaam!"
        )
    return world


def _thread(db_session) -> int:
    return db_session.scalar(select(Thread.id))
