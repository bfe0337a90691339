from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from matchmaker.services.review import DECISIONS, MAX_NOTE, REJECT_REASONS
from matchmaker.web.forms import choices


@dataclass(frozen=True)
class DecisionTexts:
    """A decision form's words in the reader's language, translated once for a page that shows
    the form for every proposal on it."""

    note: str
    reason: str
    reasons: list[tuple[str, str]]
    decisions: list[tuple[str, str]]


class DecisionForm(FlaskForm):
    """One officer's decision on one proposal (`templates/_macros/proposals.html` draws it for
    each proposal of a page from this form's fields)."""

    decision = SelectField(
        _l("Decision"),
        choices=choices([("approve", _l("Approve")), ("reject", _l("Reject"))]),
        validators=[DataRequired(), AnyOf(list(DECISIONS))],
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        render_kw={"rows": 2, "maxlength": MAX_NOTE},
    )
    reject_reason = SelectField(
        _l("Reason if rejecting"),
        choices=choices([("", "—"), *((code, _l(text)) for code, text in REJECT_REASONS.items())]),
        validators=[Optional()],
        validate_choice=False,  # an unknown reason is dropped by the service, not refused
    )
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    next = HiddenField()

    def texts(self) -> DecisionTexts:
        return DecisionTexts(
            note=str(self.note.label.text),
            reason=str(self.reject_reason.label.text),
            reasons=[(c.value, str(c.label)) for c in self.reject_reason.choices],
            decisions=[(c.value, str(c.label)) for c in self.decision.choices],
        )


class BulkDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision for the selected proposals"),
        choices=choices([("approve", _l("Approve selected")), ("reject", _l("Reject selected"))]),
        validators=[DataRequired(), AnyOf(list(DECISIONS))],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
