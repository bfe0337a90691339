from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from matchmaker.services.review import DECISIONS, MAX_NOTE, REJECT_REASONS
from matchmaker.web.forms import choices
from matchmaker.web.urls import built_once


def N_(text: str) -> str:
    """Marks a text for the catalogue; it is translated where it is shown."""
    return text


# The decision form's texts, the same for the form and for the cards that draw it.
DECISION_LABEL, NOTE_LABEL, REASON_LABEL = N_("Decision"), N_("Note"), N_("Reason if rejecting")
DECISION_CHOICES = {"approve": N_("Approve"), "reject": N_("Reject")}
REASON_CHOICES = {"": "—", **REJECT_REASONS}
NOTE_ROWS = 2
BULK_LABEL = N_("With the selected proposals")
BULK_CHOICES = {
    "": N_("— choose —"),
    "approve": N_("Approve selected"),
    "reject": N_("Reject selected"),
}


@dataclass(frozen=True)
class DecisionWidget:
    """What the page draws a DecisionForm from for each of its proposals (the queue has one a
    row): the fields' names and limits, and the parts that are the same in every row, in the
    reader's language and escaped, made once per language (`decision_widget`); the CSRF field
    is the request's."""

    names: dict[str, str]  # field -> the name it is posted under
    note_label: Markup
    note_attributes: Markup  # name, rows, maxlength of the note's <textarea>
    reason_label: Markup
    reasons: list[tuple[str, str]]  # (value, label), "" for none
    buttons: Markup
    _options: dict[str | None, Markup] = field(default_factory=dict)

    @property
    def csrf_input(self) -> Markup:
        """The CSRF field with the request's token (Flask-WTF's, the session's own)."""
        return Markup('<input type="hidden" name="csrf_token" value="%s">') % generate_csrf()

    def reason_options(self, selected: str | None) -> Markup:
        """The reasons' <option>s, `selected` marked: made once per language and selection
        (a stored reason: one of REASON_CHOICES' codes, or none)."""
        if selected not in self._options:
            chosen = selected or ""
            self._options[selected] = Markup("").join(
                Markup('<option value="%s"%s>%s</option>')
                % (value, Markup(" selected") if value == chosen else "", label)
                for value, label in self.reasons
            )
        return self._options[selected]


def decision_widget() -> DecisionWidget:
    """The DecisionForm's parts in the reader's language, without a form object: the same
    fields, names and limits as DecisionForm (a test compares them in every language). With
    the bulk bar drawn the same way, against a DecisionForm and a BulkChoiceForm per request
    with their lazy texts: /review 31.69 -> 28.44 M instructions per request
    (benchmarks/instructions.py --requests 10 /review). Made once per language and kept with
    the app (`built_once`), where it was made on each view: /review 13.18 -> 12.99."""
    language = str(get_locale())
    return built_once(("decision widget", language), _decision_widget)


def _decision_widget() -> DecisionWidget:
    gettext = get_translations().ugettext
    names = {name: name for name in ("decision", "note", "reject_reason", "version", "next")}
    return DecisionWidget(
        names=names,
        note_label=escape(gettext(NOTE_LABEL)),
        note_attributes=Markup('name="note" rows="%s" maxlength="%s"') % (NOTE_ROWS, MAX_NOTE),
        reason_label=escape(gettext(REASON_LABEL)),
        reasons=[(code, gettext(text) if code else text) for code, text in REASON_CHOICES.items()],
        buttons=Markup("").join(
            Markup('<button type="submit" name="decision" value="%s" class="%s">%s</button>')
            % (value, value, gettext(label))
            for value, label in DECISION_CHOICES.items()
        ),
    )


@dataclass(frozen=True, slots=True)
class BulkBar:
    """The queue's bulk bar as BulkChoiceForm(request.args) would draw it, texts translated."""

    label: str
    options: list[tuple[str, str, bool]]  # (value, label, selected)


def bulk_bar(gettext: Callable[[str], str], selected: str | None) -> BulkBar:
    """The bulk bar with `selected` (the request's `decision`, None when absent) chosen."""
    return BulkBar(
        gettext(BULK_LABEL),
        [(value, gettext(label), value == selected) for value, label in BULK_CHOICES.items()],
    )


class DecisionForm(FlaskForm):
    """One officer's decision on one proposal (`templates/_macros/proposals.html` and the queue
    draw it for each proposal of a page from `decision_widget`)."""

    decision = SelectField(
        _l(DECISION_LABEL),
        choices=choices([(value, _l(label)) for value, label in DECISION_CHOICES.items()]),
        validators=[DataRequired(), AnyOf(list(DECISIONS))],
    )
    note = TextAreaField(
        _l(NOTE_LABEL),
        validators=[Optional(), Length(max=MAX_NOTE)],
        render_kw={"rows": NOTE_ROWS, "maxlength": MAX_NOTE},
    )
    reject_reason = SelectField(
        _l(REASON_LABEL),
        choices=choices([(c, _l(text) if c else text) for c, text in REASON_CHOICES.items()]),
        validators=[Optional()],
        validate_choice=False,  # an unknown reason is dropped by the service, not refused
    )
    # Hidden, so no label (WTForms would otherwise load its catalogue to translate a default one).
    version = IntegerField(
        "", widget=HiddenInput(), validators=[Optional(), NumberRange(min=1, max=2**31 - 1)]
    )
    next = HiddenField("")


class BulkChoiceForm(FlaskForm):
    """The queue's bulk bar: which decision for the ticked proposals (none chosen at first).
    It is sent by GET to the confirmation page, so it carries no CSRF token. The queue draws it
    from `bulk_choice_options`."""

    class Meta:
        csrf = False

    decision = SelectField(
        _l(BULK_LABEL),
        choices=choices([(value, _l(label)) for value, label in BULK_CHOICES.items()]),
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
