"""gunicorn.conf.py's worker count: one per core beside the database, more across a network."""

from __future__ import annotations

import multiprocessing
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def _conf(monkeypatch, **env: str | None) -> dict:
    for key, value in env.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return runpy.run_path(str(CONF))


@pytest.mark.parametrize(
    "url",
    [
        None,  # the embedded SQLite
        "sqlite:////srv/matchmaker/matchmaker.db",
        "postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker",
        "postgres://app@localhost/matchmaker",
        "postgresql://app@[::1]:5432/matchmaker",
        "postgresql:///matchmaker",  # a Unix socket
    ],
)
def test_a_database_on_this_machine_gets_one_worker_per_core(monkeypatch, url):
    assert _conf(monkeypatch)["default_workers"](url, 4) == 4


@pytest.mark.parametrize(
    "url", ["postgresql://app@db.internal:5432/matchmaker", "postgres://app@10.0.0.7/matchmaker"]
)
def test_a_database_across_the_network_gets_gunicorns_advice(monkeypatch, url):
    assert _conf(monkeypatch)["default_workers"](url, 4) == 9


def test_the_count_gunicorn_reads_follows_the_environment(monkeypatch):
    conf = _conf(monkeypatch, DATABASE_URL="postgresql://app@127.0.0.1/m", WEB_CONCURRENCY="7")
    assert conf["workers"] == 7
    conf = _conf(monkeypatch, DATABASE_URL="postgresql://app@db.internal/m", WEB_CONCURRENCY=None)
    assert conf["workers"] == multiprocessing.cpu_count() * 2 + 1
    conf = _conf(monkeypatch, DATABASE_URL="postgresql://app@127.0.0.1/m", WEB_CONCURRENCY=None)
    assert conf["workers"] == multiprocessing.cpu_count()
