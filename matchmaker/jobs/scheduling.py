"""Scheduling an event's meetings in the background, with progress for the schedule page.

A small event is scheduled in the request (a fraction of a second); with REDIS_URL set and
more than SCHEDULE_INLINE_MAX meetings the run goes to the RQ queue, and its stage and percent
are kept in Redis under `<prefix>:schedule:<event id>` for the page to show (refreshing).
Without Redis the same run happens in the request, as every job does.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from flask import current_app

from matchmaker.jobs.queue import enqueue, prefix, queue, redis_connection

log = logging.getLogger(__name__)
_inline: dict[int, dict[str, Any]] = {}


def schedule_progress_key(event_id: int) -> str:
    return f"{prefix()}:schedule:{event_id}"


def _set(event_id: int, state: dict[str, Any]) -> None:
    connection = redis_connection()
    if connection is None:
        _inline[event_id] = state
    else:
        connection.set(schedule_progress_key(event_id), json.dumps(state), ex=24 * 3600)


def schedule_progress(event_id: int) -> dict[str, Any]:
    connection = redis_connection()
    if connection is None:
        return dict(_inline.get(event_id, {}))
    raw = connection.get(schedule_progress_key(event_id))
    return json.loads(raw) if raw else {}


def schedule_job(event_id: int, user_id: int) -> dict[str, Any]:
    """Run the scheduler for the event as this staff user (an RQ job, or inline)."""
    from matchmaker.extensions import db
    from matchmaker.models import User
    from matchmaker.services import event_schedule

    started = time.time()

    def progress(stage: str, percent: int) -> None:
        _set(event_id, {"state": "running", "stage": stage, "percent": percent, "started": started})

    progress("starting", 0)
    try:
        user = db.session.get(User, user_id)
        summary = event_schedule.run_schedule(db.session, user, event_id, progress)
    except Exception as error:
        db.session.rollback()
        _set(event_id, {"state": "failed", "stage": str(error)[:300], "percent": 0})
        log.exception("scheduling event %s failed", event_id)
        raise
    state = {
        "state": "done",
        "stage": "done",
        "percent": 100,
        "scheduled": summary.scheduled,
        "candidates": summary.candidates,
        "bound_percent": summary.percent_of_bound,
        "seconds": summary.seconds,
        "finished": time.time(),
    }
    _set(event_id, state)
    return state


def start_schedule(event_id: int, user_id: int, meetings: int) -> str:
    """ "done" when it ran in the request, "queued" when a worker will run it."""
    limit = current_app.config.get("SCHEDULE_INLINE_MAX", 300)
    if queue() is None or meetings <= limit:
        schedule_job(event_id, user_id)
        return "done"
    _set(event_id, {"state": "running", "stage": "queued", "percent": 0, "started": time.time()})
    enqueue(schedule_job, event_id, user_id, timeout=900)
    return "queued"
