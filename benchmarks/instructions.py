"""Instructions per request (callgrind): a page's cost as a count that the machine's load does
not move, where CPU time moves 15-25% between runs on a shared machine.

    .venv/bin/python benchmarks/instructions.py [--database URL] [--requests 10] [PAGE ...]

Needs the database that `benchmarks/load.py` fills, as `benchmarks/pages.py` does. Runs itself
under `valgrind --tool=callgrind` with instrumentation off; each page is requested 5 times to
warm up, then `--requests` times with instrumentation on (client requests from a small C helper
built with gcc and valgrind's callgrind.h), and dumped apart. Prints the instructions (Ir) per
request of each page, in millions, and the dump files for `callgrind_annotate`
(`--keep DIR`). PAGE names are those of benchmarks/pages.py (default: the probes and pages).
About 50 times slower than the app: a few minutes for the default set.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import DEFAULT_DATABASE  # noqa: E402

HELPER = r"""
#include <valgrind/callgrind.h>
void start(void) { CALLGRIND_START_INSTRUMENTATION; }
void stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void zero(void) { CALLGRIND_ZERO_STATS; }
void dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""
MARK = "MATCHMAKER_UNDER_CALLGRIND"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--keep", help="a folder to keep the callgrind dumps in")
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    if os.environ.get(MARK):
        _measure(args)
        return
    work = Path(args.keep or tempfile.mkdtemp(prefix="matchmaker-callgrind-"))
    work.mkdir(parents=True, exist_ok=True)
    helper = work / "callgrind_helper.so"
    source = work / "callgrind_helper.c"
    source.write_text(HELPER)
    subprocess.run(  # noqa: S603 - our own command line
        ["gcc", "-O1", "-shared", "-fPIC", "-o", helper, source],  # noqa: S607 - gcc on PATH
        check=True,
    )
    out = work / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}.%p",
        sys.executable,
        *sys.argv,
    ]
    env = {**os.environ, MARK: str(helper)}
    with (work / "valgrind.log").open("w") as log:
        done = subprocess.run(command, env=env, check=False, stderr=log)  # noqa: S603
    if done.returncode:
        sys.exit((work / "valgrind.log").read_text()[-3000:])
    print(f"{'page':<22} {'M instr/request':>16}")
    dumps = sorted(work.glob("callgrind.out.*"), key=_part)
    for path in dumps:
        text = path.read_text(errors="replace")
        label = re.search(r"^desc: Trigger: Client Request: (.+)$", text, re.M)
        totals = re.search(r"^totals: (\d+)", text, re.M)
        if not label or not totals:
            continue
        print(f"{label.group(1):<22} {int(totals.group(1)) / args.requests / 1e6:16.2f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"dumps in {work}")


def _part(path: Path) -> int:
    tail = path.name.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _measure(args) -> None:
    from benchmarks.pages import page_list, signed_in

    grind = ctypes.CDLL(os.environ[MARK])
    state = Path(tempfile.mkdtemp(prefix="matchmaker-instructions-"))
    os.environ.setdefault("TRUSTED_HOSTS", "localhost")
    setup = signed_in(args.database, state, probes=True)
    pages = page_list(setup)
    chosen = [p for p in pages if not args.pages or p[0] in args.pages]
    for name, client, path, headers in chosen:
        for _ in range(5):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        grind.zero()
        grind.start()
        for _ in range(args.requests):
            client.get(path, headers=headers)
        grind.stop()
        grind.dump(name.encode())
    shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
