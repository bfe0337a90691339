"""Domain errors raised by services, and their mapping to HTTP for the web layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import jsonify, render_template, request

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


def _render(status: int, message: str, code: str):
    if wants_json():
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("errors/error.html", status=status, message=message), status


def register_errorhandlers(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        return _render(error.status, error.message, error.code)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        code = (error.name or "error").lower().replace(" ", "_")
        return _render(error.code or 500, error.description or error.name, code)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        from matchmaker.extensions import db

        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _render(500, "Something went wrong on our side. Please try again.", "server_error")
