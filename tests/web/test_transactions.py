"""How requests use transactions: what a request changed without committing is never kept, a
request that only read opens none, and its connection's prepared statements stay in place
(PostgreSQL)."""

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import event, select, text, update

from matchmaker.extensions import db
from matchmaker.models import Firm
from tests.fixtures.app import TEST_DATABASE_URL


def firm_name(db_session, firm_id: int) -> str:
    db_session.expire_all()
    return db_session.scalar(select(Firm.name).where(Firm.id == firm_id))


@pytest.fixture
def writing_views(app, world):
    """Views that change a firm without committing, as a buggy or aborted view would."""
    firm_id = world.pk.id

    def rename_without_commit():
        db.session.execute(update(Firm).where(Firm.id == firm_id).values(name="Renamed"))
        db.session.execute(select(Firm.id))  # a read after the write must not end it with COMMIT
        return "ok"

    def flush_without_commit():
        db.session.get(Firm, firm_id).name = "Flushed"
        db.session.flush()
        return "ok"

    def change_without_flush():
        db.session.get(Firm, firm_id).name = "Pending"
        return "ok"

    def fail_after_write():
        db.session.execute(update(Firm).where(Firm.id == firm_id).values(name="Failed"))
        raise RuntimeError("the view failed after writing")

    for view in (
        rename_without_commit,
        flush_without_commit,
        change_without_flush,
        fail_after_write,
    ):
        app.add_url_rule(f"/test/{view.__name__}", view_func=view)
    return firm_id


@pytest.mark.parametrize(
    "view", ["rename_without_commit", "flush_without_commit", "change_without_flush"]
)
def test_changes_a_request_did_not_commit_are_not_kept(client, db_session, writing_views, view):
    assert client.get(f"/test/{view}").status_code == 200
    assert firm_name(db_session, writing_views) == "Indus Assemblers"


def test_a_request_that_failed_after_writing_keeps_nothing(app, client, db_session, writing_views):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test/fail_after_write").status_code == 500
    assert firm_name(db_session, writing_views) == "Indus Assemblers"


def _in_transaction(cursor) -> bool:
    connection = cursor.connection
    if hasattr(connection, "in_transaction"):  # sqlite3
        return connection.in_transaction
    return connection.info.transaction_status != TransactionStatus.IDLE  # psycopg


def test_reads_run_outside_a_transaction_and_writes_inside_one(app, writing_views, client, auth):
    """A page that only reads opens no transaction (so none is committed or rolled back: no
    BEGIN, COMMIT or ROLLBACK sent); a write runs in one, with what follows it."""
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, bool]] = []

    def after(_connection, cursor, statement, *_args) -> None:
        seen.append((statement.split(None, 1)[0].upper(), _in_transaction(cursor)))

    event.listen(engine, "after_cursor_execute", after)
    auth.login("pk@example.com")
    for path in ("/matches", "/firms?q=tractor", f"/firms/{writing_views}", "/review"):
        seen.clear()
        assert client.get(path).status_code in (200, 403), path
        assert seen and not any(open_ for _, open_ in seen), (path, seen)
    seen.clear()
    assert client.get("/test/rename_without_commit").status_code == 200
    assert seen[-2:] == [("UPDATE", True), ("SELECT", True)], seen
    event.remove(engine, "after_cursor_execute", after)


def test_a_request_that_failed_after_two_writes_keeps_neither(app, client, db_session, world):
    """The writes of one request are one transaction: a failure after the second undoes both."""
    firm_ids = [world.pk.id, world.by.id]

    def two_writes_then_fail():
        for firm_id in firm_ids:
            db.session.execute(update(Firm).where(Firm.id == firm_id).values(name="Both"))
        raise RuntimeError("the view failed after two writes")

    app.add_url_rule("/test/two_writes_then_fail", view_func=two_writes_then_fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test/two_writes_then_fail").status_code == 500
    assert firm_name(db_session, firm_ids[0]) != "Both"
    assert firm_name(db_session, firm_ids[1]) != "Both"


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="prepared statements are PostgreSQL's")
def test_pages_that_only_read_keep_their_statements_prepared(app, client, auth, world):
    auth.login("pk@example.com")
    for _ in range(20):  # psycopg prepares a statement the 6th time a connection runs it
        assert client.get("/matches").status_code == 200
    with app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("FROM proposals" in statement for statement in prepared), prepared


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="prepared statements are PostgreSQL's")
@pytest.mark.parametrize(
    ("email", "path", "marks"),
    [
        ("staff@example.com", "/review", ("AS page JOIN firms AS pk", "LIMIT 25 OFFSET 0")),
        ("pk@example.com", "/matches", ("JOIN firms AS partner", "status = 'approved'")),
    ],
)
def test_a_list_s_statement_is_planned_once_not_on_every_view(
    app, client, auth, world, email, path, marks
):
    """What PostgreSQL's generic plan could not know is written into the statement: a page's
    limit and offset (services/pages.py), the approved status (services/introductions.py).
    As parameters, PostgreSQL planned the review queue and the introductions again on every
    view (the generic plan looked dearer), half of the review page's database CPU."""
    auth.login(email)
    for _ in range(20):
        assert client.get(path).status_code == 200
    with app.app_context():
        plans = db.session.execute(
            text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        ).all()
    [listed] = [p for p in plans if marks[0] in p.statement]
    assert marks[1] in listed.statement
    assert listed.generic_plans > listed.custom_plans, plans
