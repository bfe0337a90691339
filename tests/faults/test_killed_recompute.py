"""A `match run` killed half-way leaves the previous proposals exactly as they were."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]


def _proposals(url: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT pk_firm_id, by_firm_id, score, status FROM proposals ORDER BY 1, 2")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_killed_match_run_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "kill",
        "MATCHMAKER_STATE_DIR": str(tmp_path),
        # This test is about transactions, not matching quality: a fast stand-in model.
        "MATCHMAKER_EMBEDDER": "tests.fakes:HashingEmbedder",
    }
    bench = [sys.executable, str(ROOT / "benchmarks" / "matching.py")]
    subprocess.run(
        [*bench, "--step", "generate", "--database-url", url, "--firms", "1500"],  # noqa: S603
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    flask = [sys.executable, "-m", "flask", "--app", "matchmaker", "match", "run"]
    subprocess.run(flask, check=True, env=env, cwd=ROOT, capture_output=True)  # noqa: S603
    before = _proposals(url)
    assert before
    engine = create_engine(url)
    with engine.begin() as conn:  # the next run would change many proposals
        conn.execute(
            text("UPDATE firms SET offers = 'citrus kinnow juice concentrate' WHERE id % 3 = 0")
        )
    engine.dispose()
    # Small write batches (MATCHMAKER_WRITE_BATCH), so the run reports batches written well
    # before it commits: it is killed once it has written at least two of many.
    run = subprocess.Popen(
        flask,
        env={**env, "MATCHMAKER_WRITE_BATCH": "500"},
        cwd=ROOT,  # noqa: S603
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    written = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        chunk = run.stderr.read1(4096)
        if not chunk:
            break
        seen += chunk
        written = [(int(a), int(b)) for a, b in re.findall(rb"saved batch (\d+)/(\d+)", seen)]
        if written and written[-1][0] >= 2:
            break
    assert written and written[-1][0] >= 2, seen[-500:]
    done, total = written[-1]
    assert done < total, "the run finished before it could be killed"
    run.send_signal(signal.SIGKILL)  # two or more batches written, nothing committed
    run.wait()
    run.stderr.close()
    assert _proposals(url) == before
