"""An event's schedule, for staff: recommended meetings, the scheduler's run and its
progress, publishing, moving and cancelling meetings, the printable grid (issue 19)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from matchmaker.events.blueprint import bp, form_failed
from matchmaker.events.forms import CancelForm, MoveForm
from matchmaker.extensions import db
from matchmaker.jobs import scheduling as schedule_jobs
from matchmaker.review.routes import staff_required
from matchmaker.services import event_schedule, events, meeting_requests
from matchmaker.services.errors import ValidationFailed


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
        form_failed(form)
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
        form_failed(form)
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
