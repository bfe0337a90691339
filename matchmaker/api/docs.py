"""A readable page of the OpenAPI document, rendered on the server (no CDN, no script), in the
reader's language: the document's texts are translated (`doc_texts.py`) and their Markdown
(code spans, emphasis, links) rendered."""

from __future__ import annotations

from functools import lru_cache

import markdown
from flask import Blueprint, current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from matchmaker.api.doc_texts import TEXTS

bp = Blueprint("api_docs", __name__)


@lru_cache(maxsize=2048)
def _render(text: str, inline: bool) -> Markup:
    # Escaped first: a translator's "<" shows as written; Markdown's own syntax still works.
    html = markdown.markdown(str(escape(text)), output_format="html")
    if inline and html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)  # noqa: S704 - made from escaped text by Markdown


def doc_text(text: str | None, inline: bool = True) -> Markup:
    """One of the document's texts in the reader's language, its Markdown rendered."""
    if not text:
        return Markup("")
    shown = _(text) if text in TEXTS else text
    return _render(shown, inline)


@bp.get("/api/v1/docs")
def docs():
    spec = current_app.extensions["matchmaker_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, md=doc_text)
