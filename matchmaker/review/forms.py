from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from matchmaker.services.review import MAX_NOTE, REJECT_REASONS
from matchmaker.web.forms import choices


class DecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=choices([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[DataRequired(), AnyOf(["approve", "reject"])],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        render_kw={"rows": 2, "maxlength": MAX_NOTE},
    )
    reject_reason = SelectField(
        _l("Reason for rejecting"),
        choices=choices([("", "—"), *((k, _l(v)) for k, v in REJECT_REASONS.items())]),
        validators=[Optional()],
        validate_choice=False,
    )
    version = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    next = HiddenField()


class BulkDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision for the selected proposals"),
        choices=choices([("approve", _l("Approve selected")), ("reject", _l("Reject selected"))]),
        validators=[DataRequired(), AnyOf(["approve", "reject"])],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
