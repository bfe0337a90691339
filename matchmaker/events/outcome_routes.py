"""What came of meetings and introductions, recorded by the firms, and the Working Group's
report of it for staff (PDF or XLSX, in English, Urdu or Russian)."""

from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.events.blueprint import bp, flash_invalid, form_failed
from matchmaker.events.forms import NEXT_STEP_LABELS, OutcomeForm
from matchmaker.extensions import db
from matchmaker.review.routes import staff_required
from matchmaker.services import events, outcomes, report_files
from matchmaker.services.errors import ValidationFailed
from matchmaker.services.report import Scope, build_report


@bp.get("/outcomes")
@login_required
def outcomes_page():
    return render_template(
        "events/outcomes.html",
        subjects=outcomes.subjects(db.session, current_user),
        form=OutcomeForm(),
        next_steps=NEXT_STEP_LABELS,
    )


@bp.post("/outcomes/<any(meeting, introduction):kind>/<int:subject_id>")
@login_required
def record_outcome(kind: str, subject_id: int):
    form = OutcomeForm()
    if not form.validate():
        form_failed(form)
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
        return redirect(url_for("events.outcomes_page"))
    data = outcomes.OutcomeInput(
        held=form.held.data == "yes",
        next_step=form.next_step.data,
        value=form.value.data,
        currency=form.currency.data,
        note=form.note.data,
    )
    subject = {"meeting_id" if kind == "meeting" else "proposal_id": subject_id}
    try:
        outcomes.record(db.session, current_user, data, **subject)
    except ValidationFailed as error:
        db.session.rollback()
        flash_invalid(error)
    else:
        flash(_("Outcome saved."), "success")
    return redirect(url_for("events.outcomes_page") + f"#{kind}-{subject_id}")


@bp.get("/report")
@staff_required
def report():
    """The Working Group's report: the form, or (with `format`) the file to download."""
    args = request.args
    choices = events.list_events(db.session, current_user)
    if "format" not in args:
        return render_template("events/report.html", events=choices, args=args)
    try:
        scope = Scope(
            start=_date_arg(args.get("start")),
            end=_date_arg(args.get("end")),
            event_id=int(args["event"]) if args.get("event", "").isdigit() else None,
        )
    except ValueError:
        flash(_("Write the dates as YYYY-MM-DD."), "error")
        return render_template("events/report.html", events=choices, args=args), 400
    try:
        data = build_report(db.session, current_user, scope)
    except ValidationFailed as error:
        flash_invalid(error)
        return render_template("events/report.html", events=choices, args=args), 400
    locale = args.get("lang") if args.get("lang") in report_files.REPORT_LOCALES else "en"
    name = f"working-group-report-{data.generated:%Y%m%d}-{locale}"
    if args["format"] == "xlsx":
        body = report_files.xlsx(data, locale)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name += ".xlsx"
    else:
        body, kind, name = report_files.pdf(data, locale), "application/pdf", name + ".pdf"
    return Response(
        body, mimetype=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def _date_arg(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    return date.fromisoformat(raw) if raw else None
