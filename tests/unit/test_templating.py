"""Template filters that take shortcuts must give what Babel gives."""

import flask_babel
import pytest
from flask import Flask

from matchmaker.web.templating import format_decimal2, format_number


@pytest.mark.parametrize("locale", ["en", "ru", "ur"])
def test_decimal2_is_babels_two_decimal_pattern(locale):
    app = Flask(__name__)
    flask_babel.Babel(app, locale_selector=lambda: locale)
    values = [i / 1000 for i in range(0, 2001)] + [None, 0, 12345.678, -0.5, 0.165, 0.125]
    with app.test_request_context():
        for value in values:
            expected = flask_babel.format_decimal(value or 0, "0.00")
            assert format_decimal2(value) == expected, value


@pytest.mark.parametrize("locale", ["en", "ru", "ur", "hi"])
def test_number_is_babels_format_decimal(locale):
    app = Flask(__name__)
    flask_babel.Babel(app, locale_selector=lambda: locale)
    values = [0, None, 7, 999, 1000, 12345, 1234567, 10**12, -5, -123456, 2.5, 1234.5678]
    with app.test_request_context():
        for value in values:
            assert format_number(value) == flask_babel.format_decimal(value or 0), value
