from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from matchmaker.formtools import choices
from matchmaker.services.firm_records import MAX_LENGTH


class CheckboxGroupField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _maxlength(field: str) -> dict[str, Any]:
    return {"maxlength": MAX_LENGTH[field]}


class FirmForm(FlaskForm):
    """Rendering and CSRF; the rules themselves live in services.firm_records."""

    name = StringField("Firm name", render_kw=_maxlength("name") | {"required": True})
    country = SelectField("Country", choices=choices([("PK", "Pakistan"), ("BY", "Belarus")]))
    city = StringField("City", render_kw=_maxlength("city"))
    sectors = CheckboxGroupField("Sectors", validators=[Optional()])
    offers = TextAreaField(
        "What your firm offers",
        render_kw=_maxlength("offers") | {"rows": 5, "required": True},
        description="Products, capacities, technology: in English, Urdu or Russian.",
    )
    seeks = TextAreaField(
        "What you look for in a partner",
        render_kw=_maxlength("seeks") | {"rows": 5, "required": True},
    )
    offer_types = CheckboxGroupField("Cooperation you offer", validators=[Optional()])
    seek_types = CheckboxGroupField("Cooperation you seek", validators=[Optional()])
    description = TextAreaField("About the firm", render_kw=_maxlength("description") | {"rows": 4})
    employees = StringField("Employees", render_kw={"inputmode": "numeric", "maxlength": 9})
    founded = StringField("Founded (year)", render_kw={"inputmode": "numeric", "maxlength": 4})
    website = StringField("Website", render_kw=_maxlength("website") | {"type": "url"})
    contact_email = StringField(
        "Contact e-mail",
        render_kw=_maxlength("contact_email") | {"type": "email"},
        description="Shown to a partner only after EDB approves the introduction.",
    )

    def set_choices(self, sectors: list[Any], types: list[Any]) -> None:
        self.sectors.choices = choices((s.code, s.label) for s in sectors)
        type_choices = choices((t.code, t.label) for t in types)
        self.offer_types.choices = type_choices
        self.seek_types.choices = type_choices

    def record_data(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
