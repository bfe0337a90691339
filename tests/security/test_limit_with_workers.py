"""With several gunicorn workers only a shared store (Redis) holds a rate limit."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from matchmaker.models import Role
from matchmaker.services import accounts
from tests.helpers import CSRF_RE
from tests.helpers.servers import Browser, gunicorn

pytestmark = pytest.mark.slow


def _sqlite_database(template_database: str, target: Path) -> str:
    """The workers share one SQLite file (the point here is the limit store, not the DB)."""
    if template_database.startswith("sqlite:///"):
        shutil.copy(template_database.removeprefix("sqlite:///"), target)
    else:
        from flask_migrate import upgrade

        from matchmaker import create_app

        with create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}",
                "STATE_DIR": str(target.parent),
            }
        ).app_context():
            upgrade()
    return f"sqlite:///{target}"


def test_thirty_wrong_passwords_are_stopped_across_two_workers(
    template_database, tmp_path, test_redis
):
    url = _sqlite_database(template_database, tmp_path / "workers.db")
    with Session(create_engine(url)) as session:
        accounts.create_user(session, "target@example.com", "the real password 1", Role.FIRM)
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": "workers-test",
        "REDIS_URL": test_redis.url,
        "MATCHMAKER_REDIS_PREFIX": test_redis.prefix,
        "MATCHMAKER_STATE_DIR": str(tmp_path),
        "MATCHMAKER_ENV": "development",
    }
    statuses = []
    with gunicorn(env, workers=2, log_dir=tmp_path) as server:
        for _ in range(31):
            browser = Browser(server.base)  # a new client each time: only the account links them
            token = CSRF_RE.search(browser.get("/auth/login")).group(1)
            statuses.append(
                browser.post(
                    "/auth/login",
                    {
                        "email": "target@example.com",
                        "password": "wrong password 12",
                        "csrf_token": token,
                    },
                )
            )
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429
