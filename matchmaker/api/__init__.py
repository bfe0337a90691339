"""The JSON API under /api/v1: flask-smorest blueprints, bearer-token authentication, and the
OpenAPI document generated from the schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, request
from flask_smorest import Api

from matchmaker.api.schemas import ErrorSchema
from matchmaker.web.errors import DomainError

if TYPE_CHECKING:
    from flask import Flask

    from matchmaker.models import User


class Unauthorized(DomainError):
    """Send a valid personal API token: `Authorization: Bearer <token>`."""

    status = 401
    code = "unauthorized"


class MatchmakerApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # The site's own handlers answer JSON under /api/ and HTML elsewhere.
        return None


def api_user() -> User:
    user = g.get("api_user")
    if user is None:
        raise Unauthorized()
    return user


def authenticate() -> None:
    """Before every API request: the bearer token, and nothing else (no session cookie)."""
    from matchmaker.extensions import db
    from matchmaker.services.tokens import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized()
    user = user_for_token(db.session, token.strip())
    if user is None:
        raise Unauthorized("The API token is unknown, revoked, or its account is disabled.")
    g.api_user = user


def init_api(app: Flask) -> None:
    from matchmaker.api.routes import blueprints
    from matchmaker.extensions import csrf

    app.config.update(
        API_TITLE="matchmaker API",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = MatchmakerApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Firms, proposals and messages of the Pakistan-Belarus "
                "Joint Working Group's partner matching. Every call needs a personal API token "
                "(account page, or `flask --app matchmaker users token EMAIL`)."
            },
            "servers": [{"url": "/"}],
        },
    )
    app.extensions["matchmaker_api"] = api
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "mm_..."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    from matchmaker.extensions import limiter
    from matchmaker.web import ratelimits

    for blueprint in blueprints:
        csrf.exempt(blueprint)
        limiter.limit(
            ratelimits.api_limit,
            key_func=ratelimits.token_key,
            error_message=ratelimits.TOO_MANY,
        )(blueprint)  # token-authenticated: no cookies, so no cross-site forgery
        api.register_blueprint(blueprint)
