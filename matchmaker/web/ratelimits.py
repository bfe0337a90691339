"""Rate limits: who a request counts against, and the limits of the sensitive endpoints."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_login import current_user

from matchmaker.web.i18n import _

TOO_MANY = _("Too many attempts in a short time. Please wait a little and try again.")

LOGIN_PER_CLIENT = "60 per minute"
LOGIN_FAILURES_PER_ACCOUNT = "30 per hour"  # the 31st wrong password in an hour is refused
REGISTER_PER_CLIENT = "20 per hour"
RESET_PER_CLIENT = "10 per hour"
MESSAGES_PER_USER = "60 per minute"
API_PER_TOKEN = "600 per minute"  # noqa: S105 - a rate, not a secret


def api_limit() -> str:
    """Per API token; an operator may set another rate (MATCHMAKER_API_RATE_LIMIT)."""
    return current_app.config.get("API_RATE_LIMIT") or API_PER_TOKEN


def client_key() -> str:
    return request.remote_addr or "unknown"


def account_key() -> str:
    """The account being signed in to (the e-mail as typed, normalised)."""
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


def token_key() -> str:
    header = request.headers.get("Authorization", "")
    return "token:" + hashlib.sha256(header.encode()).hexdigest()


def failed_login(response) -> bool:
    return response.status_code != 302


def storage_uri(config) -> str:
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
