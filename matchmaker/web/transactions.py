"""How requests talk to the database: reads without a transaction, writes in one, and a ping
only for a connection that sat idle.

PostgreSQL: the connections are in autocommit mode, and a transaction begins just before the
first statement that writes (anything but a plain SELECT: INSERT, UPDATE, DELETE, a SELECT ...
FOR UPDATE, a SAVEPOINT, DDL, a CTE) or that streams (a server-side cursor); the session's
commit ends it with COMMIT, its rollback or removal with ROLLBACK, as before. A request that
only reads sends its SELECTs and nothing else: no BEGIN before them, no COMMIT or ROLLBACK after
(psycopg sends neither when no transaction is open). At PostgreSQL's default isolation (READ
COMMITTED) each statement sees what was committed when it started whether or not it runs in a
transaction, so a read sees the same rows either way; what a transaction adds, atomic writes and
row locks, every write still gets. psycopg forgets its prepared statements at every ROLLBACK,
which a request that only read now never sends: its statements stay prepared (PostgreSQL parses
and plans each once). benchmarks/pages.py, signed-in probe with and without this: 2 statements
fewer (BEGIN, COMMIT) per request, see the figures in the note of issue 17.

SQLite already works this way (pysqlite begins a transaction before the first INSERT, UPDATE
or DELETE only), so both test runs see the same transactions.

The pool pings a connection before handing it out only when it sat idle for more than
`DATABASE_PING_IDLE` seconds (SQLAlchemy's pre-ping pings before every checkout: a round trip
per request). A connection in use a moment ago that the server dropped since fails its next
statement; SQLAlchemy then sees the disconnect and replaces every connection of the pool, so
the following requests work again (tests/faults/test_database_outage.py).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import orjson
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

DEFAULT_PING_IDLE = 10.0  # seconds
IDLE_SINCE = "matchmaker_idle_since"  # on a pooled connection's info: when it was checked in
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b", re.I)
_reads: dict[str, bool] = {}  # statement -> whether it only reads (statements are few)


def init_app(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        engine = db.engine
    ping_idle = float(app.config.get("DATABASE_PING_IDLE", DEFAULT_PING_IDLE))
    _ping_when_idle(engine, ping_idle)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _begin_before_write())


def engine_options(config: dict[str, Any]) -> dict[str, Any]:
    """The engine's options for the configured database (see the module's docstring)."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("json_deserializer", json_loads)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("isolation_level", "AUTOCOMMIT")
    return options


def json_loads(text: str | bytes) -> Any:
    """The JSON columns' values (a proposal's reasons and signals, a participant's unavailable
    slots) as read: by orjson, and by the standard library for what orjson refuses and it
    reads (NaN, Infinity, lone surrogates). One difference stays: orjson reads an integer
    beyond 64 bits as a float, where json keeps it whole; these columns hold texts, codes,
    scores and small counts, none of that size. Against json.loads, in M instructions per
    request (benchmarks/instructions.py --requests 10): /review 13.07 -> 12.66, the API list
    6.65 -> 6.33."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def reads_only(statement: str) -> bool:
    """Whether a statement only reads: a SELECT that locks nothing."""
    found = _reads.get(statement)
    if found is None:
        found = statement.lstrip()[:6].upper() == "SELECT" and not _LOCKING.search(statement)
        if len(_reads) < 10_000:
            _reads[statement] = found
    return found


def _begin_before_write() -> Any:
    """The listener that begins a transaction before a statement that writes or streams
    (psycopg imported here: a process on SQLite never loads it, 0.3 s of its start)."""
    from psycopg import ServerCursor
    from psycopg.pq import TransactionStatus

    def before(_connection: Connection, cursor: Any, statement: str, *_args: Any) -> None:
        dbapi_connection = cursor.connection
        if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
            return
        # A streamed read (`yield_per`: a server-side cursor, DECLARE ... CURSOR) lives only
        # inside a transaction, so it begins one too; BEGIN goes through the connection.
        if isinstance(cursor, ServerCursor) or not reads_only(statement):
            dbapi_connection.execute("BEGIN")

    return before


def _ping_when_idle(engine: Engine, idle: float) -> None:
    @event.listens_for(engine, "checkin")
    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(IDLE_SINCE)
        if since is None or time.monotonic() - since <= idle:
            return
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        except Exception as exc:  # the driver's own errors: the connection is gone
            # The pool discards this connection and hands out another (SQLAlchemy's
            # documented "pessimistic" disconnect handling with a checkout event).
            raise DisconnectionError() from exc
