"""CPU per page, in process: where the load benchmark's time goes, without the network.

    .venv/bin/python benchmarks/pages.py [--database URL] [--requests 200] [--rounds 10]

Needs the database that `benchmarks/load.py` fills (run it once; `--reuse` keeps it). Each
benchmarked page is requested through Flask's test client, signed in as the user it is for,
and timed (wall time and process CPU per request; the difference is mostly waiting for the
database), with the CPU spent rendering templates and the number of SQL statements;
`/healthz` (one `SELECT 1`) is the baseline measured in the same process. `PG ms` is the CPU
the database's server processes spent per request (from /proc/<pid>/schedstat of the app's
connections: the database runs on this machine).

Before the pages, four probes (benchmarks/probes.py: routes only the benchmarks' app has) show
what every page pays before it does anything of its own: a Flask view without the database, a
signed-in view that returns a word (session, user load), and a signed-in view that renders an
empty page in the layout, for a firm user (with the unread badge) and for an officer. The pages
and probes run in interleaved rounds; the CPU column is the median of the rounds and `min` the
quickest round (this machine's noise moves single runs by 15-25%).

In the load benchmark a page reaches 30% of the bare endpoint's throughput only if it costs at
most about 3.3 times the bare endpoint's CPU per request; `x baseline` is that ratio here.
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import DEFAULT_DATABASE, FIRM_USER, OFFICER, _credentials  # noqa: E402
from benchmarks.probes import add_probes  # noqa: E402


@dataclass
class SignedIn:
    """The app on load.py's database, with test clients signed in as the pages' users."""

    app: Any
    firm: Any
    officer: Any
    api: Any
    bearer: dict[str, str]
    thread_id: int


def signed_in(
    database: str, state: Path, lang: str | None = None, probes: bool = False
) -> SignedIn:
    from threadpoolctl import threadpool_limits

    from matchmaker import create_app

    threadpool_limits(limits=1, user_api="blas")  # as gunicorn.conf.py serves the app
    token, thread_id = _credentials(database, state)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "pages-benchmark-only",
            "STATE_DIR": str(state),
            "RATELIMIT_ENABLED": False,
        }
    )
    if probes:
        add_probes(app)  # routes of the benchmarks' app only
    firm, officer, api = app.test_client(), app.test_client(), app.test_client()
    for client, (email, password) in ((firm, FIRM_USER), (officer, OFFICER)):
        if lang:
            client.set_cookie("lang", lang)
        page = client.get("/auth/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        client.post("/auth/login", data={"email": email, "password": password, "csrf_token": csrf})
    return SignedIn(app, firm, officer, api, {"Authorization": f"Bearer {token}"}, thread_id)


def page_list(setup: SignedIn) -> list[tuple[str, Any, str, dict[str, str]]]:
    """The benchmarked requests: (name, client, path, headers)."""
    firm, officer, api, bearer = setup.firm, setup.officer, setup.api, setup.bearer
    return [
        ("/healthz (baseline)", firm, "/healthz", {}),
        ("Flask, no database", firm, "/_probe/plain", {}),
        ("signed in, no page", firm, "/_probe/signed-in", {}),
        ("empty layout, firm", firm, "/_probe/layout", {}),
        ("empty layout, staff", officer, "/_probe/layout", {}),
        ("directory search", firm, "/firms?q=tractor+kits", {}),
        # Words that match thousands of firms, with a filter: an ordinary directory query.
        ("search + sector", firm, "/firms?q=tractor&sector=tractors", {}),
        ("API firm search", api, "/api/v1/firms?q=transformer", bearer),
        ("/matches", firm, "/matches", {}),
        ("/review", officer, "/review", {}),
        ("thread page", firm, f"/messages/{setup.thread_id}", {}),
        ("API list", api, "/api/v1/proposals", bearer),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=200, help="per page, over all rounds")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    import flask
    from sqlalchemy import event

    from matchmaker.extensions import db

    state = Path(tempfile.mkdtemp(prefix="matchmaker-pages-"))
    atexit.register(shutil.rmtree, state, ignore_errors=True)
    os.environ.setdefault("TRUSTED_HOSTS", "localhost")
    setup = signed_in(args.database, state, probes=True)
    app, officer = setup.app, setup.officer
    rendering = [0.0]
    render_started: list[float] = []

    def before_render(*_args, **_kwargs) -> None:
        render_started.append(time.process_time())

    def after_render(*_args, **_kwargs) -> None:
        rendering[0] += time.process_time() - render_started.pop()

    # Flask's signals around every render_template (weak references: keep the functions).
    flask.before_render_template.connect(before_render, app)
    flask.template_rendered.connect(after_render, app)
    statements = [0]
    with app.app_context():
        engine = db.engine
    event.listen(
        engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
    )

    pages = page_list(setup)
    for _name, client, path, headers in pages:
        for _ in range(20):  # warm up: templates, statement caches, prepared plans
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
    per_round = max(1, args.requests // args.rounds)
    server = _ServerCpu(args.database)
    cpu: dict[str, list[float]] = {name: [] for name, *_ in pages}
    totals = {name: [0.0, 0.0, 0, 0.0] for name, *_ in pages}  # wall, render, statements, PG
    for _ in range(args.rounds):
        for name, client, path, headers in pages:
            rendering[0], statements[0] = 0.0, 0
            database = server.cpu()
            started, wall = time.process_time(), time.perf_counter()
            for _ in range(per_round):
                client.get(path, headers=headers)
            cpu[name].append((time.process_time() - started) / per_round * 1000)
            totals[name][3] += (server.cpu() - database) / per_round * 1000
            totals[name][0] += (time.perf_counter() - wall) / per_round * 1000
            totals[name][1] += rendering[0] / per_round * 1000
            totals[name][2] += statements[0] / per_round
    print(
        f"{'page':<22} {'wall ms':>8} {'CPU ms':>8} {'min':>6} {'render':>7} {'SQL':>5}"
        f" {'PG ms':>6} {'x baseline':>11}"
    )
    baseline = statistics.median(cpu[pages[0][0]])
    for name, *_ in pages:
        wall, rendered, sql, database = (value / args.rounds for value in totals[name])
        median = statistics.median(cpu[name])
        print(
            f"{name:<22} {wall:8.2f} {median:8.2f} {min(cpu[name]):6.2f} {rendered:7.2f} {sql:5.1f}"
            f" {database:6.2f} {median / baseline:10.1f}x"
        )
    # The dashboard aggregates every proposal: timed apart, a few times.
    assert officer.get("/dashboard").status_code == 200
    started, wall = time.process_time(), time.perf_counter()
    for _ in range(3):
        officer.get("/dashboard")
    print(
        f"\n/dashboard: {(time.perf_counter() - wall) / 3 * 1000:.0f} ms wall, "
        f"{(time.process_time() - started) / 3 * 1000:.1f} ms CPU per request"
    )


class _ServerCpu:
    """CPU seconds spent so far by the server processes of the database's other connections
    (the app's pool): /proc/<pid>/schedstat's first field, nanoseconds on a CPU."""

    def __init__(self, database: str) -> None:
        import psycopg

        self.connection = psycopg.connect(database.replace("+psycopg", ""), autocommit=True)

    def cpu(self) -> float:
        pids = self.connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
        total = 0
        for (pid,) in pids:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue  # gone, or no schedstat: not counted
        return total / 1e9


if __name__ == "__main__":
    main()
