"""Forty messages posted at once by the two firms to one thread, through a threaded server."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from matchmaker.models import Message, Thread
from tests.helpers import decide
from tests.helpers.servers import Browser

pytestmark = pytest.mark.slow


def test_forty_concurrent_messages_are_all_stored(live_server, client, auth, world, db_session):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    thread_id = db_session.scalar(select(Thread.id))
    firms = []
    for email in ("pk@example.com", "by@example.com"):
        browser = Browser(live_server)
        firms.append((browser, browser.login(email)))

    def send(n: int) -> int:
        browser, token = firms[n % 2]
        return browser.post(f"/messages/{thread_id}", {"body": f"message {n}", "csrf_token": token})

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(send, range(40)))
    assert statuses == [302] * 40
    db_session.expire_all()
    bodies = set(db_session.scalars(select(Message.body)))
    assert bodies == {f"message {n}" for n in range(40)}
    assert db_session.scalar(select(func.count(Message.id))) == 40


def test_two_officers_deciding_at_once_one_wins_one_gets_409(
    live_server, make_user, world, db_session
):
    make_user("second@example.com", role="staff")
    officers = []
    for email in ("staff@example.com", "second@example.com"):
        browser = Browser(live_server)
        officers.append((browser, browser.login(email)))
    barrier = threading.Barrier(2)

    def decide_once(n: int) -> int:
        browser, token = officers[n]
        barrier.wait()
        data = {"decision": ("approve", "reject")[n], "version": "1", "csrf_token": token}
        return browser.post(f"/review/{world.proposal_id}", data)

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(decide_once, range(2)))
    assert statuses == [302, 409]
    from matchmaker.models import AuditEntry, Proposal

    db_session.expire_all()
    assert db_session.get(Proposal, world.proposal_id).version == 2
    assert db_session.scalar(select(func.count(AuditEntry.id))) == 1
