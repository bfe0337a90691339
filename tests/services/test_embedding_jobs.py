"""With Redis, embedding a bulk import is split into jobs that several workers share."""

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matchmaker.models import Firm, FirmEmbedding

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_two_workers_share_the_embedding_jobs_and_embed_every_text_once(
    redis_app,
    make_firm,
    db_session,
    tmp_path,
    monkeypatch,
):
    from matchmaker.jobs.matching import queue_embeddings
    from matchmaker.matching import embedding

    for n in range(40):
        make_firm(
            ref=f"PK-{n:03d}" if n % 2 else f"BY-{n:03d}",
            country="PK" if n % 2 else "BY",
            offers=f"Offer number {n}: tractor parts and service",
            seeks=f"Seeking number {n}: dealers and assembly",
        )
    # The queue is filled as `firms import` fills it: the stale firms of the workers' model.
    monkeypatch.setenv("MATCHMAKER_EMBEDDER", "tests.fakes:HashingEmbedder")
    monkeypatch.setattr(embedding, "_default", None)
    with redis_app.app_context():
        assert queue_embeddings(chunk=4) == 10
    log = tmp_path / "embedded.log"
    env = {
        **os.environ,
        "DATABASE_URL": redis_app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_app.config["REDIS_URL"],
        "MATCHMAKER_REDIS_PREFIX": redis_app.config["REDIS_PREFIX"],
        "SECRET_KEY": "jobs",
        "MATCHMAKER_STATE_DIR": str(tmp_path / "state"),
        "MATCHMAKER_EMBEDDER": "tests.fakes:HashingEmbedder",
        "MATCHMAKER_EMBED_LOG": str(log),
        "MATCHMAKER_EMBED_DELAY": "0.05",
    }
    worker = [sys.executable, "-m", "flask", "--app", "matchmaker", "worker", "--burst"]
    runs = [subprocess.Popen(worker, env=env, cwd=ROOT, stderr=subprocess.PIPE) for _ in range(2)]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert all(run.returncode == 0 for run in runs), errors
    warm_up = hashlib.sha256(b"warm up").hexdigest()
    lines = [line.split() for line in log.read_text().splitlines()]
    embedded = Counter(digest for _, digest in lines if digest != warm_up)
    texts = [t for firm in db_session.scalars(select(Firm)) for t in (firm.offers, firm.seeks)]
    expected = Counter(hashlib.sha256(t.encode()).hexdigest() for t in texts)
    assert embedded == expected  # every text once: none twice, none missed
    assert len({pid for pid, digest in lines if digest != warm_up}) == 2  # both took part
    db_session.expire_all()
    stored = db_session.scalar(select(func.count()).where(FirmEmbedding.model == "hashing-test/1"))
    assert stored == 40
