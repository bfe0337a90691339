"""Errors as HTTP: the services' domain errors mapped to statuses, and every error answered
as a page or, under /api/ (or when asked for), as `{"error": {"code", "message"}}`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, jsonify, make_response, render_template, request
from flask_babel import gettext, lazy_gettext
from markupsafe import escape

from matchmaker.services.errors import (
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from matchmaker.web.ratelimits import TOO_MANY

if TYPE_CHECKING:
    from flask import Flask


# Each domain error's HTTP status and the API's error code (the most specific class wins).
STATUSES: dict[type[DomainError], tuple[int, str]] = {
    NotFound: (404, "not_found"),
    Forbidden: (403, "forbidden"),
    InvalidTransition: (409, "conflict"),
    ValidationFailed: (400, "invalid"),
}


def status_of(error: DomainError) -> tuple[int, str]:
    for cls in type(error).__mro__:
        if cls in STATUSES:
            return STATUSES[cls]
    return 400, "bad_request"


def wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best_match(["application/json", "text/html"]) == "application/json"
    )


# Werkzeug's own descriptions are English prose for developers; pages say it plainly.
GENERIC = {
    400: lazy_gettext("The request could not be understood. Reload the page and try again."),
    403: lazy_gettext("You are not allowed to open this page."),
    404: lazy_gettext("There is no page at this address."),
    405: lazy_gettext("This page cannot be used that way."),
    413: lazy_gettext("What you sent is too large."),
    429: TOO_MANY,
}


def _render(status: int, message: str, code: str) -> Response:
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message}})
    else:
        # Messages written as catalogue entries (rate limits, abort texts) in the reader's
        # language; gettext leaves any other text as it is.
        message = gettext(str(message))
        try:
            page = render_template("errors/error.html", status=status, message=message)
        except Exception:  # e.g. an untrusted Host: no URLs can be built for the layout
            page = f"<!doctype html><title>Error {status}</title><p>{escape(message)}</p>"
        response = make_response(page)
    response.status_code = status
    return response


def _validation_message(error: Exception) -> str | None:
    """webargs puts field errors in `data["messages"]`: name every field and its problem."""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, dict):
        return None
    parts: list[str] = []

    def walk(prefix: str, value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.append(f"{prefix}: {' '.join(value)}")
        else:
            parts.append(f"{prefix}: {value}")

    walk("", messages)
    return "Invalid input. " + "; ".join(parts)


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        status, code = status_of(error)
        return _render(status, error.message, code)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        message = _validation_message(error) or error.description or error.name
        if not wants_json() and error.description == type(error).description:
            message = GENERIC.get(error.code or 500, message)
        if isinstance(error, CSRFError) and not wants_json():
            message = gettext(
                "The form has expired or was not sent from this site. Reload the page and try "
                "again."
            )
        response = _render(error.code or 500, message, code)
        if error.code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    from sqlalchemy.exc import DBAPIError, OperationalError

    @app.errorhandler(OperationalError)
    def handle_database_down(error: OperationalError):
        from matchmaker.extensions import db

        app.logger.error("database unavailable on %s %s: %s", request.method, request.path, error)
        db.session.rollback()
        if not error.connection_invalidated and not _is_connection_error(error):
            return handle_unexpected(error)
        response = _render(
            503,
            gettext(
                "The database is not reachable right now. Your data is safe; please try again "
                "in a minute."
            ),
            "service_unavailable",
        )
        response.headers["Retry-After"] = "30"
        return response

    def _is_connection_error(error: DBAPIError) -> bool:
        text = str(error.orig).lower()
        return any(
            word in text
            for word in ("connect", "connection", "server closed", "terminating", "unable to open")
        )

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        from matchmaker.extensions import db

        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(
            500, gettext("Something went wrong on our side. Please try again."), "server_error"
        )
