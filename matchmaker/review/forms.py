from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from matchmaker.services.review import DECISIONS, MAX_NOTE, REJECT_REASONS
from matchmaker.web.forms import choices


@dataclass(frozen=True)
class DecisionWidget:
    """What the page draws a DecisionForm from for each of its proposals (the queue has one a
    row): the fields' names and limits, and the parts that are the same in every row, in the
    reader's language and escaped, made once per page."""

    names: dict[str, str]  # field -> the name it is posted under
    csrf_input: Markup
    note_label: Markup
    note_attributes: Markup  # name, rows, maxlength of the note's <textarea>
    reason_label: Markup
    reasons: list[tuple[str, str]]  # (value, label), "" for none
    buttons: Markup
    _options: dict[str | None, Markup] = field(default_factory=dict)

    def reason_options(self, selected: str | None) -> Markup:
        """The reasons' <option>s, `selected` marked: made once per page and selection."""
        if selected not in self._options:
            self._options[selected] = Markup("").join(
                Markup('<option value="{}"{}>{}</option>').format(
                    value, Markup(" selected") if value == (selected or "") else "", label
                )
                for value, label in self.reasons
            )
        return self._options[selected]


class DecisionForm(FlaskForm):
    """One officer's decision on one proposal (`templates/_macros/proposals.html` draws it for
    each proposal of a page from this form's `widget()`)."""

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
    # Hidden, so no label (WTForms would otherwise load its catalogue to translate a default one).
    version = IntegerField(
        "", widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    next = HiddenField("")

    def widget(self) -> DecisionWidget:
        return DecisionWidget(
            names={name: f.name for name, f in self._fields.items()},
            csrf_input=Markup('<input type="hidden" name="{}" value="{}">').format(
                self.csrf_token.name, self.csrf_token.current_token
            ),
            note_label=escape(self.note.label.text),
            note_attributes=Markup('name="{}" rows="{}" maxlength="{}"').format(
                self.note.name, self.note.render_kw["rows"], self.note.render_kw["maxlength"]
            ),
            reason_label=escape(self.reject_reason.label.text),
            reasons=[(c.value, str(c.label)) for c in self.reject_reason.choices],
            buttons=Markup("").join(
                Markup('<button type="submit" name="{}" value="{}" class="{}">{}</button>').format(
                    self.decision.name, c.value, c.value, c.label
                )
                for c in self.decision.choices
            ),
        )


class BulkChoiceForm(FlaskForm):
    """The queue's bulk bar: which decision for the ticked proposals (none chosen at first).
    It is sent by GET to the confirmation page, so it carries no CSRF token."""

    class Meta:
        csrf = False

    decision = SelectField(
        _l("With the selected proposals"),
        choices=choices(
            [
                ("", _l("— choose —")),
                ("approve", _l("Approve selected")),
                ("reject", _l("Reject selected")),
            ]
        ),
        validators=[DataRequired(), AnyOf(list(DECISIONS))],
        render_kw={"required": True},
    )


class BulkDecisionForm(FlaskForm):
    """The confirmed bulk decision (the ids are posted as `ids`, one field each)."""

    decision = HiddenField("", validators=[DataRequired(), AnyOf(list(DECISIONS))])
    note = TextAreaField(
        _l("Note for all of them"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        render_kw={"rows": 2, "maxlength": MAX_NOTE},
    )
    reject_reason = SelectField(
        _l("Reason for the rejection"),
        choices=choices([("", "—"), *((code, _l(text)) for code, text in REJECT_REASONS.items())]),
        validators=[Optional()],
        validate_choice=False,
    )
    back = HiddenField("")


class ImportForm(FlaskForm):
    file = FileField(
        _l("File of firms (.jsonl, .csv or .xlsx)"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        render_kw={"accept": ".jsonl,.ndjson,.json,.csv,.xlsx"},
    )


class ImportRunForm(FlaskForm):
    """Imports the file the dry run checked (its token is in the address)."""
