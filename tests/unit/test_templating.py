"""The templates' `_()` and `ngettext()`, which keep the request's catalogue, give what
Flask-Babel's own give: translations, placeholders, plurals, escaping, and the locale that
`force_locale` sets."""

import flask_babel
import pytest
from flask import render_template_string

TEMPLATE = (
    "{{ _('Firms') }}|{{ _('Page %(page)s of %(pages)s · %(total)s in all', page=2, pages=5,"
    " total='<b>7</b>') }}|{{ ngettext('%(num)s firm found.', '%(num)s firms found.', n) }}"
)


@pytest.mark.parametrize("locale", ["en", "ur", "ru"])
@pytest.mark.parametrize("n", [1, 2, 5, 21])
def test_template_gettext_is_flask_babels(app, locale, n):
    with app.test_request_context(headers={"Cookie": f"lang={locale}"}):
        ours = render_template_string(TEMPLATE, n=n)
    assert "&lt;b&gt;7&lt;/b&gt;" in ours  # values are escaped, the translation is not
    if locale != "en":
        assert not ours.startswith("Firms|")
    with app.test_request_context(headers={"Cookie": f"lang={locale}"}):
        expected = (
            f"{flask_babel.gettext('Firms')}|"
            + flask_babel.gettext(
                "Page %(page)s of %(pages)s · %(total)s in all",
                page=2,
                pages=5,
                total="&lt;b&gt;7&lt;/b&gt;",
            )
            + "|"
            + flask_babel.ngettext("%(num)s firm found.", "%(num)s firms found.", n)
        )
    assert ours == expected


def test_template_gettext_follows_force_locale(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert render_template_string("{{ _('Firms') }}") == "Firms"
        with flask_babel.force_locale("ru"):
            russian = render_template_string("{{ _('Firms') }}")
        assert render_template_string("{{ _('Firms') }}") == "Firms"
    assert russian != "Firms"
    with app.test_request_context(headers={"Cookie": "lang=ru"}):
        assert render_template_string("{{ _('Firms') }}") == russian
