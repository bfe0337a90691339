"""Load benchmark: PostgreSQL, gunicorn and wrk, pages against a bare one-row Flask endpoint.

    .venv/bin/python benchmarks/load.py [--database URL] [--duration 10] [--clients 16 50]
                                        [--rounds 1] [--reuse] [--explain] [--reference]

1. Fills a PostgreSQL database (default `matchmaker_load` on 127.0.0.1, dropped and created)
   with 20,000 firms, 200,000 proposals and 100,000 messages (`--reuse` keeps a filled one).
2. Serves the application with gunicorn (gunicorn.conf.py: production settings, Redis for rate
   limits, and its worker count for this database: one per core, the database being on this
   machine; `--workers N` for another) and, with the same settings, benchmarks/bare_app.py: a
   Flask endpoint that reads one row.
3. Drives each with wrk (2 threads, on the same cores) at each client count: the directory
   search, /matches, /review, a thread page and the API list, signed in as the user each page is
   for, and prints throughput and p50/p95/p99 latency per page beside the bare endpoint's.
   `--rounds N` repeats every run N times, round after round (so a slow minute of the machine
   falls on all pages alike), and reports each figure's median over the rounds and the errors
   of all of them. Before each page at 16 clients the bare endpoint runs again, and the page's
   share is taken against that run (`beside`, median of the rounds): in one run of three
   rounds the bare endpoint fell from 1,320 to 863 req/s between the first and the last, so a
   share against its median moved with the minute each page happened to run in.
4. `--explain`: EXPLAIN ANALYZE of the slowest query of each page (captured in process).
5. `--reference`: also the account page, the lightest page a signed-in user opens (session,
   user, layout and three one-row queries), and the probes of benchmarks/probes.py served by a
   third gunicorn (the application plus routes only the benchmarks have): a view of the app
   without the database, a signed-in view that returns a word, an empty signed-in page in the
   layout. What any signed-in page costs before its own work, outside the targets.
Then it checks the targets: at 16 clients p95 <= 100 ms and throughput >= 30% of the bare
endpoint's run beside it (the searches, among them two whose words match thousands of firms,
one with a sector filter: >= 20%); at 50 clients no errors and throughput within 10% of the
16-client figure. That change is taken like the share: each round's 50-client run against the
same page's 16-client run of that round, median of the rounds (the two medians apart are printed
beside it). Taken apart, it followed the machine: over four runs the API firm search's, its code
unchanged, moved +1%, +13%, -20% and +18%, as the minute of each run fell.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import runpy
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.matching import GENERIC, SECTOR_WORDS  # noqa: E402 - after the path

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/matchmaker_load"
REDIS_URL = "redis://127.0.0.1:6379/13"
OFFICER = ("officer@load.example", "load officer password 1")
FIRM_USER = ("firm@load.example", "load firm password 12")
CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
LUA = ROOT / "benchmarks" / "wrk_report.lua"
REFERENCE = "account (reference)"
# Issue 17's targets at 16 clients: a page's throughput against the bare endpoint's.
PAGE_SHARE, SEARCH_SHARE = 0.3, 0.2
SEARCHES = ("directory search", "search + sector", "API firm search")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--redis-url", default=REDIS_URL, help="a Redis database of its own (it is flushed)"
    )
    parser.add_argument("--firms", type=int, default=20_000)
    parser.add_argument("--proposals", type=int, default=200_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 50])
    parser.add_argument("--rounds", type=int, default=1, help="repeat every run, interleaved")
    parser.add_argument(
        "--workers", type=int, help="gunicorn's (default: gunicorn.conf.py's for the database)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep an already filled database")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--reference",
        action="store_true",
        help="also the lightest signed-in page (/auth/account), outside the targets",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    if args.workers is None:  # what `make serve` would run on this machine with this database
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        args.workers = conf["default_workers"](args.database, os.cpu_count() or 1)

    state = Path(tempfile.mkdtemp(prefix="matchmaker-load-"))
    if not (args.reuse and _filled(args.database, args.firms)):
        started = time.perf_counter()
        _create_database(args.database)
        _fill(args.database, args.firms, args.proposals, args.messages, state)
        print(f"filled in {time.perf_counter() - started:.1f}s")
    token, thread_id = _credentials(args.database, state)
    counts = _counts(args.database)
    print("database: " + ", ".join(f"{n:,} {table}" for table, n in counts.items()))

    app_port, bare_port = _free_port(), _free_port()
    env = {**server_env(args.database, args.redis_url, state), "WEB_CONCURRENCY": str(args.workers)}
    servers = [
        _serve("matchmaker:create_app()", app_port, env, state / "app.log"),
        _serve("benchmarks.bare_app:app", bare_port, env, state / "bare.log"),
    ]
    probe_port = _free_port()
    probe_base = f"http://127.0.0.1:{probe_port}"
    if args.reference:
        servers.append(
            _serve(
                "benchmarks.probes:create_app()",
                probe_port,
                env,
                state / "probes.log",
            )
        )
    try:
        app_base = f"http://127.0.0.1:{app_port}"
        _wait(app_base + "/healthz")
        _wait(f"http://127.0.0.1:{bare_port}/bare")
        officer = _sign_in(app_base, *OFFICER)
        firm = _sign_in(app_base, *FIRM_USER)
        targets = [
            ("bare Flask, one row", f"http://127.0.0.1:{bare_port}/bare", {}),
            ("directory search", f"{app_base}/firms?q=tractor+kits", firm),
            # Words that match thousands of firms, with a filter: an ordinary directory query.
            ("search + sector", f"{app_base}/firms?q=tractor&sector=tractors", firm),
            (
                "API firm search",
                f"{app_base}/api/v1/firms?q=transformer",
                {"Authorization": f"Bearer {token}"},
            ),
            ("/matches", f"{app_base}/matches", firm),
            ("/review", f"{app_base}/review", officer),
            ("thread page", f"{app_base}/messages/{thread_id}", firm),
            ("API list", f"{app_base}/api/v1/proposals", {"Authorization": f"Bearer {token}"}),
        ]
        checked = [name for name, _, _ in targets[1:]]
        if args.reference:  # what any signed-in page costs: session, user, layout, 3 queries
            targets.append((REFERENCE, f"{app_base}/auth/account", firm))
            _wait(probe_base + "/healthz")  # the same secret key: the firm's cookie holds there
            targets += [
                ("probe: app, no database", f"{probe_base}/_probe/plain", {}),
                ("probe: signed-in word", f"{probe_base}/_probe/signed-in", firm),
                ("probe: empty layout", f"{probe_base}/_probe/layout", firm),
            ]
        for name, url, headers in targets:
            _check_page(name, url, headers)
        for _, url, headers in targets:
            _wrk(url, headers, 16, 2)  # warm every worker up (templates, connections)
        runs: dict[tuple[str, int], list[dict]] = {}
        paired: dict[str, list[float]] = {}  # page -> its 16-client share of the bare run beside it
        # (page, clients) -> that run's throughput against the page's 16-client run just before it
        against_16: dict[tuple[str, int], list[float]] = {}
        bare_name, bare_url, bare_headers = targets[0]
        for round_ in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"round {round_} of {args.rounds}", flush=True)
            for name, url, headers in targets:
                beside = None
                if name in checked and 16 in args.clients:
                    beside = _wrk(bare_url, bare_headers, 16, args.duration)
                    _print_run(f"({bare_name})", 16, beside)
                for clients in args.clients:
                    r = _wrk(url, headers, clients, args.duration)
                    runs.setdefault((name, clients), []).append(r)
                    _print_run(name, clients, r)
                    if beside is not None and clients == 16:
                        paired.setdefault(name, []).append(r["rps"] / beside["rps"])
                if 16 in args.clients:  # each other count against this round's 16-client run
                    r16 = runs[name, 16][-1]["rps"]
                    for clients in args.clients:
                        if clients != 16:
                            change = runs[name, clients][-1]["rps"] / r16
                            against_16.setdefault((name, clients), []).append(change)
        results = {key: _median_run(found) for key, found in runs.items()}
        shares = {name: statistics.median(found) for name, found in paired.items()}
        changes = {key: statistics.median(found) - 1 for key, found in against_16.items()}
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    _report(
        results,
        shares,
        changes,
        [t[0] for t in targets],
        checked,
        args.clients,
        args.workers,
        args.rounds,
    )
    if args.explain:
        _explain(args.database, state, thread_id)
    shutil.rmtree(state, ignore_errors=True)


# --- the data ---------------------------------------------------------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url.replace("+psycopg", ""))
    name = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), name


def _create_database(url: str) -> None:
    import psycopg

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _filled(url: str, firms: int) -> bool:
    try:
        return _counts(url).get("firms", 0) >= firms
    except Exception:  # noqa: BLE001 - no database yet, or not migrated
        return False


def _counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("firms", "proposals", "threads", "messages", "users")
        }


def _app(url: str, state: Path):
    from matchmaker import create_app

    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load", "STATE_DIR": str(state)}
    )


def _fill(url: str, n_firms: int, n_proposals: int, n_messages: int, state: Path) -> None:
    from flask_migrate import upgrade

    from matchmaker.extensions import db
    from matchmaker.models import Role
    from matchmaker.services import accounts

    rng = random.Random(7)
    app = _app(url, state)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        officer = accounts.create_user(db.session, *OFFICER, Role.STAFF)
        officer_id = officer.id
    types = ["assembly", "licensing", "distribution", "joint-venture", "supply", "research"]
    sectors = list(SECTOR_WORDS)
    now = datetime.now(UTC)
    pk_count = n_firms // 2

    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as connection, connection.cursor() as cur:
        known_types = {row[0] for row in cur.execute("SELECT code FROM cooperation_types")}
        types = [t for t in types if t in known_types] or sorted(known_types)
        with cur.copy(
            "COPY firms (id, ref, name, country, city, offers, seeks, description, employees, "
            "founded, website, contact_email, created_at, updated_at) FROM STDIN"
        ) as copy:
            firm_sectors = {}
            for i in range(1, n_firms + 1):
                country = "PK" if i <= pk_count else "BY"
                chosen = rng.sample(sectors, rng.choice((1, 1, 2)))
                firm_sectors[i] = chosen
                words = " ".join(SECTOR_WORDS[s] for s in chosen).split()

                def phrase(k: int, words=words) -> str:
                    return " ".join(rng.choice(words + GENERIC) for _ in range(k)).capitalize()

                copy.write_row(
                    (
                        i,
                        f"{country}-L{i:06d}",
                        f"{phrase(2)} {country} Firm {i}",
                        country,
                        rng.choice(("Lahore", "Karachi", "Sialkot"))
                        if country == "PK"
                        else rng.choice(("Minsk", "Gomel", "Brest")),
                        f"{phrase(12)}. {phrase(10)}.",
                        f"{phrase(10)}.",
                        f"{phrase(25)}.",
                        rng.randint(10, 5000),
                        rng.randint(1950, 2024),
                        f"https://firm{i}.example",
                        f"info@firm{i}.example",
                        now,
                        now,
                    )
                )
        with cur.copy("COPY firm_sectors (firm_id, sector_code, position) FROM STDIN") as copy:
            for firm_id, chosen in firm_sectors.items():
                for position, code in enumerate(chosen):
                    copy.write_row((firm_id, code, position))
        with cur.copy(
            "COPY firm_cooperation_types (firm_id, type_code, direction, position) FROM STDIN"
        ) as copy:
            for firm_id in firm_sectors:
                for direction in ("offer", "seek"):
                    for position, code in enumerate(rng.sample(types, 2)):
                        copy.write_row((firm_id, code, direction, position))

        per_pk = max(1, n_proposals // pk_count)
        by_ids = list(range(pk_count + 1, n_firms + 1))
        approved = []
        with cur.copy(
            "COPY proposals (id, pk_firm_id, by_firm_id, score, reasons, signals, status, note, "
            "version, decided_by_id, decided_at, created_at) FROM STDIN"
        ) as copy:
            proposal_id = 0
            for pk_id in range(1, pk_count + 1):
                for by_id in rng.sample(by_ids, per_pk):
                    proposal_id += 1
                    roll = rng.random()
                    status = "approved" if roll < 0.1 else "rejected" if roll < 0.15 else "proposed"
                    if pk_id == 1 and len(approved) < 3:
                        status = "approved"  # the signed-in firm has introductions
                    decided = status != "proposed"
                    if status == "approved":
                        approved.append((proposal_id, pk_id, by_id))
                    copy.write_row(
                        (
                            proposal_id,
                            pk_id,
                            by_id,
                            round(rng.uniform(0.2, 0.95), 4),
                            json.dumps(
                                [
                                    "Offers what the other side seeks: tractor kits, CKD "
                                    "assembly and a dealer network.",
                                    "Both work in tractors (ISIC 2821).",
                                    "Cooperation: assembly fits assembly.",
                                ]
                            ),
                            json.dumps({"fit_ab": 0.5, "fit_ba": 0.4, "sectors": 1.0}),
                            status,
                            "Checked by the load benchmark." if decided else None,
                            2 if decided else 1,
                            officer_id if decided else None,
                            now if decided else None,
                            now,
                        )
                    )
        # n_messages in all: every thread gets the same share, the first ones one more.
        per_thread, extra = divmod(n_messages, max(1, len(approved)))
        with cur.copy(
            "COPY threads (id, proposal_id, created_at, last_message_at) FROM STDIN"
        ) as copy:
            for thread_id, (proposal_id, _, _) in enumerate(approved, start=1):
                copy.write_row((thread_id, proposal_id, now, now))
        with cur.copy(
            "COPY messages (thread_id, sender_firm_id, body, created_at) FROM STDIN"
        ) as copy:
            for thread_id, (_, pk_id, by_id) in enumerate(approved, start=1):
                count = per_thread + (1 if thread_id <= extra else 0)
                for k in range(count):
                    copy.write_row(
                        (
                            thread_id,
                            pk_id if k % 2 == 0 else by_id,
                            "Thank you for the introduction. Could you send the specification "
                            f"sheet and the price for a first batch of {10 * (k + 1)} units?",
                            now - timedelta(minutes=count - k),
                        )
                    )
        # Each thread's two read markers with their unread counters, as the app keeps them.
        cur.execute(
            "INSERT INTO thread_reads (thread_id, firm_id, last_read_message_id, unread) "
            "SELECT t.id, side.firm_id, 0, (SELECT count(*) FROM messages m "
            "WHERE m.thread_id = t.id AND m.sender_firm_id != side.firm_id) "
            "FROM threads t JOIN proposals p ON p.id = t.proposal_id "
            "CROSS JOIN LATERAL (VALUES (p.pk_firm_id), (p.by_firm_id)) AS side(firm_id)"
        )
        for table in ("firms", "proposals", "threads"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        connection.commit()
    with app.app_context():
        from matchmaker.models import Firm

        user = accounts.create_user(db.session, *FIRM_USER, Role.FIRM)
        user.firm = db.session.get(Firm, 1)
        db.session.commit()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def _credentials(url: str, state: Path) -> tuple[str, int]:
    """A fresh API token for the officer and a thread of the signed-in firm."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Proposal, Thread
    from matchmaker.services import accounts, tokens

    with _app(url, state).app_context():
        officer = accounts.find_user(db.session, OFFICER[0])
        # Only the oldest go: benchmarks running at the same time keep their tokens.
        for old in sorted(tokens.list_tokens(db.session, officer), key=lambda t: t.id)[:-10]:
            tokens.revoke_token(db.session, officer, old.id)
        _, plain = tokens.create_token(db.session, officer, "load benchmark")
        thread_id = db.session.scalar(
            select(Thread.id).join(Proposal).where(Proposal.pk_firm_id == 1).limit(1)
        )
    return plain, thread_id


