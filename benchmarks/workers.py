"""gunicorn's worker count on this machine: the pages' throughput and CPU per request at each.

    .venv/bin/python benchmarks/workers.py [--database URL] [--workers 2 3 5] [--rounds 3]
                                           [--duration 6] [--max-requests N ...]

Needs the database that `benchmarks/load.py` fills (run it once; `--reuse` keeps it). Serves
the application and benchmarks/bare_app.py as load.py does (gunicorn.conf.py, production
settings, Redis for rate limits), once per worker count (and per `--max-requests` value) and all
at the same time (an idle server costs nothing), then drives them in interleaved rounds with wrk
at 16 clients: for each page and server, the bare endpoint of that server's settings and then
the page. Prints each run, then per page and server the medians of the rounds: throughput, its
share of the bare run beside it, and the app's CPU per request (gunicorn's processes, from
/proc).

Why: the sync workers are processes, and on two cores with the database on the same machine
every worker beyond one per core is one more process for the scheduler to switch between. Each
switch leaves the caches to the next process; a page's working set (the app, its templates, its
mappers) is many times the bare endpoint's, so the pages lose CPU to it and the bare endpoint
barely does. `--max-requests` overrides gunicorn.conf.py's: a worker recycled after that many
requests starts cold (templates compiled, statements prepared and memos filled again).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402 - after the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=load.DEFAULT_DATABASE)
    parser.add_argument("--redis-url", default=load.REDIS_URL, help="flushed, as in load.py")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 3, 5])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=6, help="seconds per wrk run")
    parser.add_argument(
        "--max-requests", type=int, nargs="+", help="gunicorn's; one server per value and count"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if not load._filled(args.database, 1):
        sys.exit("no filled database: run benchmarks/load.py once")

    state = Path(tempfile.mkdtemp(prefix="matchmaker-workers-"))
    token, thread_id = load._credentials(args.database, state)
    env = load.server_env(args.database, args.redis_url, state)
    settings = [
        (workers, limit) for workers in args.workers for limit in (args.max_requests or [None])
    ]
    servers, bases, labels = [], {}, {}
    for i, (workers, limit) in enumerate(settings):
        served = {**env, "WEB_CONCURRENCY": str(workers)}
        labels[i] = f"{workers} workers" + ("" if limit is None else f", max {limit}")
        if limit is not None:
            served["GUNICORN_CMD_ARGS"] = f"--max-requests {limit}"
        app_port, bare_port = load._free_port(), load._free_port()
        servers.append(load._serve("matchmaker:create_app()", app_port, served, state / f"app{i}"))
        bare = load._serve("benchmarks.bare_app:app", bare_port, served, state / f"bare{i}")
        servers.append(bare)
        bases[i] = (f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}/bare")
    share: dict[tuple[str, int], list[float]] = {}
    rps: dict[tuple[str, int], list[float]] = {}
    cpu: dict[tuple[str, int], list[float]] = {}
    try:
        pages = {}
        for server, (app_base, bare_url) in bases.items():
            load._wait(app_base + "/healthz")
            load._wait(bare_url)
            firm = load._sign_in(app_base, *load.FIRM_USER)
            officer = load._sign_in(app_base, *load.OFFICER)
            bearer = {"Authorization": f"Bearer {token}"}
            pages[server] = [
                ("directory search", f"{app_base}/firms?q=tractor+kits", firm),
                ("/matches", f"{app_base}/matches", firm),
                ("/review", f"{app_base}/review", officer),
                ("thread page", f"{app_base}/messages/{thread_id}", firm),
                ("API list", f"{app_base}/api/v1/proposals", bearer),
            ]
            for name, url, headers in pages[server]:
                load._check_page(name, url, headers)
                load._wrk(url, headers, 16, 2)  # warm every worker up
        names = [name for name, _, _ in pages[0]]
        for round_ in range(args.rounds):
            # Each round starts with another server: none always runs first in a page.
            k = round_ % len(bases)
            order = list(bases)[k:] + list(bases)[:k]
            for i, name in enumerate(names):
                for server in order:
                    _, url, headers = pages[server][i]
                    bare = load._wrk(bases[server][1], {}, 16, args.duration)
                    page = load._wrk(url, headers, 16, args.duration)
                    key = (name, server)
                    share.setdefault(key, []).append(page["rps"] / bare["rps"])
                    rps.setdefault(key, []).append(page["rps"])
                    cpu.setdefault(key, []).append(page["cpu_ms"]["app"])
                    print(
                        f"  round {round_ + 1} {name:<17} {labels[server]}: bare"
                        f" {bare['rps']:7.1f} req/s, page {page['rps']:7.1f} req/s"
                        f" ({page['rps'] / bare['rps']:.0%}), app CPU ms/request"
                        f" {page['cpu_ms']['app']:.2f} (bare {bare['cpu_ms']['app']:.2f})",
                        flush=True,
                    )
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(state, ignore_errors=True)
    print(f"\nmedians of {args.rounds} rounds, 16 clients: req/s, share of the bare run beside it,")
    print("app CPU ms per request")
    print(f"{'page':<17} " + " ".join(f"{labels[server]:>26}" for server in bases))
    for name in names:
        cells = []
        for server in bases:
            key = (name, server)
            cells.append(
                f"{statistics.median(rps[key]):7.1f} {statistics.median(share[key]):5.0%}"
                f" {statistics.median(cpu[key]):5.2f} ms"
            )
        print(f"{name:<17} " + " ".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()
