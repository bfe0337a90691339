"""The events blueprint, which the views of routes.py (events, registration, meeting requests,
agendas), schedule_routes.py (the staff's scheduling) and outcome_routes.py (outcomes, the
Working Group's report) share, and what its views do alike."""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_babel import gettext as _

from matchmaker.events import labels
from matchmaker.services.errors import ValidationFailed

bp = Blueprint("events", __name__, url_prefix="/events")
labels.register(bp)


def form_failed(form) -> None:
    """400 when the form's CSRF token failed (its other errors are the view's to show)."""
    if "csrf_token" in form.errors:
        abort(400, _("The form has expired or was not sent from this site. Reload and try again."))


def flash_invalid(error: ValidationFailed) -> None:
    for message in error.errors.values():
        flash(message, "error")
