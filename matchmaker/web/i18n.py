"""Languages: English, Urdu (right to left) and Russian, with Flask-Babel.

The reader's language is, in order: the choice made with the switcher (a year-long cookie, and
the account's `locale` when signed in), the account's stored choice, the browser's
Accept-Language, English. The API always answers in English (its clients are programs).
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup

from matchmaker.web.request_cache import kept, request_state

LANGUAGES = {"en": "English", "ur": "اردو", "ru": "Русский"}
RTL = frozenset({"ur"})
DEFAULT = "en"
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


def _(text: str) -> str:
    """Marks a string for extraction whose translation is looked up later (N_ in gettext)."""
    return text


# Reference data stored in English in the database (CONTRACT.md), translated when shown.
SECTOR_LABELS = (
    _("Tractors and tractor assembly"),
    _("Agricultural machinery and implements"),
    _("Electric buses and e-mobility"),
    _("Automotive parts and components"),
    _("Power and oil transformers, electrical equipment"),
    _("Coal mining and machinery"),
    _("Gold and silver extraction"),
    _("Iron ore mining and machinery"),
    _("Construction and road machinery"),
    _("Concrete and building materials"),
    _("Textiles and apparel"),
    _("Rice milling and processing"),
    _("Citrus and horticulture"),
    _("Food processing and agro-industry"),
    _("Leather and leather apparel"),
    _("Footwear"),
    _("Medical and surgical instruments"),
    _("Agricultural research and technology"),
    _("Haulage and logistics"),
)
COOPERATION_LABELS = (
    _("Local assembly of CKD/SKD kits"),
    _("Joint manufacturing, localisation of parts"),
    _("Technology licence or transfer"),
    _("Dealer network, sales, after-sales service"),
    _("Export / import trade"),
    _("Equity or capital"),
    _("Joint R&D, training"),
    _("Maintenance, engineering services"),
)
# Flask-Login's message, translated through its localize_callback.
LOGIN_MESSAGE = _("Please sign in to open that page.")

# Stored words (statuses, answers, roles, audit actions) shown in the reader's language.
TERMS = {
    "proposed": _("proposed"),
    "approved": _("approved"),
    "rejected": _("rejected"),
    "interested": _("interested"),
    "declined": _("declined"),
    "firm": _("firm"),
    "staff": _("staff"),
    "admin": _("admin"),
    "decide": _("decision"),
    "redecide": _("changed decision"),
}
REJECT_REASON_LABELS = (
    _("Sectors do not really fit"),
    _("One side lacks the capacity"),
    _("Already in contact / duplicate"),
    _("Not in line with JWG priorities"),
    _("Other (see note)"),
)
COUNTRIES = {"PK": _("Pakistan"), "BY": _("Belarus")}


def select_locale() -> str:
    if not has_request_context() or request.path.startswith("/api/"):
        return DEFAULT
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    # The account's choice if this request has loaded the user already (pages that need a
    # user do so first); never a database query from here: error pages ask for the locale
    # too, also when the database is down.
    stored = getattr(g.get("_login_user"), "locale", None)
    if stored in LANGUAGES:
        return stored
    return request.accept_languages.best_match(LANGUAGES, DEFAULT) or DEFAULT


def current_locale():
    """The locale Flask-Babel chose for this request (or `force_locale` set for a while), read
    from where Flask-Babel keeps it (`g._flask_babel.babel_locale`) when it is there, else
    through `get_locale()`, which chooses and keeps it. None outside a request."""
    state = request_state()
    if state is None:
        return None
    return getattr(state.get("_flask_babel"), "babel_locale", None) or get_locale()


def catalogue():
    """The translations of the current locale, looked up once per request and locale.

    Flask-Babel finds them again on every call (about 12 µs through several context proxies,
    and Jinja's wrapper triples that), which a page with a few hundred strings feels. Keyed by
    the locale, because `force_locale` (e-mails in the recipient's language) switches it
    inside a request.
    """
    locale = current_locale()
    if locale is None:
        return get_translations()
    found = kept("catalogues", dict)
    if locale not in found:
        found[locale] = get_translations()
    return found[locale]


def template_csrf_token() -> str:
    """`csrf_token()` in templates: Flask-WTF's token, which it keeps for the request anyway,
    without its config and proxy lookups on each of a page's forms."""
    from flask_wtf.csrf import generate_csrf

    return kept("csrf_token", generate_csrf)


def gettext(text: str) -> str:
    return catalogue().ugettext(text)


@pass_eval_context
def template_gettext(eval_ctx, text: str, /, **variables) -> str:
    """`_()` in templates, as Jinja's newstyle gettext: formatted with `%` (when given values;
    so "%%" is written only in strings with values), and in autoescaped templates the
    (trusted) translation is markup while the values are escaped."""
    translated = catalogue().ugettext(text)
    if eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue; values escaped by %
    return translated % variables if variables else translated


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, count: int, /, **variables) -> str:
    variables.setdefault("num", count)
    translated = catalogue().ungettext(singular, plural, count)
    if eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue; values escaped by %
    return translated % variables


def term(value: str | None) -> str:
    value = str(value or "")
    return gettext(TERMS[value]) if value in TERMS else value


def country_name(code: str | None) -> str:
    return gettext(COUNTRIES[code]) if code in COUNTRIES else str(code or "")


def label(text: str | None) -> str:
    """A stored English label (sector, cooperation type) in the reader's language."""
    return gettext(text) if text else ""


def init_app(app: Flask) -> None:
    from matchmaker.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def language() -> dict:
        code = str(get_locale() or DEFAULT)
        return {
            "lang": code,
            "text_direction": "rtl" if code in RTL else "ltr",
            "languages": LANGUAGES,
        }

    # Flask-Babel installed Jinja's i18n callables; the same, with the catalogue kept.
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
    app.jinja_env.globals["csrf_token"] = template_csrf_token
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["term"] = term
    app.jinja_env.globals["country_name"] = country_name
