"""Time `match run` end to end against a plain chunked sparse TF-IDF top-K reference.

    .venv/bin/python benchmarks/matching.py --firms 10000 [--top 10] [--database-url URL]

Generates N synthetic firms per country into a fresh database, then runs, each in its own
process so that peak memory (max RSS) is measured per step:
  1. the reference of issue 15: TfidfVectorizer fitted on sectors + offers + seeks, then cosine
     products in chunks of rows with argpartition top-K, both ways (PK x BY and BY x PK);
  2. `flask --app matchmaker match run --top K`, end to end (reads, engine, reasons, writes);
  3. a profile save (embed the edited firm with the real model + refresh its proposals) in a
     fresh process that first warms up as `make serve` does (engine and model loaded before
     serving): the first save after the start, then the next.
Before that it measures the real model's throughput on a sample of the generated texts and
prints the time to embed 20,000 firms at that rate; the other firms' vectors are then stored as
random unit vectors under the real model's name and text hashes (the run reads them as it
reads real ones; embedding them all would take about an hour here).
Prints wall time, the ratio to the reference, and peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matchmaker.matching.taxonomy import COOPERATION_TYPES  # noqa: E402 - after the path

SECTOR_WORDS = {
    "tractors": "tractor tractors hp diesel ckd kits assembly dealers farm wheeled 4wd",
    "agri-machinery": "harvester combine plough seeder sprayer tillage implements baler",
    "electric-buses": "electric bus buses battery charging brt metrobus depot pantograph",
    "auto-parts": "gearbox axle transmission hydraulic parts components forging casting",
    "transformers": "transformer kva mva substation windings core tank switchgear grid",
    "mining-coal": "coal lignite mine underground open-pit dump trucks loaders shearer",
    "mining-precious": "gold silver heap leaching exploration ore plant carbon",
    "iron-ore": "iron ore magnetite beneficiation crusher grinding pellets",
    "construction-machinery": "excavator bulldozer crusher road machinery loader",
    "concrete": "concrete cement precast panels slabs batching plant housing",
    "textiles": "yarn fabric denim towels bed sheets knitting weaving garments cotton",
    "rice": "rice basmati paddy milling export long-grain sortex",
    "citrus": "kinnow mandarin citrus fruit packing cold storage reefers",
    "food-processing": "juice concentrate snacks packaging processing line bottling",
    "leather": "leather jackets gloves tannery hides garments",
    "footwear": "shoes boots footwear uppers soles sandals",
    "medical-instruments": "surgical instruments dental hospital sterile forceps scissors",
    "agri-research": "seed varieties breeding potato wheat trials laboratory",
    "logistics": "freight rail terminal containers customs forwarding warehouse trucking",
}
RUSSIAN = "производим тракторы поставка сервис обучение завод оборудование лицензия сборка"
GENERIC = (
    "we our partner quality certified plant capacity year tonnes units network training "
    "service licence joint venture investment engineers export import distribution market "
    "customers supply long-term contract technology equipment production local"
).split()
TYPES = list(COOPERATION_TYPES)


def text(rng: random.Random, sectors: list[str], words: int, russian: bool) -> str:
    pool = " ".join(SECTOR_WORDS[s] for s in sectors).split()
    if russian:
        pool += RUSSIAN.split()
    out = [rng.choice(pool) if rng.random() < 0.55 else rng.choice(GENERIC) for _ in range(words)]
    return " ".join(out).capitalize() + "."


def generate(database_url: str, per_country: int, seed: int = 7) -> None:
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.models import Firm, FirmCooperationType, FirmSector

    app = create_app({"SECRET_KEY": "benchmark"})
    rng = random.Random(seed)
    sectors = list(SECTOR_WORDS)
    with app.app_context():
        upgrade()
        firms, links, types = [], [], []
        firm_id = 0
        for country in ("PK", "BY"):
            for n in range(per_country):
                firm_id += 1
                chosen = rng.sample(sectors, rng.choice([1, 1, 2]))
                russian = country == "BY" and rng.random() < 0.1
                firms.append(
                    {
                        "id": firm_id,
                        "ref": f"{country}-{n:06d}",
                        "name": f"Firm {country} {n}",
                        "country": country,
                        "offers": text(rng, chosen, rng.randint(40, 110), russian),
                        "seeks": text(rng, chosen, rng.randint(30, 80), russian),
                        "description": text(rng, chosen, 15, russian),
                    }
                )
                links += [
                    {"firm_id": firm_id, "sector_code": s, "position": i}
                    for i, s in enumerate(chosen)
                ]
                for direction in ("offer", "seek"):
                    types += [
                        {"firm_id": firm_id, "type_code": t, "direction": direction, "position": i}
                        for i, t in enumerate(rng.sample(TYPES, 2))
                    ]
        for table, rows in ((Firm, firms), (FirmSector, links), (FirmCooperationType, types)):
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(table), rows[start : start + 5000])
        db.session.commit()
        _store_vectors(db.session, firms, rng)


def _store_vectors(session, firms: list[dict], rng: random.Random) -> None:
    """Random unit vectors for every firm, under the real model's name and text hashes."""
    import numpy as np
    from sqlalchemy import insert

    from matchmaker.matching.embedding import FIELDS, default_embedder, field_texts, text_hash
    from matchmaker.models import FirmEmbedding

    embedder = default_embedder()
    values = np.random.default_rng(rng.randrange(2**32))
    rows = []
    for firm in firms:
        vectors = values.standard_normal((len(FIELDS), embedder.dim)).astype("<f4")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        rows.append(
            {
                "firm_id": firm["id"],
                "model": embedder.name,
                "text_hash": text_hash(
                    field_texts(firm["offers"], firm["seeks"], firm["description"])
                ),
                "dim": embedder.dim,
                "vectors": vectors.tobytes(),
            }
        )
    for start in range(0, len(rows), 2000):
        session.execute(insert(FirmEmbedding), rows[start : start + 2000])
    session.commit()


