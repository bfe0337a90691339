"""Background work of the matching engine: embedding imported firms, and warming a process up.

With REDIS_URL set, `queue_embeddings` splits the firms whose texts have no current vectors
into chunks, one RQ job each, so that several `make worker` processes (on one machine or
several) share a large import; each job embeds only what is still missing when it runs.
Without Redis nothing is queued: the next `match run` embeds them first, with a progress bar.
"""

from __future__ import annotations

import logging

from flask import current_app

from matchmaker.extensions import db
from matchmaker.jobs.queue import queue
from matchmaker.services import embeddings, engine_state, search

log = logging.getLogger(__name__)
CHUNK = 200  # firms per embedding job (about 40 s of one worker's time)


def embed_job(firm_ids: list[int]) -> int:
    """Embed the listed firms whose vectors are missing or outdated (an RQ job)."""
    try:
        return embeddings.ensure_embeddings(db.session, firm_ids)
    except Exception:
        db.session.rollback()
        log.exception("could not embed firms %s..%s", firm_ids[:1], firm_ids[-1:])
        raise


def queue_embeddings(chunk: int = CHUNK) -> int:
    """Queue embedding jobs for every firm without current vectors; how many jobs (0 without
    Redis: then `match run` embeds them)."""
    jobs = queue()
    if jobs is None:
        return 0
    ids = embeddings.stale_firm_ids(db.session)
    db.session.rollback()
    for start in range(0, len(ids), chunk):
        jobs.enqueue_call(embed_job, args=(ids[start : start + chunk],), timeout=3600)
    return -(-len(ids) // chunk)


def warm_model() -> None:
    """Load the embedding model (in each process that embeds: after a fork, never before)."""
    embeddings.warm_model()


def warm_engine() -> bool:
    """Load the shared engine and the directory's search index before the first request; True
    when there was an engine to load. Closes the database connections it used (gunicorn calls
    it before forking its workers)."""
    try:
        search.warm(db.session)
        return engine_state.warm(db.session, current_app.config["STATE_DIR"])
    except Exception:  # never keep a server from starting; the first save loads it instead
        log.warning("could not load the matching engine before serving", exc_info=True)
        return False
    finally:
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
