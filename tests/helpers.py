"""What tests share: sign-in and form helpers, test data, a cookie-keeping HTTP client and a
real gunicorn. Fixtures live in tests/fixtures/ (loaded through `pytest_plugins`)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from matchmaker.extensions import db
from matchmaker.models import Proposal

PASSWORD = "correct horse battery staple"
# The shared development set: ../shared/data beside the repository, or TEST_SHARED_DATA (a git
# worktree sits elsewhere).
SHARED_DATA = Path(
    os.environ.get("TEST_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
NO_SHARED_DATA = f"the shared development set is not in {SHARED_DATA} (set TEST_SHARED_DATA)"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def server_missing(message: str) -> None:
    """A server the test needs (PostgreSQL, Redis) is not there: skip, saying so, except in CI,
    where every test must run."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


# --- pages and forms ---------------------------------------------------------------------------


def csrf_token(client, path: str = "/auth/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None):
        token = csrf_token(self.client, "/auth/login")
        path = "/auth/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(
            path, data={"email": email, "password": password, "csrf_token": token}
        )

    def logout(self):
        token = csrf_token(self.client, "/firms")
        return self.client.post("/auth/logout", data={"csrf_token": token})

    def register(self, email: str, password: str = PASSWORD, confirm: str | None = None):
        token = csrf_token(self.client, "/auth/register")
        return self.client.post(
            "/auth/register",
            data={
                "email": email,
                "password": password,
                "confirm": password if confirm is None else confirm,
                "csrf_token": token,
            },
        )


def decide(client, proposal_id, decision="approve", note="", **extra):
    """An officer's decision as the review page posts it."""
    data = {"decision": decision, "note": note, "csrf_token": csrf_token(client, "/firms"), **extra}
    return client.post(f"/review/{proposal_id}", data=data)


def respond(client, proposal_id, response, token=None):
    """A firm's answer to an introduction, as /matches posts it."""
    token = token or csrf_token(client, "/matches")
    return client.post(
        f"/matches/{proposal_id}/respond", data={"response": response, "csrf_token": token}
    )


# The profile form as a firm fills it in (`/firm/edit`).
PROFILE_FORM = {
    "name": "Indus Assemblers",
    "country": "PK",
    "city": "Lahore",
    "sectors": ["tractors", "agri-machinery"],
    "offers": "An assembly hall and 140 dealers in Punjab.",
    "seeks": "CKD tractor kits under licence.",
    "offer_types": ["assembly", "distribution"],
    "seek_types": ["licensing"],
    "description": "",
    "employees": "650",
    "founded": "1989",
    "website": "https://indus.example",
    "contact_email": "",
}


def signed_in_firm_user(auth, make_user, email="firm@example.com"):
    make_user(email)
    auth.login(email)


def post_profile(client, **changes):
    """The profile form (`PROFILE_FORM` with `changes`) as `/firm/edit` posts it."""
    data = {**PROFILE_FORM, **changes, "csrf_token": csrf_token(client, "/firm/edit")}
    return client.post("/firm/edit", data=data)


# --- events (the `people` fixture: tests/fixtures/events.py) ------------------------------------

# The event form as staff fill it in (`/events/new`): two days of six slots.
EVENT_FORM = {
    "title": "Pakistani business delegation to Minsk",
    "city": "Minsk",
    "venue": "Belarus Expo",
    "time_zone": "Europe/Minsk",
    "days": "2027-03-01, 2027-03-02",
    "day_start": "10:00",
    "day_end": "12:00",
    "meeting_minutes": "30",
    "gap_minutes": "0",
    "breaks": "11:00-11:30",
    "tables": "2",
    "online_places": "1",
    "video_base_url": "https://video.example/rooms",
    "max_meetings": "",
    "request_deadline": "",
    "delegation_country": "PK",
    "hosts_open": "y",
    "status": "open",
}


