"""Who calls the API: a personal bearer token and nothing else (no session cookie), and the
per-token rate limit."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from flask import current_app, g, request
from werkzeug.exceptions import Unauthorized

from matchmaker.extensions import db
from matchmaker.services.tokens import user_for_token

if TYPE_CHECKING:
    from matchmaker.models import User

UNAUTHENTICATED = "Send a valid personal API token: `Authorization: Bearer <token>`."
API_PER_TOKEN = "600 per minute"  # noqa: S105 - a rate, not a secret
TOO_MANY = "Too many requests in a short time. Please wait a little and try again."


def api_limit() -> str:
    """Per API token; an operator may set another rate (MATCHMAKER_API_RATE_LIMIT)."""
    return current_app.config.get("API_RATE_LIMIT") or API_PER_TOKEN


def token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "token:" + hashlib.sha256(header.encode()).hexdigest()


def api_user() -> User:
    user = g.get("api_user")
    if user is None:
        raise Unauthorized(UNAUTHENTICATED)
    return user


def authenticate() -> None:
    """Before every API request."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(UNAUTHENTICATED)
    user = user_for_token(db.session, token.strip())
    if user is None:
        raise Unauthorized("The API token is unknown, revoked, or its account is disabled.")
    g.api_user = user
