"""EDB staff's files in the browser: downloads (the audit trail, proposals, firms as CSV or
XLSX) and the firms import (a dry run with line-numbered errors, then all or nothing)."""

from __future__ import annotations

import re
import secrets
import time
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from matchmaker.extensions import db
from matchmaker.jobs import imports as import_jobs
from matchmaker.jobs.matching import queue_embeddings
from matchmaker.review.forms import ImportForm, ImportRunForm
from matchmaker.review.routes import audit_filter, staff_required
from matchmaker.services import exports, importing

bp = Blueprint("files", __name__, url_prefix="/review")

IMPORT_MAX_BYTES = 16 * 1024 * 1024
# Above this many records, with a job queue, the import runs in the worker with its progress.
IMPORT_INLINE_LIMIT = 2000
ERRORS_SHOWN = 200
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SNIFF_MESSAGES = {
    "empty": _l("The file is empty."),
    "not_xlsx": _l("This file is not an Excel workbook (.xlsx), whatever its name says."),
    "binary": _l("This file is not text: save it as CSV (UTF-8) or JSON Lines, or upload .xlsx."),
    "not_utf8": _l("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."),
    "html": _l("This file is a web page, not a list of firms."),
    "not_json_lines": _l("A .jsonl file has one JSON object a line, starting with “{”."),
}


# --- downloads ---------------------------------------------------------------------------------


def _download(table: exports.Table, name: str, fmt: str) -> Response:
    if fmt not in exports.FORMATS:
        abort(404)
    body, media_type = exports.render(table, fmt)
    stamp = date.today().isoformat()
    return Response(
        body,
        mimetype=media_type.split(";")[0],
        content_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.{fmt}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/audit/download.<fmt>")
@staff_required
def audit_download(fmt: str):
    table = exports.audit_table(db.session, current_user, audit_filter(request.args))
    return _download(table, "audit-trail", fmt)


@bp.get("/proposals/download.<fmt>")
@staff_required
def proposals_download(fmt: str):
    return _download(exports.proposals_table(db.session, current_user), "proposals", fmt)


@bp.get("/firms/download.<fmt>")
@staff_required
def firms_download(fmt: str):
    return _download(exports.firms_table(db.session, current_user), "firms", fmt)


# --- the firms import --------------------------------------------------------------------------


STAGED_FOR = 24 * 3600  # a checked file not imported within a day is removed


def _staging() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_old_staged(folder: Path) -> None:
    limit = time.time() - STAGED_FOR
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _staged(token: str, fmt: str) -> Path:
    if not TOKEN_RE.match(token) or fmt not in ("jsonl", "csv", "xlsx"):
        abort(404)
    path = _staging() / f"{token}.{fmt}"
    if not path.is_file():
        abort(404)
    return path


@bp.get("/import")
@staff_required
def import_page():
    return render_template("review/import.html", form=ImportForm(), report=None)


@bp.post("/import")
@staff_required
def import_check():
    """Upload and dry run: the line-numbered problems, or the button that imports."""
    form = ImportForm()
    if not form.validate():
        return render_template("review/import.html", form=form, report=None), 400
    upload = form.file.data
    name = Path(upload.filename or "").name  # a path in the name is dropped
    try:
        fmt = importing.file_format(name)
    except importing.UnsupportedFormat:
        return _refuse(form, _("Upload a .jsonl, .csv or .xlsx file."))
    data = upload.stream.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        return _refuse(
            form, _("The file is larger than %(mb)s MB.", mb=IMPORT_MAX_BYTES // 2**20), 413
        )
    problem = importing.sniff(data, fmt)
    if problem:
        return _refuse(form, str(SNIFF_MESSAGES[problem]))
    items = importing.parse_bytes(data, fmt)
    report = importing.import_firms(db.session, items, dry_run=True)
    db.session.rollback()
    token = None
    if not report.errors and report.valid:
        token = secrets.token_urlsafe(24)
        folder = _staging()
        _remove_old_staged(folder)
        (folder / f"{token}.{fmt}").write_bytes(data)
    return render_template(
        "review/import.html",
        form=form,
        report=report,
        errors=report.errors[:ERRORS_SHOWN],
        file_name=name,
        token=token,
        fmt=fmt,
        records=len(items),
        run_form=ImportRunForm(),
    )


def _refuse(form: ImportForm, message: str, status: int = 400):
    form.file.errors = [*form.file.errors, message]
    return render_template("review/import.html", form=form, report=None), status


@bp.post("/import/<token>.<fmt>")
@staff_required
def import_run(token: str, fmt: str):
    """Import the checked file, all or nothing (in the worker when it is large)."""
    if not ImportRunForm().validate():
        abort(400, _("The form has expired or was not sent from this site. Reload and try again."))
    path = _staged(token, fmt)
    items = importing.parse_bytes(path.read_bytes(), fmt)
    if len(items) > IMPORT_INLINE_LIMIT and import_jobs.start_import(str(path), fmt, token):
        return redirect(url_for("files.import_status", token=token))
    try:
        report = importing.import_firms(db.session, items)
    finally:
        path.unlink(missing_ok=True)
    if not report.written:
        flash(
            _("Nothing was written: the file has %(num)s problems.", num=len(report.errors)),
            "error",
        )
        return redirect(url_for("files.import_page"))
    queue_embeddings()
    flash(_import_summary(report.created, report.updated, report.unchanged), "success")
    return redirect(url_for("files.import_page"))


def _import_summary(created: int, updated: int, unchanged: int) -> str:
    return _(
        "Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged. "
        "Recompute the proposals on the dashboard when you are ready.",
        created=created,
        updated=updated,
        unchanged=unchanged,
    )


@bp.get("/import/<token>")
@staff_required
def import_status(token: str):
    if not TOKEN_RE.match(token):
        abort(404)
    state = import_jobs.import_progress(token)
    if not state:
        abort(404)
    total = state.get("total") or 0
    percent = int(100 * state.get("done", 0) / total) if total else 0
    return render_template(
        "review/import_status.html",
        state=state,
        percent=min(percent, 100),
        summary=_import_summary(state["created"], state["updated"], state["unchanged"])
        if state.get("state") == "done"
        else None,
    )
