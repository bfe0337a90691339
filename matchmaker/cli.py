"""Command line (CONTRACT.md): thin click commands over the services."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.services.errors import ValidationFailed


def fail(lines: list[str] | str, code: int = 1) -> None:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(code)


users_cli = AppGroup("users", help="Manage user accounts.")
firms_cli = AppGroup("firms", help="Import and export firms.")
match_cli = AppGroup("match", help="Compute and export partner proposals.")
review_cli = AppGroup("review", help="EDB review records.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="firm")
@click.option("--password", help="Prompted for when not given.")
def users_create(email: str, role: str, password: str | None) -> None:
    """Create a user."""
    from matchmaker.services import accounts

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(db.session, email, password, Role(role))
    except ValidationFailed as exc:
        fail([f"{field}: {reason}" for field, reason in exc.errors.items()])
    click.echo(f"created {user.role.value} user {user.email}")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", help="A label to recognise the token by.")
def users_token(email: str, name: str) -> None:
    """Create a personal API token and print it alone on stdout."""
    from matchmaker.services import accounts, tokens

    user = accounts.find_user(db.session, email)
    if user is None:
        fail(f"email: no user {email}")
    try:
        _, plain = tokens.create_token(db.session, user, name)
    except ValidationFailed as exc:
        fail([f"{field}: {reason}" for field, reason in exc.errors.items()])
    click.echo(plain)


@firms_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Write the valid records; still exit 1.")
def firms_import(path: str, dry_run: bool, skip_invalid: bool) -> None:
    """Import firms from a .jsonl or .csv file (upsert by ref)."""
    from matchmaker.services import importing

    try:
        items = list(importing.read_records(path))
    except importing.UnsupportedFormat as exc:
        fail(str(exc), 2)
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    from tqdm import tqdm

    # Progress on stderr for files that take more than a second (a bar per stage).
    bars: dict[str, tqdm] = {}

    def progress(stage: str, done: int) -> None:
        if stage not in bars:
            bars[stage] = tqdm(
                total=len(items), desc=stage, unit=" records", delay=1.0, file=sys.stderr
            )
        bars[stage].update(done - bars[stage].n)

    try:
        report = importing.import_firms(
            db.session, items, dry_run=dry_run, skip_invalid=skip_invalid, progress=progress
        )
    finally:
        for bar in bars.values():
            bar.close()
    for line in report.errors:
        click.echo(line, err=True)
    if report.written:
        from matchmaker.jobs.matching import queue_embeddings

        click.echo(
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} problems"
        )
        queued = queue_embeddings()  # with Redis: the workers embed the new texts
        if queued:
            click.echo(f"{queued} embedding jobs queued", err=True)
    elif dry_run:
        click.echo(f"dry run: {report.valid} valid records, {len(report.errors)} problems")
    else:
        click.echo(f"nothing written: {len(report.errors)} problems", err=True)
    if report.errors:
        sys.exit(1)


@firms_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option("--output", type=click.Path(dir_okay=False, writable=True))
def firms_export(fmt: str, output: str | None) -> None:
    """Export every firm in the import format."""
    from matchmaker.services import importing

    records = importing.export_records(db.session)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as out:
            count = importing.WRITERS[fmt](records, out)
        click.echo(f"{count} firms written to {output}", err=True)
    else:
        importing.WRITERS[fmt](records, sys.stdout)


@match_cli.command("run")
@click.option("--top", "top_k", type=click.IntRange(1, 100), default=10, show_default=True)
def match_run(top_k: int) -> None:
    """Recompute proposals for every firm (staff decisions and notes are kept)."""
    from flask import current_app
    from tqdm import tqdm

    from matchmaker.services import matching

    embedding: list[tqdm] = []

    def embed_progress(done: int, total: int) -> None:
        # Firms imported in bulk are embedded here when no worker (Redis) did it.
        if not embedding:
            embedding.append(tqdm(total=total, desc="embedding", unit=" firms", file=sys.stderr))
        embedding[0].update(done - embedding[0].n)

    with tqdm(total=100, desc="match run", unit="%", delay=1.0, file=sys.stderr) as bar:

        def progress(stage: str, percent: int) -> None:
            bar.set_postfix_str(stage)
            bar.update(percent - bar.n)

        try:
            report = matching.recompute(
                db.session,
                current_app.config["STATE_DIR"],
                top_k,
                progress,
                write_batch=current_app.config["MATCH_WRITE_BATCH"],
                embed_progress=embed_progress,
                min_score=current_app.config["MATCH_MIN_SCORE"],
            )
        finally:
            for each in embedding:
                each.close()
    if report.embedded:
        click.echo(f"{report.embedded} firms embedded")
    if report.learning is not None:
        click.echo(report.learning.summary())
    click.echo(
        f"{report.firms} firms, {report.proposals} proposals "
        f"({report.created} new, {report.updated} updated, {report.removed} removed, "
        f"{report.kept_decided} staff decisions kept) in {report.seconds:.1f}s, "
        f"written in {report.batches} batches"
    )


@match_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--output", type=click.Path(dir_okay=False, writable=True))
def match_export(fmt: str, output: str | None) -> None:
    """Export ranked proposals, one object per firm and proposal."""
    from matchmaker.services import matching

    rows = matching.export_rows(db.session)
    out = open(output, "w", encoding="utf-8", newline="") if output else None  # noqa: SIM115
    stream = out or sys.stdout
    try:
        if fmt == "json":
            json.dump(rows, stream, ensure_ascii=False, indent=1)
            stream.write("\n")
        else:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["firm", "partner", "rank", "score", "status", "reasons"])
            for row in rows:
                writer.writerow(
                    [
                        *(row[k] for k in ("firm", "partner", "rank", "score", "status")),
                        "; ".join(row["reasons"]),
                    ]
                )
    finally:
        if out:
            out.close()


@review_cli.command("export")
@click.option("--output", type=click.Path(dir_okay=False, writable=True))
def review_export(output: str | None) -> None:
    """Write every decision of the audit trail as CSV (for EDB reporting)."""
    from matchmaker.services import audit_trail

    text = audit_trail.export_decisions_csv(db.session)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load demo firms, users, proposals and messages into an empty database."""
    from flask import current_app

    from matchmaker.services import demo

    if current_app.config.get("MATCHMAKER_ENV") == "production":
        fail("seed-demo refuses to run in production: no default accounts there.")
    result = demo.seed(db.session, current_app.config["STATE_DIR"])
    if result is None:
        click.echo("The database already has firms: no demo data loaded.")
        sign_ins = demo.demo_sign_ins(db.session)
        if not sign_ins:
            return
    else:
        click.echo(f"Loaded {result.firms} demo firms and {result.proposals} proposals.")
        sign_ins = result.sign_ins
    click.echo("Demo sign-ins (development only):")
    for email, password, role in sign_ins:
        click.echo(f"  {role:<5} {email}  password: {password}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a consistent backup of the database to PATH (SQLite copy or pg_dump archive)."""
    from flask import current_app

    from matchmaker.services.backup import BackupError, backup

    db.session.remove()
    try:
        written = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except (BackupError, OSError) as exc:
        fail(f"backup: {exc}")
    click.echo(f"backup written to {written}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the database's content with the backup at PATH."""
    from flask import current_app

    from matchmaker.services.backup import BackupError, restore

    if not yes:
        click.confirm("This replaces everything in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except (BackupError, OSError) as exc:
        fail(f"restore: {exc}")
    click.echo(f"restored from {path}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run background jobs from Redis (REDIS_URL): recomputes, refreshes, mail."""
    from rq import Worker

    from matchmaker import jobs
    from matchmaker.jobs.matching import warm_engine, warm_model

    queue = jobs.queue()
    if queue is None:
        fail("worker: set REDIS_URL; without it jobs run inline and no worker is needed")
    warm_model()
    warm_engine()
    Worker([queue], connection=queue.connection).work(burst=burst)


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(firms_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(review_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(restore_command)
