"""The site's own pages: the home page, the health check and the language switcher."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text

from matchmaker.extensions import db
from matchmaker.services import accounts
from matchmaker.web import i18n
from matchmaker.web.security import is_safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        if current_user.is_staff:
            return redirect(url_for("review.queue"))
        if current_user.firm is None:
            return redirect(url_for("firms.edit"))
        return redirect(url_for("firms.home"))
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.post("/language")
def set_language():
    """The language switcher: remembered in a cookie and, when signed in, on the account."""
    code = request.form.get("lang", "")
    if code not in i18n.LANGUAGES:
        abort(400, "Unknown language.")
    target = request.form.get("next", "")
    response = redirect(target if is_safe_next(target) else url_for("main.index"))
    response.set_cookie(
        i18n.COOKIE,
        code,
        max_age=i18n.COOKIE_AGE,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    if current_user.is_authenticated:
        accounts.update_settings(db.session, current_user._get_current_object(), locale=code)
    return response
