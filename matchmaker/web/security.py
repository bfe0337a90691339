"""Password policy, safe redirects and security headers."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import request
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

if TYPE_CHECKING:
    from flask import Flask, Response

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


COMMON_PASSWORDS = Path(__file__).parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as stream:
        return frozenset(line.strip().lower() for line in stream if line.strip())


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None. Any composition is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(num)s characters.", num=MAX_PASSWORD_LENGTH)
    if password.lower() in common_passwords() or len(set(password)) < 3:
        return _("This password is too common; choose one that others are unlikely to use.")
    return None


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def register_security_headers(app: Flask) -> None:
    production = app.config.get("MATCHMAKER_ENV") == "production"

    if app.config.get("TRUSTED_HOSTS"):

        @app.before_request
        def check_host() -> None:
            # Flask checks TRUSTED_HOSTS when the host is read: read it on every request,
            # so a forged Host header is a 400 before anything else happens.
            _ = request.host

    @app.after_request
    def set_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
