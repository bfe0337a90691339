"""What every page pays before its own work: routes that exist only in the benchmarks' app.

- `/_probe/plain`: a Flask view of the application that touches neither the session nor the
  database;
- `/_probe/signed-in`: a signed-in view that returns a word (session cookie, user load);
- `/_probe/layout`: a signed-in view that renders an empty page in the site's layout
  (navigation, the unread badge for a firm user, translations).

`benchmarks/pages.py` times them in process; `benchmarks/load.py --reference` serves
`create_app()` with gunicorn and drives them like the pages. The product never registers them.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_login import login_required

import matchmaker

EMPTY_PAGE = '{% extends "base.html" %}{% block content %}<p>.</p>{% endblock %}'


def add_probes(app: Flask) -> Flask:
    empty_page = app.jinja_env.from_string(EMPTY_PAGE)
    app.add_url_rule("/_probe/plain", "probe_plain", lambda: "ok")
    app.add_url_rule("/_probe/signed-in", "probe_signed_in", login_required(lambda: "ok"))
    app.add_url_rule(
        "/_probe/layout", "probe_layout", login_required(lambda: render_template(empty_page))
    )
    return app


def create_app() -> Flask:
    """The application as `make serve` runs it, with the probes (for gunicorn)."""
    return add_probes(matchmaker.create_app())
