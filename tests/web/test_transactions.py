"""How a request's transaction ends: what it changed without committing is never kept, and a
request that only read leaves its connection's prepared statements in place (PostgreSQL)."""

import pytest
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


def test_a_request_that_only_read_commits_one_that_wrote_rolls_back(
    app, writing_views, client, auth
):
    with app.app_context():
        engine = db.engine
    ended: list[str] = []
    event.listen(engine, "commit", lambda _connection: ended.append("commit"))
    event.listen(engine, "rollback", lambda _connection: ended.append("rollback"))
    auth.login("pk@example.com")
    for path, expected in [
        ("/matches", ["commit"]),
        ("/test/rename_without_commit", ["rollback"]),
        ("/test/flush_without_commit", ["rollback"]),
        ("/test/change_without_flush", ["rollback"]),
        ("/firms?q=tractor", ["commit"]),
    ]:
        ended.clear()
        assert client.get(path).status_code == 200, path
        assert ended == expected, path


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="prepared statements are PostgreSQL's")
def test_pages_that_only_read_keep_their_statements_prepared(app, client, auth, world):
    auth.login("pk@example.com")
    for _ in range(20):  # psycopg prepares a statement the 6th time a connection runs it
        assert client.get("/matches").status_code == 200
    with app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("FROM proposals" in statement for statement in prepared), prepared
