"""Command line (CONTRACT.md): thin click commands over the services."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Role


def fail(lines: list[str] | str, code: int = 1) -> None:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(code)


users_cli = AppGroup("users", help="Manage user accounts.")
firms_cli = AppGroup("firms", help="Import and export firms.")


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
    report = importing.import_firms(
        db.session, items, dry_run=dry_run, skip_invalid=skip_invalid
    )
    for line in report.errors:
        click.echo(line, err=True)
    if report.written:
        click.echo(
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.errors)} problems"
        )
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
        importing.WRITERS[fmt](records, click.get_text_stream("stdout"))


@click.command("seed-demo")
def seed_demo() -> None:
    """Load demo firms, users, proposals and messages into an empty database."""
    from flask import current_app

    from matchmaker.services import demo

    if current_app.config.get("MATCHMAKER_ENV") == "production":
        fail("seed-demo refuses to run in production: no default accounts there.")
    result = demo.seed(db.session)
    if result is None:
        click.echo("The database already has firms: no demo data loaded.")
        return
    click.echo(f"Loaded {result.firms} demo firms and {result.proposals} proposals.")
    click.echo("Demo sign-ins (development only):")
    for email, password, role in result.sign_ins:
        click.echo(f"  {role:<5} {email}  password: {password}")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(firms_cli)
    app.cli.add_command(seed_demo)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
