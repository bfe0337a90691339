"""A firms import from the browser as a background job, with its progress in Redis.

The import page stages the uploaded file under instance/imports/ and, when REDIS_URL is set
and the file is large, queues `import_job`; the page then shows `import_progress` until done.
Without Redis (or for a small file) the page imports at once, as `firms import` does.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from matchmaker.jobs.queue import prefix, queue, redis_connection

log = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
ERRORS_KEPT = 200


def progress_key(token: str) -> str:
    return f"{prefix()}:import:{token}"


def _set(token: str, state: dict[str, Any]) -> None:
    connection = redis_connection()
    if connection is not None:
        connection.set(progress_key(token), json.dumps(state), ex=PROGRESS_TTL)


def import_progress(token: str) -> dict[str, Any]:
    connection = redis_connection()
    raw = connection.get(progress_key(token)) if connection is not None else None
    return json.loads(raw) if raw else {}


def import_job(path: str, fmt: str, token: str) -> str:
    """Import the staged file all or nothing (an RQ job); its progress under the token."""
    from matchmaker.extensions import db
    from matchmaker.jobs.matching import queue_embeddings
    from matchmaker.services import importing

    staged = Path(path)
    try:
        items = importing.parse_bytes(staged.read_bytes(), fmt)
        total = len(items)
        _set(token, {"state": "running", "stage": "checked", "done": 0, "total": total})

        def progress(stage: str, done: int) -> None:
            _set(token, {"state": "running", "stage": stage, "done": done, "total": total})

        report = importing.import_firms(db.session, items, progress=progress)
    except Exception:
        db.session.rollback()
        _set(token, {"state": "failed"})
        log.exception("the import of %s failed; nothing was written", staged.name)
        raise
    finally:
        staged.unlink(missing_ok=True)
    _set(
        token,
        {
            "state": "done" if report.written else "refused",
            "done": total,
            "total": total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": report.errors[:ERRORS_KEPT],
            "error_count": len(report.errors),
        },
    )
    if report.written:
        queue_embeddings()
    return "done" if report.written else "refused"


def start_import(path: str, fmt: str, token: str) -> bool:
    """Queue the import; False without Redis (the caller imports at once)."""
    jobs = queue()
    if jobs is None:
        return False
    _set(token, {"state": "queued", "done": 0, "total": 0})
    jobs.enqueue_call(import_job, args=(path, fmt, token), timeout=3600, result_ttl=3600)
    return True
