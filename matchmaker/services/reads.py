"""Reads of columns, run as Core statements on the session's connection.

`Session.execute` sends every statement through the ORM's execution (its compile state, the
autoflush, an ORM result), which a select of plain columns, with no entity to load, does not
use. Run on the session's connection instead, in M instructions per request
(benchmarks/instructions.py --requests 10): the directory search 35.75 -> 34.42, /matches
10.59 -> 10.21, a thread page 12.65 -> 12.21. The pages' own reads go through `read`;
changes the session holds are flushed first, as the autoflush would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    CursorResult,
    Executable,
    Integer,
    any_,
    bindparam,
)
from sqlalchemy.orm import Session


def read(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """The rows of a select of columns (not entities), in the session's transaction."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params or {})


def dialect(session: Session) -> str:
    """The name of the session's database dialect ("postgresql", "sqlite")."""
    return session.get_bind().dialect.name


def in_ids(column: ColumnElement[int], name: str, dialect_name: str) -> ColumnElement[bool]:
    """SQL: `column` is one of the ids bound as `name` (a list). On PostgreSQL one array
    parameter (`= ANY(:name)`): one statement, prepared once, however many ids; elsewhere an
    expanding IN, which SQLAlchemy renders again into the statement on every execution (a
    statement per length). Against the expanding IN on PostgreSQL: the directory search 24.59
    -> 23.98 M instructions per request (benchmarks/instructions.py --requests 10; its page's
    firms and their partner states)."""
    if dialect_name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))
