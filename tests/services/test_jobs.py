"""Background jobs: inline without Redis, through an RQ worker with it; one recompute at a time."""

from sqlalchemy import func, select

from matchmaker import jobs
from matchmaker.models import Proposal
from tests.helpers import csrf_token
from tests.helpers import seed_matching_firms as seed


def proposals(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count(Proposal.id)))


def start(client):
    return client.post(
        "/dashboard/recompute", data={"csrf_token": csrf_token(client, "/dashboard")}
    )


def test_inline_recompute_from_the_dashboard(client, auth, make_user, make_firm, db_session):
    seed(make_firm)
    make_user("officer@example.com", role="staff")
    auth.login("officer@example.com")
    assert start(client).status_code == 302
    assert proposals(db_session) > 0
    html = client.get("/dashboard").get_data(as_text=True)
    assert "The last recompute finished" in html


def test_firms_cannot_start_a_recompute(client, auth, world):
    auth.login("pk@example.com")
    assert (
        client.post(
            "/dashboard/recompute", data={"csrf_token": csrf_token(client, "/firms")}
        ).status_code
        == 403
    )


def test_with_redis_the_worker_recomputes_and_reports_progress(
    redis_app, client, auth, make_user, make_firm, db_session
):
    from rq import SimpleWorker

    seed(make_firm)
    make_user("officer@example.com", role="staff")
    auth.login("officer@example.com")
    start(client)
    assert proposals(db_session) == 0  # queued, not done in the request
    assert "Recomputing: queued" in client.get("/dashboard").get_data(as_text=True)
    with redis_app.app_context():
        queue = jobs.queue()
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert proposals(db_session) > 0
    assert "The last recompute finished" in client.get("/dashboard").get_data(as_text=True)


def test_two_recomputes_never_run_at_once(redis_app, make_firm, db_session):
    seed(make_firm)
    with redis_app.app_context():
        connection = jobs.redis_connection()
        lock = connection.lock(jobs.lock_key(), timeout=60)
        assert lock.acquire(blocking=False)
        try:
            assert jobs.start_recompute() == "busy"
            assert jobs.queue().count == 0
            assert jobs.recompute_job() == "busy"
        finally:
            lock.release()
    assert proposals(db_session) == 0


def test_profile_saves_and_mail_go_to_the_queue(redis_app, client, auth, db_session):
    from tests.helpers import PROFILE_FORM as FORM

    auth.register("firm@example.com")  # sends the confirmation mail
    client.post("/firm/edit", data={**FORM, "csrf_token": csrf_token(client, "/firm/edit")})
    with redis_app.app_context():
        names = [job.func_name for job in jobs.queue().jobs]
    assert "matchmaker.jobs.tasks.refresh_job" in names
    assert "matchmaker.jobs.tasks.mail_job" in names
