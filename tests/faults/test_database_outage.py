"""The database going away: /healthz says 503, pages say so clearly, and the site recovers by
itself when the database is back. Uses a PostgreSQL database of its own, which the test closes
to connections and whose open connections it kills."""

import os
import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.helpers import PASSWORD

pytestmark = pytest.mark.faults

ADMIN_URL = os.environ.get(
    "FAULT_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class Outage:
    """Takes one database away (connections refused, open ones killed) and brings it back."""

    def __init__(self, admin, name: str) -> None:
        self.admin, self.name = admin, name

    def begin(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": self.name},
            )

    def end(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))


@pytest.fixture
def outage_app(tmp_path):
    from flask_migrate import upgrade

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.models import Role
    from matchmaker.services import accounts

    name = f"mm_fault_{secrets.token_hex(4)}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "fault",
            "SQLALCHEMY_DATABASE_URI": url,
            "STATE_DIR": str(tmp_path),
            "MAIL_FILE_PATH": str(tmp_path / "mail"),
        }
    )
    with app.app_context():
        upgrade()
        accounts.create_user(db.session, "firm@example.com", PASSWORD, Role.FIRM)
    outage = Outage(admin, name)
    yield app, outage
    outage.end()
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_outage_is_reported_and_the_site_recovers_by_itself(outage_app):
    from tests.helpers import AuthActions

    app, outage = outage_app
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    AuthActions(client).login("firm@example.com")
    assert client.get("/firms").status_code == 200

    outage.begin()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json() == {"status": "unavailable"}
    page = client.get("/firms")
    assert page.status_code == 503
    assert "database is not reachable" in page.get_data(as_text=True)

    outage.end()  # the database is back
    assert client.get("/healthz").status_code == 200
    assert client.get("/firms").status_code == 200
