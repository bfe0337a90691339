"""The JSON API under /api/v1: flask-smorest blueprints, bearer-token authentication, and the
OpenAPI document generated from the schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_smorest import Api

from matchmaker.api.auth import TOO_MANY, api_limit, token_key
from matchmaker.api.schemas import ErrorSchema

if TYPE_CHECKING:
    from flask import Flask


class MatchmakerApi(Api):
    # Errors are answered by the site's handlers (JSON under /api/), registered after the API.
    ERROR_SCHEMA = ErrorSchema


def init_api(app: Flask) -> None:
    from matchmaker.api.routes import blueprints
    from matchmaker.extensions import csrf, limiter

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
    for blueprint in blueprints:
        csrf.exempt(blueprint)  # token-authenticated: no cookies, so no cross-site forgery
        limiter.limit(api_limit, key_func=token_key, error_message=TOO_MANY)(blueprint)
        api.register_blueprint(blueprint)
