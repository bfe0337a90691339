from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from matchmaker.formtools import choices
from matchmaker.services.review import MAX_NOTE, REJECT_REASONS


class DecisionForm(FlaskForm):
    decision = SelectField(
        "Decision",
        choices=choices([("approve", "Approve"), ("reject", "Reject")]),
        validators=[DataRequired(), AnyOf(["approve", "reject"])],
    )
    note = TextAreaField(
        "Note",
        validators=[Optional(), Length(max=MAX_NOTE)],
        render_kw={"rows": 2, "maxlength": MAX_NOTE},
    )
    reject_reason = SelectField(
        "Reason for rejecting",
        choices=choices([("", "—"), *REJECT_REASONS.items()]),
        validators=[Optional()],
        validate_choice=False,
    )
    version = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    next = HiddenField()


class BulkDecisionForm(FlaskForm):
    decision = SelectField(
        "Decision for the selected proposals",
        choices=choices([("approve", "Approve selected"), ("reject", "Reject selected")]),
        validators=[DataRequired(), AnyOf(["approve", "reject"])],
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=MAX_NOTE)])
