"""Rate limits of the site's sensitive forms, and who a request counts against."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from matchmaker.extensions import limiter

TOO_MANY = _l("Too many attempts in a short time. Please wait a little and try again.")
TOO_MANY_WRONG_PASSWORDS = _l(
    "Too many wrong passwords for this account. Try again in an hour, or reset your password."
)

LOGIN_PER_CLIENT = "60 per minute"
LOGIN_FAILURES_PER_ACCOUNT = "30 per hour"  # the 31st wrong password in an hour is refused
REGISTER_PER_CLIENT = "20 per hour"
RESET_PER_CLIENT = "10 per hour"
MESSAGES_PER_USER = "60 per minute"
INVITES_PER_USER = "30 per hour"
CONFIRMATION_RESENDS_PER_USER = "3 per hour"
EMAIL_CHANGES_PER_USER = "5 per hour"
UPLOADS_PER_USER = "60 per hour"


def account_key() -> str:
    """The account being signed in to (the e-mail as typed, normalised)."""
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


def user_key() -> str:
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def per_user_posts(limit: str):
    """The decorator limiting a signed-in user's POSTs to a view (its GETs stay free)."""
    return limiter.limit(limit, key_func=user_key, methods=["POST"], error_message=TOO_MANY)


def failed_login(response) -> bool:
    return response.status_code != 302


# Every limit of the site's pages is on POST (the forms above); the API's limit is on its every
# request. A page read (GET, HEAD) of the site has none, so Flask-Limiter is told to skip it
# through its public request filter instead of resolving, for every page view, the limits the
# route does not have (benchmarks/pages.py with the limiter on: see the note of issue 17). A
# new limit on a page read must change this rule (tests/security: the forms' and the API's limits
# still apply, a page read is never limited).
UNLIMITED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIX = "/api/"


@limiter.request_filter  # registered once, when this module is imported
def has_no_limit() -> bool:
    """Whether the request is one that no limit applies to (a page read of the site)."""
    return request.method in UNLIMITED_METHODS and not request.path.startswith(API_PREFIX)


def storage_uri(config) -> str:
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
