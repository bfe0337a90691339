from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from matchmaker.services.attachments import ACCEPT, MAX_SIZE
from matchmaker.services.introductions import RESPONSES
from matchmaker.services.messaging import MAX_BODY


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(message=_l("Write a message first.")),
            Length(max=MAX_BODY, message=_l("At most %(num)s characters.", num=MAX_BODY)),
        ],
        render_kw={"rows": 4, "maxlength": MAX_BODY},
    )
    file = FileField(
        _l("Attach a file (optional)"),
        description=_l("PDF, PNG, JPEG, XLSX or DOCX, at most 10 MB."),
        render_kw={
            "accept": ACCEPT,
            "data-max-bytes": MAX_SIZE,
            "data-too-large": _l("This file is over 10 MB; choose a smaller one."),
        },
    )


class ResponseForm(FlaskForm):
    response = HiddenField(validators=[DataRequired(), AnyOf(RESPONSES)])
