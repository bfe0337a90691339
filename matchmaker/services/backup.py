"""Backups: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(RuntimeError):
    pass


def _pg_url(url: str) -> str:
    # pg_dump speaks libpq URLs: drop SQLAlchemy's driver suffix.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return path


def backup(database_url: str, target: str | Path) -> Path:
    """Write a consistent copy of the live database to `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as source, sqlite3.connect(target) as copy:
            source.backup(copy)  # consistent even while the site writes
        return target
    if url.get_backend_name() == "postgresql":
        command = [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--file",
            str(target),
            _pg_url(database_url),
        ]
        _run(command)
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore(database_url: str, source: str | Path) -> None:
    """Replace the database's content with a backup made by `backup`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source}: no such backup file")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(source) as copy, sqlite3.connect(url.database) as live:
            copy.backup(live)
        return
    if url.get_backend_name() == "postgresql":
        command = [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
            _pg_url(database_url),
            str(source),
        ]
        _run(command)
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


def _run(command: list[str]) -> None:
    """A PostgreSQL client tool; its own message if it fails."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(done.stderr.strip() or f"{Path(command[0]).name} failed")
