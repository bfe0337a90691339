from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from matchmaker.services.messaging import MAX_BODY, RESPONSES


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(message=_l("Write a message first.")),
            Length(max=MAX_BODY, message=_l("At most %(num)s characters.", num=MAX_BODY)),
        ],
        render_kw={"rows": 4, "maxlength": MAX_BODY},
    )


class ResponseForm(FlaskForm):
    response = HiddenField(validators=[DataRequired(), AnyOf(RESPONSES)])
