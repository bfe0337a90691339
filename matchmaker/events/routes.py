"""B2B events: staff create and run them, firms register, request meetings and read their
agendas (issue 19). Views validate a form, call one service, flash and redirect or render."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from matchmaker.events import labels
from matchmaker.events.forms import (
    NEXT_STEP_LABELS,
    STATUS_LABELS,
    AnswerForm,
    AvailabilityForm,
    CancelForm,
    EventForm,
    InviteForm,
    MoveForm,
    OutcomeForm,
    RequestForm,
)
from matchmaker.extensions import db
from matchmaker.jobs import scheduling as schedule_jobs
from matchmaker.models import Firm
from matchmaker.review.routes import staff_required
from matchmaker.services import (
    agendas,
    event_schedule,
    events,
    meeting_requests,
    outcomes,
    report_files,
)
from matchmaker.services.errors import InvalidTransition, ValidationFailed
from matchmaker.services.report import Scope, build_report
from matchmaker.web.match_display import reason_lines

bp = Blueprint("events", __name__, url_prefix="/events")
labels.register(bp)


def _form_failed(form) -> None:
    if "csrf_token" in form.errors:
        abort(400, _("The form has expired or was not sent from this site. Reload and try again."))


def _flash_invalid(error: ValidationFailed) -> None:
    for message in error.errors.values():
        flash(message, "error")


@bp.get("")
@login_required
def index():
    rows = events.list_events(db.session, current_user)
    mine = events.statuses_of(db.session, current_user.firm_id)
    return render_template("events/index.html", events=rows, mine=mine, statuses=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = EventForm()
    if form.validate_on_submit() and (data := form.to_input()) is not None:
        try:
            event = events.create_event(db.session, current_user, data)
        except ValidationFailed as error:
            _attach(form, error)
        else:
            flash(_("Event created."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/edit.html", form=form, event=None
    ), 200 if not form.errors else 400


def _attach(form: EventForm, error: ValidationFailed) -> None:
    db.session.rollback()
    for name, message in error.errors.items():
        field = getattr(form, name, None) or form.title
        field.errors = [*field.errors, message]


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(event_id: int):
    event = events.get_event(db.session, current_user, event_id)
    form = EventForm()
    if request.method == "GET":
        form.fill(event)
    elif form.validate_on_submit() and (data := form.to_input()) is not None:
        try:
            events.update_event(db.session, current_user, event_id, data)
        except ValidationFailed as error:
            _attach(form, error)
        except InvalidTransition as error:
            db.session.rollback()
            form.form_errors.append(error.message)
            return render_template("events/edit.html", form=form, event=event), 409
        else:
            flash(_("Event saved."), "success")
            return redirect(url_for("events.detail", event_id=event_id))
    status = 400 if form.errors else 200
    return render_template("events/edit.html", form=form, event=event), status


@bp.get("/<int:event_id>")
@login_required
def detail(event_id: int):
    event = events.get_event(db.session, current_user, event_id)
    slots = events.slots_of(event)
    context = {"event": event, "slots": slots, "statuses": STATUS_LABELS}
    if current_user.is_staff:
        context["participants"] = events.participants(db.session, event.id)
        context["invite_form"] = InviteForm()
        return render_template("events/staff_detail.html", **context)
    participant = events.participant_of(db.session, event.id, current_user.firm_id)
    context["participant"] = participant
    context["may_register"] = current_user.firm is not None and events.may_register(
        event, current_user.firm, participant
    )
    if participant is not None and participant.status == "registered":
        context["unavailable"] = events.unavailable_indices(participant, slots)
        context["availability_form"] = AvailabilityForm(online_only=participant.online_only)
        context["counterparts"] = meeting_requests.counterparts(db.session, current_user, event.id)
        context["requests"] = meeting_requests.my_requests(db.session, current_user, event.id)
        context["requests_open"] = events.requests_open(event)
        context["request_form"] = RequestForm()
        context["answer_form"] = AnswerForm()
    return render_template("events/firm_detail.html", **context)


@bp.post("/<int:event_id>/invite")
@staff_required
def invite(event_id: int):
    form = InviteForm()
    if not form.validate():
        _form_failed(form)
        flash(_("List at least one firm reference."), "error")
        return redirect(url_for("events.detail", event_id=event_id))
    refs = [r for r in re.split(r"[\s,;]+", form.refs.data) if r][:500]
    found = dict(db.session.execute(select(Firm.ref, Firm.id).where(Firm.ref.in_(refs))).all())
    missing = [r for r in refs if r not in found]
    added = events.invite(db.session, current_user, event_id, list(found.values()))
    flash(ngettext("%(num)s firm invited.", "%(num)s firms invited.", added), "success")
    if missing:
        flash(_("Unknown references: %(refs)s", refs=", ".join(missing[:20])), "error")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.post("/<int:event_id>/register")
@login_required
def register(event_id: int):
    events.register(db.session, current_user, event_id)
    flash(_("Your firm is registered. Mark the slots when you cannot meet."), "success")
    return redirect(url_for("events.detail", event_id=event_id))


@bp.post("/<int:event_id>/availability")
@login_required
def availability(event_id: int):
    form = AvailabilityForm()
    if not form.validate():
        _form_failed(form)
    raw = request.form.getlist("unavailable")
    indices = [int(v) for v in raw if v.isdigit() and len(v) < 6]
    try:
        events.set_availability(
            db.session, current_user, event_id, indices, bool(form.online_only.data)
        )
    except ValidationFailed as error:
        db.session.rollback()
        _flash_invalid(error)
    else:
        flash(_("Your availability is saved."), "success")
    return redirect(url_for("events.detail", event_id=event_id) + "#availability")


@bp.post("/<int:event_id>/requests")
@login_required
def request_meeting(event_id: int):
    form = RequestForm()
    if not form.validate():
        _form_failed(form)
        abort(400, _("The request could not be read."))
    try:
        meeting_requests.request_meeting(
            db.session, current_user, event_id, form.recipient_id.data, form.note.data
        )
    except ValidationFailed as error:
        db.session.rollback()
        _flash_invalid(error)
    else:
        flash(_("Meeting requested."), "success")
    return redirect(url_for("events.detail", event_id=event_id) + "#firms")


@bp.post("/requests/<int:request_id>")
@login_required
def answer(request_id: int):
    form = AnswerForm()
    if not form.validate():
        _form_failed(form)
        abort(400, _("The answer could not be read."))
    accept = form.decision.data == "accept"
    done = meeting_requests.answer(db.session, current_user, request_id, accept)
    flash(_("Request accepted.") if accept else _("Request declined."), "success")
    return redirect(url_for("events.detail", event_id=done.event_id) + "#requests")


@bp.route("/<int:event_id>/recommendations", methods=["GET", "POST"])
@staff_required
def recommendations(event_id: int):
    event = events.get_event(db.session, current_user, event_id)
    if request.method == "POST":
        ids = [int(v) for v in request.form.getlist("ids") if v.isdigit() and len(v) < 12][:500]
        added = meeting_requests.recommend(db.session, current_user, event_id, ids)
        flash(ngettext("%(num)s meeting added.", "%(num)s meetings added.", added), "success")
        return redirect(url_for("events.recommendations", event_id=event_id))
    rows = meeting_requests.recommendations(db.session, current_user, event_id)
    return render_template("events/recommendations.html", event=event, rows=rows)


@bp.get("/<int:event_id>/schedule")
@staff_required
def schedule(event_id: int):
    event = events.get_event(db.session, current_user, event_id)
    return render_template(
        "events/schedule.html",
        event=event,
        grid=event_schedule.grid(db.session, current_user, event_id),
        progress=schedule_jobs.schedule_progress(event_id),
    )


@bp.post("/<int:event_id>/schedule/run")
@staff_required
def run(event_id: int):
    events.get_event(db.session, current_user, event_id)
    size = event_schedule.grid(db.session, current_user, event_id).candidates
    outcome = schedule_jobs.start_schedule(event_id, current_user.id, size)
    if outcome == "queued":
        flash(_("The scheduler is running; its progress is below."), "info")
    else:
        state = schedule_jobs.schedule_progress(event_id)
        flash(
            _(
                "%(done)s of %(total)s meetings scheduled.",
                done=state.get("scheduled", 0),
                total=state.get("candidates", 0),
            ),
            "success",
        )
    return redirect(url_for("events.schedule", event_id=event_id))


@bp.post("/<int:event_id>/schedule/publish")
@staff_required
def publish(event_id: int):
    told = event_schedule.publish(db.session, current_user, event_id)
    flash(
        ngettext(
            "Schedule published; %(num)s firm was sent its agenda.",
            "Schedule published; %(num)s firms were sent their agendas.",
            told,
        ),
        "success",
    )
    return redirect(url_for("events.schedule", event_id=event_id))


@bp.post("/<int:event_id>/schedule/move")
@staff_required
def move(event_id: int):
    form = MoveForm()
    if not form.validate() or form.table_value() == "":
        _form_failed(form)
        flash(_("Give a meeting number, a slot number and a table number, or “online”."), "error")
        return redirect(url_for("events.schedule", event_id=event_id))
    _meeting_of(event_id, form.meeting.data)
    try:
        event_schedule.move(
            db.session, current_user, form.meeting.data, form.slot.data, form.table_value()
        )
    except ValidationFailed as error:
        db.session.rollback()
        flash(_("The meeting cannot move there: %(why)s", why=error.errors["slot"]), "error")
    else:
        flash(_("Meeting moved."), "success")
    return redirect(url_for("events.schedule", event_id=event_id))


def _meeting_of(event_id: int, meeting_id: int) -> None:
    """404 unless the meeting belongs to this event (the form names it by number)."""
    if event_schedule.event_of_meeting(db.session, meeting_id) != event_id:
        abort(404, _("No such meeting."))


@bp.post("/<int:event_id>/schedule/cancel")
@staff_required
def cancel(event_id: int):
    form = CancelForm()
    if not form.validate():
        _form_failed(form)
        flash(_("Give the number of the meeting to cancel."), "error")
        return redirect(url_for("events.schedule", event_id=event_id))
    _meeting_of(event_id, form.meeting.data)
    event_schedule.cancel(db.session, current_user, form.meeting.data)
    flash(_("Meeting cancelled."), "success")
    return redirect(url_for("events.schedule", event_id=event_id))


@bp.get("/<int:event_id>/print")
@staff_required
def print_schedule(event_id: int):
    event = events.get_event(db.session, current_user, event_id)
    grid = event_schedule.grid(db.session, current_user, event_id)
    return render_template("events/print.html", event=event, grid=grid)


def _agenda():
    firm_arg = request.args.get("firm", "")
    firm_id = int(firm_arg) if firm_arg.isdigit() and len(firm_arg) < 11 else None
    return agendas.agenda(db.session, current_user, request.view_args["event_id"], firm_id)


@bp.get("/<int:event_id>/agenda")
@login_required
def agenda(event_id: int):
    return render_template("events/agenda.html", agenda=_agenda())


@bp.get("/<int:event_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int):
    found = _agenda()
    if not found.published:
        abort(404, _("The schedule of this event is not published yet."))
    body = agendas.agenda_ics(found, reason_lines)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="agenda-{event_id}.ics"'},
    )


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
        _form_failed(form)
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
        _flash_invalid(error)
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
        _flash_invalid(error)
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
