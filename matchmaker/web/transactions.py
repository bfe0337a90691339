"""How a request's transaction ends when it only read: COMMIT instead of ROLLBACK (PostgreSQL).

psycopg prepares a statement the sixth time a connection runs it, so PostgreSQL parses it once
(and, when one plan serves all values, plans it once), but it forgets all of them at every ROLLBACK
(a rolled-back transaction might have dropped what they refer to). A request ends with the
session's rollback, so a page's statements were never prepared: each was parsed and planned
again on every view (0.1-0.4 ms of the database's time per statement on the load database).

A transaction that wrote nothing leaves the same database whether it is committed or rolled
back, so a request that only read ends with COMMIT, and its connection keeps its prepared
statements. Anything else ends as before, rolled back by the session's removal: a request
that raised, that left changes in the session, or whose open transaction ran any statement
other than a SELECT (a flush, an UPDATE, a savepoint, DDL, a CTE). What a request committed
itself stays committed, as ever. SQLite gains nothing by it but runs the same code, so both
test runs cover it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, SessionTransaction

WROTE = "matchmaker_wrote"  # on a connection's info: its current transaction wrote
CONNECTION = "matchmaker_connection"  # on a session's info: the connection of its transaction


def init_app(app: Flask, db: SQLAlchemy) -> None:
    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", _begin)
    event.listen(engine, "before_cursor_execute", _before_execute)
    for name, listener in (("after_begin", _session_began), ("after_transaction_end", _ended)):
        if not event.contains(db.session, name, listener):  # one `db` serves every app
            event.listen(db.session, name, listener)

    @app.teardown_request
    def end_read_only_transaction(exc: BaseException | None) -> None:
        session = db.session()
        transaction = session.get_transaction()
        if exc is not None or transaction is None or not transaction.is_active:
            return  # nothing begun, or a failed statement left it to be rolled back
        connection = session.info.get(CONNECTION)
        if connection is None or connection.info.get(WROTE, True):
            return
        if session.new or session.dirty or session.deleted:
            return
        session.commit()


def _begin(connection: Connection) -> None:
    connection.info[WROTE] = False


def _before_execute(connection: Connection, _cursor, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info[WROTE] = True


def _session_began(session: Session, _transaction, connection: Connection) -> None:
    session.info[CONNECTION] = connection


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CONNECTION, None)
