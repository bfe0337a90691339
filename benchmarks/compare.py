"""Two checkouts' pages, interleaved in one run: what a change saves, on a noisy machine.

    .venv/bin/python benchmarks/compare.py BEFORE [PAGE ...] [--rounds 150] [--requests 4]

BEFORE is another checkout of the project (`git worktree add ../before <commit>`, its message
catalogues compiled); this one is AFTER. Each runs in a process of its own, on the database
that `benchmarks/load.py` fills, signed in as benchmarks/pages.py signs in (its `signed_in` and
`page_list`, which the other checkout must have too), every page warmed up first. Then, round
after round, each page is requested `--requests` times in one process and then in the other,
the order swapped every round, and the process CPU per request (user and system: the round
trips to the database cost this process system time that instruction counts do not see) is
noted. Prints per page the median, the first quartile and the quickest round of each, and
AFTER / BEFORE. PAGE names are those of benchmarks/pages.py (default: the pages, no probes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    "directory search",
    "search + sector",
    "API firm search",
    "/matches",
    "/review",
    "thread page",
    "API list",
)


def worker(names: list[str]) -> None:
    """Serve "name|count" lines from stdin: the CPU ms per request of that many requests."""
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("TRUSTED_HOSTS", "localhost")
    from benchmarks.load import DEFAULT_DATABASE
    from benchmarks.pages import page_list, signed_in

    setup = signed_in(DEFAULT_DATABASE, Path(tempfile.mkdtemp(prefix="matchmaker-compare-")))
    pages = {name: (client, path, headers) for name, client, path, headers in page_list(setup)}
    for name in names:
        client, path, headers = pages[name]
        for _ in range(30):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
    print("ready", flush=True)
    for line in sys.stdin:
        name, count = line.rstrip("\n").split("|")
        client, path, headers = pages[name]
        started = time.process_time()
        for _ in range(int(count)):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
        print((time.process_time() - started) / int(count) * 1000, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path, help="the other checkout")
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--rounds", type=int, default=150)
    parser.add_argument("--requests", type=int, default=4, help="per page and round")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.pages)
        return

    args.pages = args.pages or list(PAGES)
    checkouts = {"before": args.before.resolve(), "after": ROOT}
    processes = {
        label: subprocess.Popen(  # noqa: S603 - this script, our own arguments
            [sys.executable, str(ROOT / "benchmarks" / "compare.py"), ".", *args.pages, "--worker"],
            cwd=checkout,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for label, checkout in checkouts.items()
    }
    for label, process in processes.items():
        assert process.stdout is not None and process.stdout.readline().strip() == "ready", label
    figures: dict[tuple[str, str], list[float]] = {}
    for round_number in range(args.rounds):
        order = ("before", "after") if round_number % 2 == 0 else ("after", "before")
        for name in args.pages:
            for label in order:
                process = processes[label]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write(f"{name}|{args.requests}\n")
                process.stdin.flush()
                figures.setdefault((label, name), []).append(float(process.stdout.readline()))
    for process in processes.values():
        assert process.stdin is not None
        process.stdin.close()
        process.wait()

    print(f"CPU ms per request, {args.rounds} rounds of {args.requests} requests each")
    print(f"{'page':22} {'before':>23} {'after':>23}  after/before")
    print(f"{'':22} {'median  q1    min':>23} {'median  q1    min':>23}  median  q1")
    for name in args.pages:
        shown = []
        for label in ("before", "after"):
            values = figures[(label, name)]
            shown.append(
                (statistics.median(values), statistics.quantiles(values, n=4)[0], min(values))
            )
        (mb, qb, nb), (ma, qa, na) = shown
        print(
            f"{name:22} {mb:7.3f} {qb:6.3f} {nb:6.3f}   {ma:7.3f} {qa:6.3f} {na:6.3f}"
            f"   {ma / mb:5.3f} {qa / qb:5.3f}"
        )


if __name__ == "__main__":
    main()
