"""Domain errors raised by services, and their mapping to HTTP for the web layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, jsonify, make_response, render_template, request
from flask_babel import gettext, lazy_gettext
from markupsafe import escape

from matchmaker.web.ratelimits import TOO_MANY

if TYPE_CHECKING:
    from flask import Flask


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()


class NotFound(DomainError):
    """Not found."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """You are not allowed to do that."""

    status = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    """That change is not possible in the current state."""

    status = 409
    code = "conflict"


class StaleVersion(InvalidTransition):
    """Someone else changed this record in the meantime; reload and try again."""


class ValidationFailed(DomainError):
    """The input is not valid."""

    status = 400
    code = "invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


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
    429: lazy_gettext(TOO_MANY),
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
        response = _render(error.status, error.message, error.code)
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

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
