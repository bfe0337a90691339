"""What tests share: sign-in and form helpers, test data and a query counter; beside them,
tests/helpers/events.py (the steps to a scheduled event), servers.py (a cookie-keeping HTTP
client and a real gunicorn), journeys.py (the browser journeys' visitor) and random_events.py
(hypothesis strategies for the scheduler). Fixtures live in tests/fixtures/ (loaded through
`pytest_plugins`)."""

from __future__ import annotations

import os
import re
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
    os.environ.get("TEST_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
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
    from matchmaker.services.firm_profile import apply_record
    from matchmaker.services.firm_records import validate_record
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


def count_queries(app, client, path: str, headers=None) -> int:
    statements = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    # The directory search's word index is built once per change of the firms (the page's own
    # statement checks it is current): count a page as it is served once that is done.
    assert client.get(path, headers=headers).status_code == 200, path
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(path, headers=headers).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)
