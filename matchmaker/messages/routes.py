"""Firm users: introductions (/matches) and the conversations with partners (/messages)."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from matchmaker.extensions import db
from matchmaker.messages.cards import introduction_cards
from matchmaker.messages.forms import MessageForm, ResponseForm
from matchmaker.messages.text import linkify, local_time
from matchmaker.services import attachments, introductions, messaging, unread
from matchmaker.services.errors import InvalidTransition, ValidationFailed
from matchmaker.web import ratelimits as limits
from matchmaker.web.signed_in import forget_unread
from matchmaker.web.uploads import read_upload, storage
from matchmaker.web.urls import built_once

bp = Blueprint("messages", __name__)
bp.add_app_template_filter(linkify, "linkify")
bp.add_app_template_filter(local_time, "local_time")
OTHER_COUNTRY = {"PK": "BY", "BY": "PK"}


def firm_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_firm_user:
            abort(403, _("This page is for firm accounts."))
        if current_user.firm_id is None:
            flash(_("Describe your firm first; introductions follow from your profile."), "info")
            return redirect(url_for("firms.edit"))
        return view(*args, **kwargs)

    return wrapped


@bp.get("/matches")
@firm_required
def matches():
    return render_template(
        "messages/matches.html",
        cards=introduction_cards(introductions.introductions(db.session, current_user)),
    )


@bp.post("/matches/<int:proposal_id>/respond")
@firm_required
def respond(proposal_id: int):
    form = ResponseForm()
    if not form.validate():
        abort(400, _("Choose 'interested' or 'decline'."))
    try:
        introductions.respond(db.session, current_user, proposal_id, form.response.data)
    except InvalidTransition as exc:
        flash(exc.message, "error")
        return redirect(url_for("messages.matches"))
    flash(
        _("Your answer is saved.")
        if form.response.data == "interested"
        else _("Introduction declined: the conversation is closed for both firms."),
        "success",
    )
    return redirect(url_for("messages.matches"))


@bp.get("/messages")
@firm_required
def inbox():
    threads = messaging.thread_list(db.session, current_user)
    # Introductions are between the two countries: the reader is of the partner's other one.
    reader = OTHER_COUNTRY.get(threads[0].partner.country) if threads else None
    return render_template("messages/inbox.html", threads=threads, reader_country=reader)


@bp.route("/messages/<int:thread_id>", methods=["GET", "POST"])
@firm_required
@limits.per_user_posts(limits.MESSAGES_PER_USER)
def thread(thread_id: int):
    # A post is sent first (post_message checks that the firm is in the thread) and redirects;
    # one that fails its checks shows the thread as it was, nothing posted. The thread and its
    # newest messages are one statement.
    form = MessageForm() if request.method == "POST" else None
    status = 200
    if form is not None and form.validate_on_submit():
        try:
            posted = post_with_file(thread_id, form)
        except ValidationFailed as exc:
            for field, message in exc.errors.items():
                target = form.file if field == "file" else form.body
                target.errors = [*target.errors, message]
        except InvalidTransition as exc:
            flash(exc.message, "error")
            return redirect(url_for("messages.thread", thread_id=thread_id), 303)
        else:
            return redirect(url_for("messages.thread", thread_id=posted, _anchor="latest"))
    if form is not None and form.errors:
        status = 400
    page, shown = messaging.thread_and_latest(db.session, current_user, thread_id)
    if unread.mark_read(db.session, page, current_user.firm_id, shown[-1].id if shown else 0):
        forget_unread(current_user)
    return render_template(
        "messages/thread.html",
        files=attachments.files_by_message(db.session, [m.id for m in shown if m.has_files]),
        partner=page.partner,
        messages=shown,
        message_fields=message_fields(form),
        firm_id=current_user.firm_id,
        state=page.state,
        declined_by_me=page.declined_by_me,
        reader_country=OTHER_COUNTRY[page.partner.country],
    ), status


def message_fields(form: MessageForm | None) -> Markup:
    """The message form's CSRF token and fields as the thread page shows them: from the posted
    form (with its words and errors), or for a page view the empty form's fields, drawn once
    per language and kept with the app (the `field` macro over WTForms; tested against it),
    not a form built and drawn on every view (thread page 11.94 -> 8.75 M instructions per
    request, benchmarks/instructions.py)."""
    if form is None:
        fields = built_once(
            ("message form", str(get_locale())), lambda: _drawn(MessageForm(formdata=None))
        )
        token = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">')
        return token % generate_csrf() + fields
    return escape(form.csrf_token) + _drawn(form)  # a field: its own (escaped) HTML


def _drawn(form: MessageForm) -> Markup:
    field = get_template_attribute("_macros/forms.html", "field")
    return field(form.body) + field(form.file)


def post_with_file(thread_id: int, form: MessageForm) -> int:
    """The message and its file: the file is checked before the message is sent, so a
    refused file sends nothing."""
    chosen = read_upload(form.file)
    upload = attachments.check_upload(*chosen) if chosen else None
    message = messaging.post_message(db.session, current_user, thread_id, form.body.data)
    if upload is not None:
        attachments.attach_to_message(db.session, current_user, storage(), message.id, upload)
    return thread_id
