"""The jobs: recomputing proposals, refreshing a few firms, sending mail. They call the services.

With REDIS_URL set, they go to an RQ queue that `flask --app matchmaker worker` (`make worker`)
runs; without it, the same functions run inline in the request or command. A full recompute
holds a lock, so two never run at once, and reports its progress for the dashboard.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from contextlib import contextmanager
from typing import Any

from flask import current_app

from matchmaker.jobs.queue import enqueue, prefix, redis_connection

log = logging.getLogger(__name__)
_inline_lock = threading.Lock()
_inline_progress: dict[str, Any] = {}


def lock_key() -> str:
    return f"{prefix()}:recompute:lock"


def progress_key() -> str:
    return f"{prefix()}:recompute:progress"


# The jobs. They run inside an application context (the worker command provides one).


def refresh_job(firm_ids: list[int]) -> int:
    from matchmaker.extensions import db
    from matchmaker.services.matching import refresh_firms

    try:
        config = current_app.config
        return refresh_firms(
            db.session, firm_ids, config["STATE_DIR"], min_score=config["MATCH_MIN_SCORE"]
        ).proposals
    except Exception:  # matching must never undo the profile save that asked for it
        db.session.rollback()
        log.exception("could not refresh the proposals of firms %s", firm_ids)
        return 0


def mail_job(subject: str, body: str, to: list[str]) -> bool:
    from flask_mailman import EmailMessage

    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except Exception:
        log.exception("could not send %r", subject)
        return False
    return True


def recompute_job(top_k: int = 10) -> str:
    from matchmaker.extensions import db
    from matchmaker.services.matching import recompute

    with _recompute_lock() as acquired:
        if not acquired:
            return "busy"
        started = time.time()
        _set_progress({"state": "running", "stage": "starting", "percent": 0, "started": started})

        def progress(stage: str, percent: int) -> None:
            _set_progress(
                {"state": "running", "stage": stage, "percent": percent, "started": started}
            )

        try:
            report = recompute(
                db.session,
                current_app.config["STATE_DIR"],
                top_k,
                progress,
                write_batch=current_app.config["MATCH_WRITE_BATCH"],
                min_score=current_app.config["MATCH_MIN_SCORE"],
            )
        except Exception:
            db.session.rollback()
            _set_progress({"state": "failed", "stage": "failed", "percent": 0, "started": started})
            log.exception("recompute failed; the previous proposals are unchanged")
            raise
        _set_progress(
            {
                "state": "done",
                "stage": f"{report.proposals} proposals",
                "percent": 100,
                "started": started,
                "finished": time.time(),
            }
        )
        return "done"


@contextmanager
def _recompute_lock():
    connection = redis_connection()
    # Without Redis, a lock of this process; with it, one shared by every worker that expires
    # on its own if a worker dies holding it. Both acquire and release alike.
    lock = (
        _inline_lock
        if connection is None
        else connection.lock(lock_key(), timeout=2 * 3600, blocking=False)
    )
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()


def _set_progress(state: dict[str, Any]) -> None:
    connection = redis_connection()
    if connection is None:
        _inline_progress.clear()
        _inline_progress.update(state)
    else:
        connection.set(progress_key(), json.dumps(state), ex=24 * 3600)


def recompute_progress() -> dict[str, Any]:
    connection = redis_connection()
    if connection is None:
        return dict(_inline_progress)
    raw = connection.get(progress_key())
    return json.loads(raw) if raw else {}


def start_recompute(top_k: int = 10) -> str:
    """From the dashboard: queue a full recompute, unless one is running."""
    connection = redis_connection()
    if connection is not None and connection.exists(lock_key()):
        return "busy"
    if connection is not None:
        _set_progress({"state": "running", "stage": "queued", "percent": 0, "started": time.time()})
    result = enqueue(recompute_job, top_k)
    return result if isinstance(result, str) else "queued"


class QueuedWork:
    """`services.ports.Background`: the services' mail and re-matching, as jobs."""

    def send_mail(self, subject: str, body: str, to: list[str]) -> None:
        enqueue(mail_job, subject, body, to)

    def refresh_proposals(self, firm_ids: list[int]) -> None:
        enqueue(refresh_job, list(firm_ids))
