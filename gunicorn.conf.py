"""gunicorn settings for `make serve` (production: MATCHMAKER_ENV=production)."""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
preload_app = True  # import once, fork workers: less memory, faster start
max_requests = 2000  # recycle workers now and then...
max_requests_jitter = 200  # ...but not all at once
timeout = 30
graceful_timeout = 20
accesslog = "-"
errorlog = "-"


def when_ready(server):
    """Load the matching engine once, before the workers are forked: they share its pages and
    the first profile save after a start does not wait for it (issue 15: 6.6-9 s before)."""
    app = server.app.wsgi()
    if not _is_matchmaker(app):
        return
    with app.app_context():
        from matchmaker.jobs.matching import warm_engine

        warm_engine()


def post_worker_init(worker):
    """Load the embedding model in each worker (its OpenMP runtime must start after the fork).

    One BLAS thread per worker: the workers are the parallelism (2 x cores + 1 of them), and
    OpenBLAS's own threads spin while they wait, burning the CPU the other workers need (the
    directory search's vector product: benchmarks/pages.py, `search + sector`, 64 -> 40 ms of
    CPU per request with one thread; see the note of issue 17)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    if not _is_matchmaker(worker.wsgi):
        return
    with worker.wsgi.app_context():
        from matchmaker.jobs.matching import warm_model

        warm_model()


def pre_fork(server, worker):
    """Freeze what the preloaded app built: the workers' garbage collections skip it.

    Without it every full collection in a worker walks all the objects of the imported
    application (SQLAlchemy's mappers, Jinja's templates, the matching engine) and writes to
    them, which also un-shares their memory pages (copy-on-write). The documented use of
    gc.freeze(); the master keeps collecting its own garbage as before.
    """
    gc.freeze()


def _is_matchmaker(app) -> bool:
    """Whether the served app is matchmaker's (benchmarks/load.py serves its bare Flask
    endpoint with these settings too: it has no engine or model to load)."""
    return "STATE_DIR" in getattr(app, "config", {})