# --- serving and driving ----------------------------------------------------------------------


def server_env(database: str, redis_url: str, state: Path) -> dict[str, str]:
    """The environment the benchmarks serve the app (and the bare endpoint) in: production
    settings, Redis for rate limits (its database flushed here). For gunicorn's subprocesses."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    return {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "load-benchmark-only",
        "MATCHMAKER_ENV": "production",
        "TRUSTED_HOSTS": "127.0.0.1",
        "REDIS_URL": redis_url,
        "MATCHMAKER_STATE_DIR": str(state),
        # The per-token API limit (600/min) would answer 429 within a second of this load; the
        # limiter still runs (and costs what it costs), at a rate the benchmark does not reach.
        "MATCHMAKER_API_RATE_LIMIT": "10000000 per minute",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(  # noqa: S603 - our own server and arguments
        [str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py"), app],
        env={**env, "BIND": f"127.0.0.1:{port}"},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _request(url: str, method: str = "GET", headers=None, body: str | None = None):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.getheaders(), response.read().decode()


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            if _request(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not come up")


def _cookies(headers) -> dict[str, str]:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            found[key] = val
    return found


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def _sign_in(base: str, email: str, password: str) -> dict[str, str]:
    status, headers, html = _request(base + "/auth/login")
    cookies = _cookies(headers)
    token = CSRF_RE.search(html).group(1)
    cookie = _cookie_header(cookies)
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
    status, headers, _ = _request(
        base + "/auth/login",
        "POST",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body,
    )
    if status != 302:
        sys.exit(f"sign-in as {email} failed: {status}")
    cookies.update(_cookies(headers))
    # Follow the redirect as a browser does: the page it leads to shows (and so removes from the
    # session) the "You are signed in" message. Without it every measured request would carry
    # that message in its cookie, show it again and answer with a rewritten session cookie.
    location = base + "/auth/login"
    for _ in range(5):  # the home page sends each kind of user on to their own page
        location = urllib.parse.urljoin(location, dict(headers)["Location"])
        cookie = _cookie_header(cookies)
        status, headers, _ = _request(location, headers={"Cookie": cookie})
        cookies.update(_cookies(headers))
        if status not in (301, 302, 303):
            break
    return {"Cookie": _cookie_header(cookies)}


def _check_page(name: str, url: str, headers: dict) -> None:
    """Each page answers 200 with content before it is measured (not a redirect to sign-in)."""
    status, response_headers, body = _request(url, headers=headers)
    if status != 200 or len(body) < 2:
        sys.exit(f"{name}: {url} answered {status}")
    if _cookies(response_headers):  # a view that rewrites the session is not a repeatable view
        sys.exit(f"{name}: {url} changed the session: {sorted(_cookies(response_headers))}")


def _cpu_seconds(pids) -> float:
    """The CPU time of these processes and of their children that have exited: a gunicorn
    worker recycled by max_requests, or a PostgreSQL backend that closed, is counted in its
    parent (the gunicorn master, the postmaster) once it is gone."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone between pgrep and here: its parent has it (see above)
        total += sum(int(field) for field in fields[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def _pids(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)  # noqa: S603,S607
    return [int(pid) for pid in out.stdout.split()]


def _wrk(url: str, headers: dict, clients: int, seconds: int) -> dict:
    """One wrk run; also where the CPU went (server workers, PostgreSQL, wrk), per request."""
    servers, database = _pids("gunicorn"), _pids("postgres")
    before = (_cpu_seconds(servers), _cpu_seconds(database), os.times())
    result = _run_wrk(url, headers, clients, seconds)
    after = (_cpu_seconds(_pids("gunicorn")), _cpu_seconds(_pids("postgres")), os.times())
    n = max(1, result["requests"])
    result["cpu_ms"] = {
        "app": (after[0] - before[0]) * 1000 / n,
        "db": (after[1] - before[1]) * 1000 / n,
        "wrk": (
            after[2].children_user
            + after[2].children_system
            - before[2].children_user
            - before[2].children_system
        )
        * 1000
        / n,
    }
    return result


def _run_wrk(url: str, headers: dict, clients: int, seconds: int) -> dict:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA)]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run(  # noqa: S603 - our own arguments
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _median_run(runs: list[dict]) -> dict:
    """Several runs of one page at one client count: each figure's median, every run's errors."""
    return {
        "rps": statistics.median(r["rps"] for r in runs),
        **{key: statistics.median(r[key] for r in runs) for key in ("p50_ms", "p95_ms", "p99_ms")},
        "errors": sum(r["errors"] for r in runs),
        "runs": len(runs),
    }


def _print_run(name: str, clients: int, r: dict) -> None:
    print(
        f"  {name:<22} {clients:>3} clients  {r['rps']:8.1f} req/s  "
        f"p50 {r['p50_ms']:6.1f}  p95 {r['p95_ms']:6.1f}  "
        f"p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}  CPU ms/request: "
        + ", ".join(f"{k} {v:.2f}" for k, v in r["cpu_ms"].items()),
        flush=True,
    )


def _report(
    results: dict,
    shares: dict[str, float],
    changes: dict[tuple[str, int], float],
    names: list[str],
    checked: list[str],
    clients: list[int],
    workers: int,
    rounds: int,
) -> None:
    bare = names[0]
    print(f"\ngunicorn {workers} sync workers per server, wrk 2 threads, same 2 cores")
    if rounds > 1:
        print(f"medians of {rounds} rounds; errors of all rounds")
    print(f"{'page':<22} {'clients':>7} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    print(
        f"{'':<22} {'':>7} {'':>8} {'':>7} {'':>7} {'':>7} {'errors':>6} {'vs bare':>7}"
        f" {'beside':>7}"
    )
    for name in names:
        for c in clients:
            r = results[name, c]
            ratio = r["rps"] / results[bare, c]["rps"]
            beside = f"{shares[name]:>7.0%}" if c == 16 and name in shares else ""
            print(
                f"{name:<22} {c:>7} {r['rps']:>8.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
                f"{r['p99_ms']:>7.1f} {r['errors']:>6} {ratio:>7.0%} {beside}"
            )
    print(
        "vs bare: against the bare endpoint's median; beside: against the bare run just before"
        " the page in each round (median of the rounds), the figure the targets use"
    )
    if 16 not in clients:
        return
    print("\ntargets:")
    failures = 0
    for name in checked:
        r16 = results[name, 16]
        share = SEARCH_SHARE if name in SEARCHES else PAGE_SHARE
        checks = [
            (f"p95 at 16 clients {r16['p95_ms']:.1f} ms <= 100", r16["p95_ms"] <= 100),
            (
                f"throughput {shares[name]:.1%} of the bare run beside it >= {share:.0%}",
                shares[name] >= share,
            ),
        ]
        for c in clients:
            if c != 16:
                r = results[name, c]
                apart = r["rps"] / r16["rps"] - 1  # the two medians, each of its own rounds
                change = changes[name, c]
                checks.append((f"{c} clients: {r['errors']} errors", r["errors"] == 0))
                checks.append(
                    (
                        f"{c} clients: throughput {change:+.1%} vs 16 in the same round"
                        f" (median of the rounds; the medians apart {apart:+.0%})",
                        abs(change) <= 0.1,
                    )
                )
        for text, ok in checks:
            failures += not ok
            print(f"  {'ok  ' if ok else 'MISS'} {name}: {text}")
    print(f"{failures} target(s) missed")


# --- query plans ------------------------------------------------------------------------------


def _explain(url: str, state: Path, thread_id: int) -> None:
    """Run each page in process, capture its SQL, and EXPLAIN ANALYZE the slowest query."""
    from sqlalchemy import event

    from matchmaker.extensions import db

    app = _app(url, state)
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    pages = [
        ("directory search", FIRM_USER, "/firms?q=tractor+kits"),
        ("directory, no search", FIRM_USER, "/firms?page=50"),
        ("/matches", FIRM_USER, "/matches"),
        ("/review", OFFICER, "/review"),
        ("/review, sector filter", OFFICER, "/review?sector=textiles&sort=score"),
        ("/review, firm search", OFFICER, "/review?q=tractor"),
        ("thread page", FIRM_USER, f"/messages/{thread_id}"),
        ("/messages", FIRM_USER, "/messages"),
        ("/dashboard", OFFICER, "/dashboard"),
    ]
    with app.app_context():
        engine = db.engine  # requests below run without this context (g would leak across)
    captured: list[tuple[float, str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        captured.append((time.perf_counter() - conn.info["started"], statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for name, (email, password), path in pages:
        client = app.test_client()
        client.post("/auth/login", data={"email": email, "password": password})
        client.get(path)  # warm
        captured.clear()
        response = client.get(path)
        queries = [q for q in captured if q[1].lstrip().upper().startswith("SELECT")]
        seconds, statement, parameters = max(queries, key=lambda q: q[0])
        print(
            f"\n== {name} ({path}): {len(captured)} queries, answered {response.status_code};"
            f" slowest {seconds * 1000:.1f} ms:"
        )
        print("  ", re.sub(r"\s+", " ", statement)[:700])
        with engine.connect() as connection:
            raw = connection.connection.driver_connection
            for (line,) in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters):
                print("   ", line)
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)


if __name__ == "__main__":
    main()
