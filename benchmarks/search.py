"""Directory search latency in process on PostgreSQL at 20,000 firms.

    .venv/bin/python benchmarks/search.py [--firms 10000] [--database match_search]

Fills a PostgreSQL database (dropped and created again) with N synthetic firms per country
(benchmarks/matching.py's generator, with stored vectors), then runs the directory's search
as its page does (`directory_page`: the ranked ids, then one page of rows) for a mix of queries:
English, Russian and Urdu words, a plural, a typo, two words, with a sector filter. Each query
is run once cold (its query embedding not yet computed) and then repeated; prints p50 / p95 /
max of wall time (and CPU) for the cold and the repeated searches, and the index build time.
Last, the meaning part of a search both ways, per query (CPU ms, median of 50): one product
over every firm's vectors, or over the matching firms' vectors gathered (what
services/search.py chooses by the matches' share).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "tractor",
    "трактор",
    "ٹریکٹر",
    "tractors",
    "tracter",
    "harvester",
    "комбайн",
    "transformer",
    "трансформатор",
    "leather jackets",
    "кожа",
    "چمڑا",
    "rice",
    "рис",
    "چاول",
    "citrus",
    "kinnow",
    "concrete panels",
    "bus",
    "electric bus",
    "электробус",
    "coal",
    "уголь",
    "surgical instruments",
    "hospital",
    "freight rail",
    "gearbox",
    "textile",
    "denim",
    "potato seed",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def line(name: str, walls: list[float], cpus: list[float]) -> str:
    ms = [w * 1000 for w in walls]
    return (
        f"{name:<26} n={len(ms):<4} wall p50 {statistics.median(ms):6.1f} ms  "
        f"p95 {percentile(ms, 0.95):6.1f} ms  max {max(ms):6.1f} ms  "
        f"CPU p95 {percentile([c * 1000 for c in cpus], 0.95):6.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=10_000, help="firms per country")
    parser.add_argument("--database", default="match_search")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        c.execute(f'CREATE DATABASE "{args.database}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    import importlib.util

    # The generator of the matching benchmark beside this file (not a package).
    spec = importlib.util.spec_from_file_location(
        "bench_matching", ROOT / "benchmarks" / "matching.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    generate = bench.generate

    started = time.perf_counter()
    generate(url, args.firms)
    print(f"{2 * args.firms} firms generated in {time.perf_counter() - started:.1f}s")

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.services import firms as firm_service
    from matchmaker.services import search

    app = create_app({"SECRET_KEY": "benchmark", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        search.default_embedder().embed(["warm up"], "query")
        started = time.perf_counter()
        search.search_firm_ids(db.session, "warm")
        print(f"index of {2 * args.firms} firms built in {time.perf_counter() - started:.2f}s")

        # The page's own call, as a signed-in firm user sees it (contact rule included).
        viewer = SimpleNamespace(is_staff=False, firm_id=1)

        def page(q: str, sector: str = "") -> tuple[float, float, int]:
            wall, cpu = time.perf_counter(), time.process_time()
            query = firm_service.DirectoryQuery(q=q, sector=sector)
            found = firm_service.directory_page(db.session, viewer, query, page=1, per_page=20)
            db.session.commit()
            return time.perf_counter() - wall, time.process_time() - cpu, len(found.items)

        cold, warm = ([], []), ([], [])
        for q in QUERIES:
            w, c, _ = page(q)
            cold[0].append(w)
            cold[1].append(c)
        for _ in range(args.repeats):
            for n, q in enumerate(QUERIES):
                w, c, _ = page(q, "tractors" if n % 5 == 0 else "")
                warm[0].append(w)
                warm[1].append(c)
        found = {q: len(search.search_firm_ids(db.session, q)) for q in QUERIES[:5]}
        index = search._index(db.session)
    print("firms found: " + ", ".join(f"{q} {n}" for q, n in found.items()))
    print(line("first time of each query", *cold))
    print(line("repeated queries", *warm))
    for q in ("tractor", "transformer", "bus", "tracter"):
        print(product_parts(search, index, q))
    return 0


def product_parts(search, index, q: str) -> str:
    import numpy as np

    words = list(dict.fromkeys(search.tokens(q)))
    every = np.ones(len(index.ids), dtype=bool)
    for word in words:
        every &= search._word_rows(index, word) > 0
    rows = np.flatnonzero(every)
    query = search._query_vector(" ".join(words))
    flat = index.vectors.reshape(-1, index.vectors.shape[-1])

    def cpu_ms(run) -> float:
        times = []
        for _ in range(50):
            started = time.process_time()
            run()
            times.append((time.process_time() - started) * 1000)
        return statistics.median(times)

    whole = cpu_ms(lambda: (flat @ query).reshape(len(index.ids), -1)[rows])
    gathered = cpu_ms(lambda: index.vectors[rows] @ query)
    return (
        f"meaning of {q!r}: {len(rows)} of {len(index.ids)} firms match; product over all "
        f"{whole:.2f} ms, over the matches gathered {gathered:.2f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
