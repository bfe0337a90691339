"""A readable page of the OpenAPI document, rendered on the server (no CDN, no script)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/v1/docs")
def docs():
    spec = current_app.extensions["matchmaker_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec)
