"""Languages: English, Urdu (right to left) and Russian, with Flask-Babel.

The reader's language is, in order: the choice made with the switcher (a year-long cookie, and
the account's `locale` when signed in), the account's stored choice, the browser's
Accept-Language, English. The API always answers in English (its clients are programs).
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from matchmaker.services.reference import COUNTRY_BY_CODE, DEFAULT_LOCALE, LOCALES, N_

LANGUAGES = dict(zip(LOCALES, ("English", "اردو", "Русский"), strict=True))
RTL = frozenset({"ur"})
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
ACCOUNT_LOCALE = "account_locale"  # on `g`: the signed-in account's language, once it is loaded

# Flask-Login's message, translated through its localize_callback.
LOGIN_MESSAGE = N_("Please sign in to open that page.")

# Stored words (statuses, answers, roles, audit actions) shown in the reader's language.
TERMS = {
    "proposed": N_("proposed"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
    "interested": N_("interested"),
    "declined": N_("declined"),
    "firm": N_("firm"),
    "staff": N_("staff"),
    "admin": N_("admin"),
    "decide": N_("decision"),
    "redecide": N_("changed decision"),
}


def select_locale() -> str:
    # The API answers in English; its documentation page is a page like the others.
    if not has_request_context() or (
        request.path.startswith("/api/") and request.path != "/api/v1/docs"
    ):
        return DEFAULT_LOCALE
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    # The account's choice if this request has loaded the user already (pages that need a
    # user do so first; `load_user` notes it); never a database query from here: error pages
    # ask for the locale too, also when the database is down.
    stored = g.get(ACCOUNT_LOCALE)
    if stored in LANGUAGES:
        return stored
    return request.accept_languages.best_match(LANGUAGES, DEFAULT_LOCALE) or DEFAULT_LOCALE


# Templates find the translations once per rendering, not through Flask-Babel's lookups on each
# of up to ~160 calls of `_()`, `term()` and `label` a page makes: benchmarks/tricks.py, this
# trick off: /matches +11% CPU, /review +9%, the directory search +8%, the account page +6%
# (en). Looked up at the start of each render_template, in the locale then in force, and kept
# in the template's context (macros, imported without it, find it on `g`).
CATALOGUE = "template_catalogue"


def _catalogue(context=None):
    found = context.get(CATALOGUE) if context is not None else None
    return found or g.get(CATALOGUE) or get_translations()


@pass_context
def template_gettext(context, text: str, /, **variables) -> str:
    """Jinja's newstyle gettext: formatted with `%`; in autoescaped templates the (trusted)
    translation is markup and the values are escaped."""
    translated = _catalogue(context).ugettext(text)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue; values escaped by %
    return translated % variables


@pass_context
def template_ngettext(context, singular: str, plural: str, count: int, /, **variables) -> str:
    variables.setdefault("num", count)
    translated = _catalogue(context).ungettext(singular, plural, count)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue; values escaped by %
    return translated % variables


def term(value: str | None) -> str:
    value = str(value or "")
    return _catalogue().ugettext(TERMS[value]) if value in TERMS else value


def country_name(code: str | None) -> str:
    country = COUNTRY_BY_CODE.get(str(code or ""))
    return _catalogue().ugettext(country.name) if country else str(code or "")


@pass_context
def label(context, text: str | None) -> str:
    """A stored English label (sector, cooperation type, reason) in the reader's language."""
    return _catalogue(context).ugettext(text) if text else ""


def init_app(app: Flask) -> None:
    from matchmaker.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language() -> dict:
        catalogue = get_translations()
        setattr(g, CATALOGUE, catalogue)
        code = str(get_locale() or DEFAULT_LOCALE)
        return {
            CATALOGUE: catalogue,
            "lang": code,
            "text_direction": "rtl" if code in RTL else "ltr",
            "languages": LANGUAGES,
        }

    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["term"] = term
    app.jinja_env.globals["country_name"] = country_name