def post_form(client, path, data=None):
    """A form post with a CSRF token taken from /firms."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/firms"), **(data or {})})


def create_event(client, auth, **changes) -> int:
    auth.login("staff@example.com")
    response = post_form(client, "/events/new", {**EVENT_FORM, **changes})
    assert response.status_code == 302, response.get_data(as_text=True)
    event_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    auth.logout()
    return event_id


def register_all(client, auth, people, event_id, invite=("PK-E1", "PK-E2")):
    auth.login("staff@example.com")
    post_form(client, f"/events/{event_id}/invite", {"refs": ", ".join(invite)})
    auth.logout()
    for key in people:
        auth.login(f"{key}@example.com")
        assert post_form(client, f"/events/{event_id}/register").status_code == 302
        auth.logout()


def request_meeting(client, auth, email, event_id, recipient):
    auth.login(email)
    response = post_form(client, f"/events/{event_id}/requests", {"recipient_id": recipient.id})
    auth.logout()
    return response


def scheduled_event(client, auth, people, db_session) -> int:
    """An open event, all of `people` registered, two mutual pairs requested, the scheduler run
    (not published); staff stay signed in."""
    event_id = create_event(client, auth)
    register_all(client, auth, people, event_id)
    request_meeting(client, auth, "pk1@example.com", event_id, people["by1"])
    request_meeting(client, auth, "by1@example.com", event_id, people["pk1"])
    request_meeting(client, auth, "pk2@example.com", event_id, people["by1"])
    request_meeting(client, auth, "by1@example.com", event_id, people["pk2"])
    auth.login("staff@example.com")
    assert post_form(client, f"/events/{event_id}/schedule/run").status_code == 302
    return event_id


# --- data ---------------------------------------------------------------------------------------


def firm_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "ref": "PK-TEST-1",
        "name": "Test Tractors (Pvt) Ltd",
        "country": "PK",
        "city": "Lahore",
        "sectors": ["tractors"],
        "offers": "An assembly hall and a dealer network for tractors in Punjab.",
        "seeks": "A tractor maker to supply CKD kits under licence.",
        "offer_types": ["assembly", "distribution"],
        "seek_types": ["licensing"],
        "description": None,
        "employees": 120,
        "founded": 1999,
        "website": "https://test-tractors.example",
        "contact_email": "info@test-tractors.example",
    }
    record.update(overrides)
    return record


def write_profile(session, firm, **overrides: Any):
    """Give `firm` the record `firm_record(**overrides)` (validated, as a save would) and commit."""
    from matchmaker.services.firm_records import validate_record
    from matchmaker.services.firms import apply_record
    from matchmaker.services.reference import TAXONOMY

    record, errors = validate_record(firm_record(**overrides), TAXONOMY)
    assert not errors, errors
    apply_record(firm, record)
    session.commit()
    return firm


# Three pairs of complementary firms: each PK firm's best partner is the BY firm of its number.
MATCHING_PROFILES = [
    ("PK-1", "PK", ["tractors"], "tractor assembly hall, dealers", "tractor kits licence",
     ["assembly"], ["licensing"]),
    ("PK-2", "PK", ["rice"], "basmati rice export", "rice importers", ["export"],
     ["distribution"]),
    ("PK-3", "PK", ["textiles"], "bed sheets and towels", "retail chains for home textiles",
     ["export"], ["distribution"]),
    ("BY-1", "BY", ["tractors"], "tractor kits licence", "tractor assembly hall, dealers",
     ["licensing"], ["assembly"]),
    ("BY-2", "BY", ["rice"], "grocery chain importing rice", "basmati rice exporters",
     ["distribution"], ["export"]),
    ("BY-3", "BY", ["textiles"], "home goods stores", "bed sheets and towels makers",
     ["distribution"], ["export"]),
]  # fmt: skip


def seed_matching_firms(make_firm) -> dict[str, Any]:
    """The six firms of MATCHING_PROFILES, by ref."""
    return {
        ref: make_firm(
            ref=ref,
            name=f"Firm {ref}",
            country=country,
            sectors=sectors,
            offers=offers,
            seeks=seeks,
            offer_types=offer_types,
            seek_types=seek_types,
        )
        for ref, country, sectors, offers, seeks, offer_types, seek_types in MATCHING_PROFILES
    }


def pair(db_session, pk, by) -> Proposal | None:
    """The stored proposal of two firms, if any."""
    return db_session.scalar(
        select(Proposal).where(Proposal.pk_firm_id == pk.id, Proposal.by_firm_id == by.id)
    )


def reload_proposal(db_session, proposal_id) -> Proposal | None:
    db_session.expire_all()
    return db_session.scalar(select(Proposal).where(Proposal.id == proposal_id))


# --- a browser without a browser, and a real gunicorn -------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies kept, redirects not followed: a form-posting client for real servers."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def login(self, email: str) -> str:
        token = CSRF_RE.search(self.get("/auth/login")).group(1)
        assert (
            self.post("/auth/login", {"email": email, "password": PASSWORD, "csrf_token": token})
            == 302
        )
        return CSRF_RE.search(self.get("/firms")).group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    base: str
    process: subprocess.Popen


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log_dir: Path) -> Iterator[Served]:
    """Start gunicorn on a free port with `env` over os.environ (keys set to None are removed),
    wait until /healthz answers, stop it afterwards. Its log: log_dir/gunicorn.log."""
    port = free_port()
    environment = {**os.environ, **env}
    for key in [k for k, v in environment.items() if v is None]:
        del environment[key]
    executable = Path(sys.executable).with_name("gunicorn")
    with open(log_dir / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own server and arguments
            [
                str(executable),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "matchmaker:create_app()",
            ],
            env=environment,
            stdout=log,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(900):  # up to 90 s: a loaded 2-core machine took 40 s to start it
                try:
                    Browser(base).get("/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            yield Served(base, process)
        finally:
            process.terminate()
            process.wait(timeout=20)


# Browser journeys (tests/e2e): the languages and widths each runs in, and a visitor that checks
# every page it sees.
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


def count_queries(app, client, path: str, headers=None) -> int:
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    # The directory search's word index is built once per change of the firms (one query per
    # search checks it is current): count a page as it is served once that is done.
    assert client.get(path, headers=headers).status_code == 200, path
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path, headers=headers).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)
