"""B2B events: staff create them and invite firms; firms register, give their availability,
request meetings and read their agendas (issue 19). The staff's scheduling is in
schedule_routes.py, outcomes and the report in outcome_routes.py (one blueprint:
blueprint.py). Views validate a form, call one service, flash and redirect or render."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from matchmaker.events.blueprint import bp, flash_invalid, form_failed
from matchmaker.events.forms import (
    STATUS_LABELS,
    AnswerForm,
    AvailabilityForm,
    EventForm,
    InviteForm,
    RequestForm,
)
from matchmaker.extensions import db
from matchmaker.models import Firm
from matchmaker.review.routes import staff_required
from matchmaker.services import agendas, events, meeting_requests
from matchmaker.services.errors import InvalidTransition, ValidationFailed
from matchmaker.web.match_display import reason_lines


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
        form_failed(form)
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
        form_failed(form)
    raw = request.form.getlist("unavailable")
    indices = [int(v) for v in raw if v.isdigit() and len(v) < 6]
    try:
        events.set_availability(
            db.session, current_user, event_id, indices, bool(form.online_only.data)
        )
    except ValidationFailed as error:
        db.session.rollback()
        flash_invalid(error)
    else:
        flash(_("Your availability is saved."), "success")
    return redirect(url_for("events.detail", event_id=event_id) + "#availability")


@bp.post("/<int:event_id>/requests")
@login_required
def request_meeting(event_id: int):
    form = RequestForm()
    if not form.validate():
        form_failed(form)
        abort(400, _("The request could not be read."))
    try:
        meeting_requests.request_meeting(
            db.session, current_user, event_id, form.recipient_id.data, form.note.data
        )
    except ValidationFailed as error:
        db.session.rollback()
        flash_invalid(error)
    else:
        flash(_("Meeting requested."), "success")
    return redirect(url_for("events.detail", event_id=event_id) + "#firms")


@bp.post("/requests/<int:request_id>")
@login_required
def answer(request_id: int):
    form = AnswerForm()
    if not form.validate():
        form_failed(form)
        abort(400, _("The answer could not be read."))
    accept = form.decision.data == "accept"
    done = meeting_requests.answer(db.session, current_user, request_id, accept)
    flash(_("Request accepted.") if accept else _("Request declined."), "success")
    return redirect(url_for("events.detail", event_id=done.event_id) + "#requests")


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
