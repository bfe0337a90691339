"""A gunicorn worker killed (SIGKILL) while firms post messages loses no message it answered."""

import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from matchmaker.models import Message, Thread
from tests.helpers import decide
from tests.helpers.servers import Browser, gunicorn

pytestmark = pytest.mark.faults

POSTS = 90


def _workers(master: int) -> set[int]:
    out = subprocess.run(  # noqa: S603 - fixed arguments
        ["/usr/bin/pgrep", "-P", str(master)], capture_output=True, text=True
    )
    return {int(pid) for pid in out.stdout.split()}


def test_killed_worker_loses_no_answered_message(app, client, auth, world, db_session, tmp_path):
    auth.login("staff@example.com")
    decide(client, world.proposal_id, "approve")
    thread_id = db_session.scalar(select(Thread.id))
    env = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MATCHMAKER_STATE_DIR": str(tmp_path),
        "MATCHMAKER_ENV": "development",
        "REDIS_URL": None,
    }
    with gunicorn(env, workers=3, log_dir=tmp_path) as server:
        base = server.base
        senders = []
        for email in ("pk@example.com", "by@example.com"):
            browser = Browser(base)
            senders.append((browser, browser.login(email)))
        # /healthz answered from the first worker up; on a loaded machine another may still be
        # booting (or booting again after its boot timed out): wait for all three.
        deadline = time.monotonic() + 60
        while len(workers_before := _workers(server.process.pid)) < 3:
            assert time.monotonic() < deadline, workers_before
            time.sleep(0.2)
        assert len(workers_before) == 3
        sent = threading.Semaphore(0)

        def send(n: int) -> int:
            browser, token = senders[n % 2]
            try:
                status = browser.post(
                    f"/messages/{thread_id}", {"body": f"message {n}", "csrf_token": token}
                )
            except OSError:  # the connection died with the worker: not answered
                status = 0
            sent.release()
            return status

        def kill_one_worker() -> int:
            for _ in range(POSTS // 3):
                sent.acquire()  # a third of the posts are done, the rest are under way
            victim = sorted(workers_before)[0]
            os.kill(victim, signal.SIGKILL)
            return victim

        with ThreadPoolExecutor(max_workers=9) as pool:
            killer = pool.submit(kill_one_worker)
            statuses = list(pool.map(send, range(POSTS)))
            victim = killer.result()
        for _ in range(100):  # gunicorn's master replaces the killed worker
            workers_after = _workers(server.process.pid)
            if len(workers_after) == 3:
                break
            time.sleep(0.1)
    assert victim not in workers_after and len(workers_after) == 3
    answered = {n for n, status in enumerate(statuses) if status == 302}
    assert set(statuses) <= {302, 0}, statuses
    db_session.expire_all()
    stored = list(db_session.scalars(select(Message.body)))
    assert len(stored) == len(set(stored))  # nothing stored twice
    assert {f"message {n}" for n in answered} <= set(stored)  # every answered one is kept
    print(f"{len(answered)} of {POSTS} answered 302, {len(stored)} stored, worker {victim} killed")
