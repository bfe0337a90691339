"""Reasons as codes with parameters, and their sentences in any language.

The engine writes a reason as a small dict: `{"code": "sectors_shared", "sectors": [...]}`.
`render` turns it into a sentence through a `translate` function (the catalogue of the
reader's language; the identity gives English, the catalogues' source language). The firms'
own words (names, quotes) are parameters and stay as written. A stored plain string (written
by an engine before 3.0) is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Reason = dict[str, Any]
Translate = Callable[[str], str]


def _(text: str) -> str:
    """Marks a message for the catalogues (extracted by `make messages`); looked up later."""
    return text


MESSAGES: dict[str, str] = {
    "sectors_shared": _("Both work in %(sectors)s."),
    "sectors_related": _("Related sectors: %(first)s and %(second)s."),
    "offers_what_seeks": _("%(firm)s offers what %(partner)s seeks: “%(quote)s”"),
    "types_fit": _("%(firm)s offers %(types)s, which %(partner)s is looking for."),
    "close_in_meaning": _(
        "What each firm offers is close in meaning to what the other seeks "
        "(compared across languages)."
    ),
    "common_ground": _("Common ground: %(concepts)s."),
    "complement": _("The profiles of %(firm)s and %(partner)s complement each other."),
}

# Glossary concepts (matching/data/glossary.tsv) as readers call them.
CONCEPT_LABELS: dict[str, str] = {
    "tractor": _("tractors"),
    "harvester": _("harvesters"),
    "tillage": _("tillage"),
    "seeding": _("seeding"),
    "sprayer": _("sprayers"),
    "agrimachine": _("farm machinery"),
    "agronomy": _("crops and seed"),
    "potato": _("potatoes"),
    "wheat": _("wheat and grain"),
    "rice": _("rice"),
    "citrus": _("citrus"),
    "fruit": _("fruit and vegetables"),
    "juice": _("juice and beverages"),
    "food": _("food processing"),
    "dairy": _("dairy"),
    "coldchain": _("cold chain"),
    "import": _("import and retail"),
    "export": _("export"),
    "distribution": _("distribution"),
    "textile": _("textiles"),
    "hometextile": _("home textiles"),
    "leather": _("leather"),
    "outerwear": _("outerwear"),
    "footwear": _("footwear"),
    "medical": _("medical equipment"),
    "electrosurgery": _("electrosurgery"),
    "transformer": _("transformers"),
    "power": _("power grids"),
    "bus": _("buses"),
    "electric": _("electric drive"),
    "vehicle": _("vehicles"),
    "parts": _("parts and components"),
    "tyre": _("tyres"),
    "machining": _("machining"),
    "steel": _("steel and metal"),
    "mining": _("mining"),
    "coal": _("coal"),
    "precious": _("gold and silver"),
    "ironore": _("iron ore"),
    "haulmachine": _("mining and earth-moving machines"),
    "construction": _("construction"),
    "concrete": _("concrete"),
    "logistics": _("logistics"),
    "assembly": _("assembly"),
    "licence": _("licensing"),
    "jointventure": _("joint venture and investment"),
    "manufacture": _("manufacturing"),
    "service": _("service and maintenance"),
    "training": _("training and research"),
    "irrigation": _("irrigation"),
}


def _identity(text: str) -> str:
    return text


def render(
    reason: Reason | str,
    translate: Translate = _identity,
    sector_label: Callable[[str], str] = _identity,
    type_label: Callable[[str], str] = _identity,
) -> str:
    """One reason as a sentence. `sector_label` / `type_label` name a code in the reader's
    language (the caller knows the labels; the identity shows the code)."""
    if isinstance(reason, str):
        return reason
    code = reason.get("code", "")
    template = MESSAGES.get(code)
    if template is None:
        return ""
    values: dict[str, str] = {}
    for key, value in reason.items():
        if key == "code":
            continue
        if key == "sectors":
            labels = [sector_label(s) for s in value]
            values["sectors"] = ", ".join(labels)
            values["first"], values["second"] = (labels + ["", ""])[:2]
        elif key == "types":
            values["types"] = ", ".join(type_label(t) for t in value)
        elif key == "concepts":
            values["concepts"] = ", ".join(
                translate(CONCEPT_LABELS[c]) if c in CONCEPT_LABELS else c for c in value
            )
        else:
            values[key] = str(value)
    try:
        return translate(template) % values
    except (KeyError, ValueError, TypeError):  # a translation with other placeholders
        return template % values


def render_all(
    reasons: Sequence[Reason | str] | None,
    translate: Translate = _identity,
    sector_label: Callable[[str], str] = _identity,
    type_label: Callable[[str], str] = _identity,
) -> list[str]:
    """Every reason of a proposal as a sentence (unknown codes left out)."""
    lines = (render(r, translate, sector_label, type_label) for r in reasons or ())
    return [line for line in lines if line]


def english(
    reasons: Sequence[Reason | str] | None,
    sector_labels: Mapping[str, str] | None = None,
    type_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """The reasons in English (the export and the API), with the given English labels."""
    sectors, types = sector_labels or {}, type_labels or {}
    return render_all(reasons, _identity, lambda c: sectors.get(c, c), lambda c: types.get(c, c))
