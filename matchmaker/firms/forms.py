from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.services.firm_records import MAX_LENGTH
from matchmaker.services.reference import COUNTRIES
from matchmaker.services.requests import MAX_REQUEST_MESSAGE
from matchmaker.web.forms import choices


class CheckboxGroupField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _maxlength(field: str) -> dict[str, Any]:
    return {"maxlength": MAX_LENGTH[field]}


# User text gets dir="auto": an English sentence in an Urdu page keeps its full stop at its end.
TEXT = {"dir": "auto"}
LATIN = {"dir": "ltr"}


def _counted(field: str, rows: int) -> dict[str, Any]:
    """A long text: no maxlength (the browser would cut a pasted text silently) but a counter
    (static/js/site.js) and the server's error with the count."""
    return TEXT | {
        "rows": rows,
        "data-max": MAX_LENGTH[field],
        "data-count": _l("%(used)s of %(max)s characters"),
        "data-over": _l("%(over)s characters too many"),
    }


class FirmForm(FlaskForm):
    """Rendering and CSRF; the rules themselves live in services.firm_records."""

    name = StringField(_l("Firm name"), render_kw=_maxlength("name") | TEXT | {"required": True})
    # No default: a firm that skips it would silently be matched against its own country.
    country = SelectField(
        _l("Country"),
        choices=choices(
            [("", _l("Choose your country"))] + [(c.code.value, _l(c.name)) for c in COUNTRIES]
        ),
        render_kw={"required": True},
    )
    city = StringField(_l("City"), render_kw=_maxlength("city") | TEXT)
    sectors = CheckboxGroupField(_l("Sectors"), validators=[Optional()])
    offers = TextAreaField(
        _l("What your firm offers"),
        render_kw=_counted("offers", 5) | {"required": True},
        description=_l("Products, capacities, technology: in English, Urdu or Russian."),
    )
    seeks = TextAreaField(
        _l("What you look for in a partner"),
        render_kw=_counted("seeks", 5) | {"required": True},
    )
    offer_types = CheckboxGroupField(_l("Cooperation you offer"), validators=[Optional()])
    seek_types = CheckboxGroupField(_l("Cooperation you seek"), validators=[Optional()])
    description = TextAreaField(_l("About the firm"), render_kw=_counted("description", 4))
    employees = StringField(
        _l("Employees"),
        render_kw={"inputmode": "numeric", "maxlength": 15},
        description=_l("A number, e.g. 1 200."),
    )
    founded = StringField(_l("Founded (year)"), render_kw={"inputmode": "numeric", "maxlength": 4})
    # type=url would make the browser refuse "www.example.by"; the service adds https://.
    website = StringField(
        _l("Website"),
        render_kw=_maxlength("website") | LATIN | {"inputmode": "url"},
        description=_l("e.g. www.example.by"),
    )
    contact_email = StringField(
        _l("Contact e-mail"),
        render_kw=_maxlength("contact_email") | LATIN | {"type": "email"},
        description=_l("Shown to a partner only after EDB approves the introduction."),
    )

    def set_choices(self, sectors: list[Any], types: list[Any]) -> None:
        self.sectors.choices = choices((s.code, gettext(s.label)) for s in sectors)
        type_choices = choices((t.code, gettext(t.label)) for t in types)
        self.offer_types.choices = type_choices
        self.seek_types.choices = type_choices

    def record_data(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}


class IntroductionRequestForm(FlaskForm):
    """Ask EDB to introduce the firm to a partner: a short, optional word to the officers."""

    message = TextAreaField(
        _l("A short message to EDB (optional)"),
        validators=[
            Optional(),
            Length(
                max=MAX_REQUEST_MESSAGE,
                message=_l("At most %(num)s characters.", num=MAX_REQUEST_MESSAGE),
            ),
        ],
        render_kw={"rows": 3, "maxlength": MAX_REQUEST_MESSAGE, "dir": "auto"},
        description=_l("Why this partner? EDB reads it; the other firm does not."),
    )
    next = HiddenField()


class PartnerActionForm(FlaskForm):
    """Save or forget a partner: CSRF and where to go back to."""

    next = HiddenField()
