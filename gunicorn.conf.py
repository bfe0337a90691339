"""gunicorn settings for `make serve` (production: MATCHMAKER_ENV=production)."""

import gc
import multiprocessing
import os
from urllib.parse import urlsplit

LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


def default_workers(database_url: str | None, cores: int) -> int:
    """One sync worker per core when the database is on this machine, else 2 x cores + 1.

    2 x cores + 1 is gunicorn's advice for workers that wait: across a network a worker waits
    for its database and another runs meanwhile. When PostgreSQL (or SQLite) shares the cores
    there is little to wait for, and every worker beyond one per core is one more process for
    the scheduler to switch between, each switch leaving the caches cold for the next; a page's
    working set is many times the bare endpoint's. benchmarks/workers.py (2 cores, PostgreSQL on
    the machine, 16 clients, interleaved rounds), the app's CPU ms per request at 2 / 3 / 5
    workers: /review 1.93 / 2.45 / 2.71, the thread page 2.04 / 2.23 / 2.68, /matches 2.11 /
    2.10 / 3.05, the directory search 2.56 / 3.05 / 3.50; the bare endpoint 0.52 / 0.56 / 0.63.
    No DATABASE_URL means the embedded SQLite. WEB_CONCURRENCY overrides both."""
    if not database_url or database_url.startswith("sqlite"):
        return cores
    host = urlsplit(database_url).hostname or ""  # no host: a Unix socket, this machine
    return cores if host in LOCAL_HOSTS else cores * 2 + 1


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or default_workers(os.environ.get("DATABASE_URL"), multiprocessing.cpu_count())
)
preload_app = True  # import once, fork workers: less memory, faster start
# Recycle workers now and then (a slow leak stays bounded), but not all at once. A recycled
# worker starts cold (fork, templates compiled, statements prepared, memos filled): after 2,000
# requests that cost the pages 4-16% of their CPU per request; benchmarks/workers.py
# --workers 2 --max-requests 2000 20000, app CPU ms per request, medians of 3 interleaved
# rounds: /review 2.09 -> 1.76, the thread page 1.82 -> 1.67, the directory search 2.67 -> 2.45.
max_requests = 20_000
max_requests_jitter = 2_000
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

    One BLAS thread per worker: the workers are the parallelism (see default_workers), and
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
