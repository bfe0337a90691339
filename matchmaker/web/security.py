"""Safe redirects, the trusted Host check and the security headers (Flask-Talisman)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import request

from matchmaker.extensions import talisman

if TYPE_CHECKING:
    from flask import Flask


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# No inline script or style anywhere; nothing may frame the site.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ONE_YEAR = 365 * 24 * 3600


def register_security(app: Flask) -> None:
    production = app.config.get("MATCHMAKER_ENV") == "production"
    talisman.init_app(
        app,
        content_security_policy=CSP,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        # The proxy in front terminates TLS (and redirects plain HTTP); HSTS is sent on HTTPS.
        force_https=False,
        strict_transport_security=production,
        strict_transport_security_max_age=ONE_YEAR,
        # Production's cookie flags are the configuration's (config.finalise).
        session_cookie_secure=False,
    )

    if app.config.get("TRUSTED_HOSTS"):

        @app.before_request
        def check_host() -> None:
            # Flask checks TRUSTED_HOSTS when the host is read: read it on every request,
            # so a forged Host header is a 400 before anything else happens.
            _ = request.host
