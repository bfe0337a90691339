"""CPU per page, in process: where the load benchmark's time goes, without the network.

    .venv/bin/python benchmarks/pages.py [--database URL] [--requests 200]

Needs the database that `benchmarks/load.py` fills (run it once; `--reuse` keeps it). Each
benchmarked page is requested through Flask's test client, signed in as the user it is for,
and timed (wall time and process CPU per request; the difference is mostly waiting for the
database), with the CPU spent rendering templates and the number of SQL statements;
`/healthz` (one `SELECT 1`) is the baseline measured in the same process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import DEFAULT_DATABASE, FIRM_USER, OFFICER, _credentials  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    import flask.templating
    from sqlalchemy import event

    from matchmaker import create_app
    from matchmaker.extensions import db

    state = Path(tempfile.mkdtemp(prefix="matchmaker-pages-"))
    token, thread_id = _credentials(args.database, state)
    os.environ.setdefault("TRUSTED_HOSTS", "localhost")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database,
            "SECRET_KEY": "pages-benchmark-only",
            "STATE_DIR": str(state),
            "RATELIMIT_ENABLED": False,
        }
    )
    rendering = [0.0]
    render = flask.templating._render

    def timed_render(*render_args):
        started = time.process_time()
        try:
            return render(*render_args)
        finally:
            rendering[0] += time.process_time() - started

    flask.templating._render = timed_render
    statements = [0]
    with app.app_context():
        engine = db.engine
    event.listen(
        engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1)
    )

    firm, officer, api = app.test_client(), app.test_client(), app.test_client()
    for client, (email, password) in ((firm, FIRM_USER), (officer, OFFICER)):
        page = client.get("/auth/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        client.post("/auth/login", data={"email": email, "password": password, "csrf_token": csrf})
    bearer = {"Authorization": f"Bearer {token}"}
    pages = [
        ("/healthz (baseline)", firm, "/healthz", {}),
        ("directory search", firm, "/firms?q=tractor+kits", {}),
        ("/matches", firm, "/matches", {}),
        ("/review", officer, "/review", {}),
        ("thread page", firm, f"/messages/{thread_id}", {}),
        ("API list", api, "/api/v1/proposals", bearer),
        ("/dashboard", officer, "/dashboard", {}),
    ]
    baseline = None
    print(
        f"{'page':<22} {'wall ms':>8} {'CPU ms':>8} {'render':>8} {'SQL':>5} {'CPU x baseline':>15}"
    )
    for name, client, path, headers in pages:
        count = max(3, args.requests // 20) if path == "/dashboard" else args.requests
        for _ in range(min(count, 20)):  # warm up: templates, statement caches, prepared plans
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        rendering[0], statements[0] = 0.0, 0
        started, wall = time.process_time(), time.perf_counter()
        for _ in range(count):
            client.get(path, headers=headers)
        cpu = (time.process_time() - started) / count * 1000
        wall = (time.perf_counter() - wall) / count * 1000
        baseline = baseline or cpu
        print(
            f"{name:<22} {wall:8.2f} {cpu:8.2f} {rendering[0] / count * 1000:8.2f} "
            f"{statements[0] / count:5.1f} {cpu / baseline:14.1f}x"
        )


if __name__ == "__main__":
    main()
