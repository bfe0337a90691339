"""Template filters that take shortcuts must give what Babel gives."""

import flask_babel
import pytest
from flask import Flask

from matchmaker.templating import format_decimal2


@pytest.mark.parametrize("locale", ["en", "ru", "ur"])
def test_decimal2_is_babels_two_decimal_pattern(locale):
    app = Flask(__name__)
    flask_babel.Babel(app, locale_selector=lambda: locale)
    values = [i / 1000 for i in range(0, 2001)] + [None, 0, 12345.678, -0.5, 0.165, 0.125]
    with app.test_request_context():
        for value in values:
            expected = flask_babel.format_decimal(value or 0, "0.00")
            assert format_decimal2(value) == expected, value