def embed_sample(database_url: str, texts: int) -> None:
    """The real model's throughput on generated profile texts (child process)."""
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from matchmaker.matching.embedding import default_embedder, field_texts

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sql("SELECT offers, seeks, description FROM firms ORDER BY id LIMIT :n"),
            {"n": texts // 2},
        ).all()
    embedder = default_embedder()
    embedder.embed(["warm up"], "query")
    started = time.process_time(), time.perf_counter()
    texts = [field_texts(o, s, d or "") for o, s, d in rows]
    embedder.embed([t[0] for t in texts], "passage")
    embedder.embed([t[1] for t in texts], "query")
    cpu, wall = time.process_time() - started[0], time.perf_counter() - started[1]
    print(f"{2 * len(rows)} {wall:.3f} {cpu:.3f}")


def reference(database_url: str, top_k: int) -> None:
    """Plain TF-IDF top-K as issue 15 defines it (run in a child process): TfidfVectorizer
    fitted on each firm's sectors + offers + seeks, chunked scipy sparse products, the top K
    both ways (each PK firm's best BY firms and each BY firm's best PK firms, from one product
    per chunk), in process. The
    database is read first and not timed; prints the compute's wall and CPU seconds."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sql("SELECT id, country, offers, seeks FROM firms ORDER BY ref")).all()
        sectors: dict[int, list[str]] = {}
        for firm_id, code in conn.execute(
            sql("SELECT firm_id, sector_code FROM firm_sectors ORDER BY firm_id, position")
        ):
            sectors.setdefault(firm_id, []).append(code)
    started = time.perf_counter(), time.process_time()
    docs = [f"{' '.join(sectors.get(i, []))}\n{o}\n{s}" for i, _, o, s in rows]
    is_pk = np.array([c == "PK" for _, c, *_ in rows])
    vectors = TfidfVectorizer(sublinear_tf=True).fit_transform(docs)
    pk, by = vectors[is_pk], vectors[~is_pk]

    # One product per block of PK rows gives both directions: each row's K best (BY for PK),
    # and each column's K best so far (PK for BY), merged block by block.
    by_t = by.T.tocsr()
    rows_best, cols_values, cols_index = [], None, None
    for start in range(0, pk.shape[0], 2000):
        block = (pk[start : start + 2000] @ by_t).toarray()
        rows_best.append(np.argpartition(-block, top_k, axis=1)[:, :top_k])
        column_major = np.ascontiguousarray(block.T)  # quicker to partition than axis 0
        part = np.argpartition(-column_major, top_k, axis=1)[:, :top_k].T
        values, index = np.take_along_axis(block, part, axis=0), part + start
        if cols_values is not None:
            values, index = np.vstack([cols_values, values]), np.vstack([cols_index, index])
            keep = np.argpartition(-values, top_k, axis=0)[:top_k]
            values, index = (np.take_along_axis(a, keep, axis=0) for a in (values, index))
        cols_values, cols_index = values, index
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    print(f"{wall:.3f} {cpu:.3f}")
    print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


def refresh(database_url: str, state_dir: str) -> None:
    """Edit one firm and refresh its proposals twice (child process)."""
    os.environ["DATABASE_URL"] = database_url
    from sqlalchemy import select

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.jobs.matching import warm_engine, warm_model
    from matchmaker.models import Firm
    from matchmaker.services.matching import refresh_firms

    started = time.perf_counter()
    app = create_app({"SECRET_KEY": "benchmark", "STATE_DIR": state_dir})
    with app.app_context():
        warm_model()
        warm_engine()  # what `make serve` does before its workers answer
    warm = time.perf_counter() - started
    with app.app_context():
        timings = []
        for ref in ("PK-000001", "BY-000002"):
            firm = db.session.scalar(select(Firm).where(Firm.ref == ref))
            firm.offers = (
                "Tractor CKD kits, licence and training for assembly. " + firm.offers[:200]
            )
            db.session.commit()
            started = time.perf_counter()
            report = refresh_firms(db.session, [firm.id], state_dir)
            timings.append(time.perf_counter() - started)
            assert report.firms == 1, "refresh fell back to a full run"
            assert report.embedded == 1, "the edited firm was not embedded"
        print(f"{timings[0]:.3f} {timings[1]:.3f} {warm:.3f}")


def match_run(top_k: int) -> None:
    """`flask --app matchmaker match run` in this process, then its own peak RSS (child)."""
    from flask.cli import main as flask_main

    sys.argv = ["flask", "--app", "matchmaker", "match", "run", "--top", str(top_k)]
    try:
        flask_main()
    except SystemExit as exit_:
        if exit_.code:
            raise
    finally:
        print(f"PEAK {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


CPU: dict[str, float] = {}  # step -> CPU seconds of its child (user + system)


def child(args: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run a step in a child; its output, wall time and its own peak RSS in MiB (its CPU
    time goes to CPU[step]: on a shared machine the fairer comparison)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Our own interpreter and script, with arguments built here.
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False, cwd=ROOT)  # noqa: S603
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    step = args[args.index("--step") + 1] if "--step" in args else "?"
    CPU[step] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        sys.exit(f"step failed: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    peak = [int(line.split()[1]) for line in lines if line.startswith("PEAK ")]
    output = "\n".join(line for line in lines if not line.startswith("PEAK "))
    return output, wall, (peak[-1] / 1024 if peak else float("nan"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=2000, help="firms per country")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the reference (slow at 50,000)"
    )
    parser.add_argument(
        "--step",
        choices=["generate", "reference", "run", "embed", "refresh"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--state-dir", help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=200, help="texts for the model's throughput")
    args = parser.parse_args()
    steps = {  # each step in a child process of its own (see `child`)
        "generate": lambda: generate(args.database_url, args.firms),
        "reference": lambda: reference(args.database_url, args.top),
        "run": lambda: match_run(args.top),
        "embed": lambda: embed_sample(args.database_url, args.sample),
        "refresh": lambda: refresh(args.database_url, args.state_dir),
    }
    if args.step:
        steps[args.step]()
        return 0

    work = Path(tempfile.mkdtemp(prefix="mm-bench-"))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--database-url", url, "--firms", str(args.firms), "--top", str(args.top)]
    print(f"{args.firms} firms per country, top {args.top}, database {url.split(':')[0]}")
    _, wall, _ = child([*me, "--step", "generate", *common])
    print(f"generated in {wall:.1f}s")
    sample_out, _, _ = child([*me, "--step", "embed", *common, "--sample", str(args.sample)])
    count, e_wall, e_cpu = (float(x) for x in sample_out.split())
    rate = count / e_wall
    print(
        f"embedding ({int(count)} texts of generated profiles, one process, one thread): "
        f"{rate:.1f} texts/s wall, {count / e_cpu:.1f} texts/s per CPU second; "
        f"20,000 firms (40,000 texts): {40_000 / rate / 60:.1f} min in one process, "
        f"{40_000 / rate / 60 / 2:.1f} min with two workers"
    )
    ref_out, ref_wall, ref_peak = ("nan", float("nan"), float("nan"))
    if not args.no_reference:
        ref_out, ref_wall, ref_peak = child([*me, "--step", "reference", *common])
    ref_time, ref_cpu = (float(x) for x in ref_out.split()) if ref_out != "nan" else (ref_wall,) * 2
    print(
        f"reference (TF-IDF on sectors + offers + seeks, chunked sparse top-K both ways): "
        f"{ref_time:.2f}s compute ({ref_cpu:.2f}s CPU), {ref_wall:.2f}s with start-up and "
        f"reading, peak RSS {ref_peak:.0f} MiB"
    )
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "benchmark"}
    state = str(work / "state")
    env_state = {**env, "MATCHMAKER_STATE_DIR": state}
    run_out, run_wall, run_peak = child([*me, "--step", "run", *common], env_state)
    print(
        f"match run end to end: {run_wall:.2f}s wall (process start-up included), "
        f"peak RSS {run_peak:.0f} MiB"
    )
    print(f"  {run_out.splitlines()[-1]}")
    print(
        f"ratio match run / reference: {run_wall / ref_wall:.2f} (both with start-up and reading), "
        f"{run_wall / ref_time:.2f} against the reference's compute alone"
    )
    if "reference" in CPU:
        print(
            f"CPU time (user + system): match run {CPU['run']:.2f}s, reference "
            f"{CPU['reference']:.2f}s with start-up and reading (ratio "
            f"{CPU['run'] / CPU['reference']:.2f}), {ref_cpu:.2f}s its compute alone (ratio "
            f"{CPU['run'] / ref_cpu:.2f})"
        )
    refresh_out, _, _ = child([*me, "--step", "refresh", *common, "--state-dir", state])
    first, second, warm_up = (float(x) for x in refresh_out.splitlines()[-1].split())
    print(
        f"profile save (embed + refresh) after a start that warmed up in {warm_up:.1f}s: "
        f"{first:.3f}s first, {second:.3f}s next"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
