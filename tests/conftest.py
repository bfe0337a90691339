"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL with TEST_DATABASE_URL),
the client, the CLI runner, an `auth` helper and small factories."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from matchmaker import create_app
from matchmaker.config import normalise_database_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REFERENCE_TABLES = {"sectors", "cooperation_types", "alembic_version"}
PASSWORD = "correct horse battery staple"
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _config(tmp_path: Path, url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "STATE_DIR": str(tmp_path / "state"),
        "MAIL_FILE_PATH": str(tmp_path / "outbox"),
        "SITE_URL": "http://matchmaker.test",
    }


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated schema, built once per run: a SQLite file to copy, or the PostgreSQL URL."""
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("template")
    if TEST_DATABASE_URL:
        url = normalise_database_url(TEST_DATABASE_URL)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp / 'template.db'}"
    app = create_app(_config(tmp, url))
    with app.app_context():
        upgrade()
        from matchmaker.extensions import db

        db.engine.dispose()
    return url


@pytest.fixture
def app(template_database: str, tmp_path: Path) -> Iterator[Flask]:
    if TEST_DATABASE_URL:
        url = template_database
    else:
        source = template_database.removeprefix("sqlite:///")
        target = tmp_path / "test.db"
        shutil.copy(source, target)
        url = f"sqlite:///{target}"
    application = create_app(_config(tmp_path, url))
    yield application
    from matchmaker.extensions import db

    with application.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            tables = [t for t in db.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
            names = ", ".join(t.name for t in tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def live_server(app: Flask):
    """The app served by a threaded server on a free port, for browsers and concurrency."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask):
    """A session of its own on the app's engine. It deliberately does not keep an application
    context pushed: requests made by the test client must each get a fresh one (and `g`)."""
    from sqlalchemy.orm import Session

    from matchmaker.extensions import db

    with app.app_context():
        engine = db.engine
    session = Session(engine)
    yield session
    session.close()


@pytest.fixture
def app_context(app: Flask):
    """For calling services that need the application (mail, config) directly."""
    with app.app_context():
        yield


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
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


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


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


@pytest.fixture
def make_firm(db_session):
    from matchmaker.models import Firm
    from matchmaker.services.firm_records import validate_record
    from matchmaker.services.firms import apply_record, load_taxonomy

    def make(**overrides: Any) -> Firm:
        record, errors = validate_record(firm_record(**overrides), load_taxonomy(db_session))
        assert not errors, errors
        firm = Firm(ref=record["ref"])
        db_session.add(firm)
        apply_record(firm, record)
        db_session.commit()
        return firm

    return make


@pytest.fixture
def make_user(db_session):
    from matchmaker.models import Role
    from matchmaker.services import accounts

    def make(email: str, role: str = "firm", firm=None, password: str = PASSWORD):
        user = accounts.create_user(db_session, email, password, Role(role))
        if firm is not None:
            user.firm = firm
            db_session.commit()
        return user

    return make


# The `world` fixture (two partner firms, an outsider, staff and two proposals) for every area.
from tests.fixtures_world import World, proposal, world  # noqa: E402, F401
