"""The firm record of the contract: validation and conversion, shared by forms, import and API.

Pure functions over plain dicts; the taxonomy codes are passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from matchmaker.models import Country

FIELDS: tuple[str, ...] = (
    "ref",
    "name",
    "country",
    "city",
    "sectors",
    "offers",
    "seeks",
    "offer_types",
    "seek_types",
    "description",
    "employees",
    "founded",
    "website",
    "contact_email",
)
LIST_FIELDS = ("sectors", "offer_types", "seek_types")
INT_FIELDS = ("employees", "founded")
REQUIRED = ("ref", "name", "country", "sectors", "offers", "seeks")
MAX_LENGTH = {
    "ref": 64,
    "name": 200,
    "city": 100,
    "offers": 5000,
    "seeks": 5000,
    "description": 10000,
    "website": 500,
    "contact_email": 254,
}
MULTILINE = ("offers", "seeks", "description")
COUNTRIES = tuple(Country)
MAX_EMPLOYEES = 10_000_000
REF_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# C0 controls (NUL breaks PostgreSQL) and bidi overrides that disguise names.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BAD_LINE_CHARS = re.compile(r"[\r\n\t]")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


@dataclass(frozen=True)
class Taxonomy:
    sectors: frozenset[str]
    cooperation_types: frozenset[str]


def _clean_text(field: str, value: Any, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors[field] = _("must be text")
        return None
    # Invisible spaces hide look-alike names; ZWJ/ZWNJ stay: Urdu spelling needs them.
    value = _INVISIBLE.sub("", value).strip()
    if not value:
        return None
    if _BAD_CHARS.search(value):
        errors[field] = _("contains control or direction-override characters")
        return None
    if field not in MULTILINE and _BAD_LINE_CHARS.search(value):
        errors[field] = _("must be a single line")
        return None
    if field in ("name", "city") and value[0] in "=+@":
        # Such a cell runs as a formula when an export is opened in a spreadsheet.
        errors[field] = _("must not start with =, + or @")
        return None
    limit = MAX_LENGTH.get(field)
    if limit and len(value) > limit:
        errors[field] = _("at most %(limit)s characters (got %(got)s)", limit=limit, got=len(value))
        return None
    return value


def _clean_list(field: str, value: Any, allowed: frozenset[str], errors: dict[str, str]):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[field] = _("must be a list of codes")
        return []
    codes: list[str] = []
    for raw in value:
        code = raw.strip()
        if not code:
            continue
        if code not in allowed:
            errors[field] = _("unknown code %(code)r", code=code)
            return []
        if code not in codes:
            codes.append(code)
    return codes


def _clean_int(field: str, value: Any, errors: dict[str, str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            errors[field] = _("must be a whole number")
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("must be a whole number")
        return None
    if field == "employees" and not 0 <= value <= MAX_EMPLOYEES:
        errors[field] = _("must be between 0 and %(max)s", max=MAX_EMPLOYEES)
        return None
    if field == "founded":
        year = datetime.now(UTC).year
        if not 1800 <= value <= year:
            errors[field] = _("must be a year between 1800 and %(year)s", year=year)
            return None
    return value


def _check_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return _("must be an http:// or https:// address")
    if " " in value:
        return _("must not contain spaces")
    return None


def _check_email(value: str) -> tuple[str | None, str | None]:
    try:
        info = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return None, email_problem(exc)
    return info.normalized, None


def N_(text: str) -> str:
    """Marks a text for the catalogues, translated where it is shown (reference.N_: that
    module imports this one)."""
    return text


# email_validator explains in English only: its usual findings in the reader's language.
_EMAIL_PROBLEMS = (
    ("must have an @-sign", N_("must contain an @, as in name@firm.pk")),
    ("before the @-sign.", N_("needs a name before the @")),
    ("after the @-sign.", N_("needs a domain after the @, as in name@firm.pk")),
    ("It should have a period", N_("the domain after the @ needs a dot, as in firm.pk")),
    ("invalid characters", N_("contains characters an e-mail address cannot have")),
    ("period", N_("has a dot in the wrong place")),
    ("hyphen", N_("has a hyphen in the wrong place")),
    ("too long", N_("is too long")),
)


def email_problem(exc: Exception) -> str:
    """What is wrong with an e-mail address, translated (email_validator's finding mapped)."""
    text = str(exc)
    for needle, message in _EMAIL_PROBLEMS:
        if needle in text:
            return _(message)
    return _("is not a valid e-mail address")


def validate_record(
    data: dict[str, Any], taxonomy: Taxonomy, *, require_ref: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """Return (clean record, errors by field). The record is only usable when errors is empty."""
    errors: dict[str, str] = {}
    for key in data:
        if key not in FIELDS:
            errors[str(key)] = _("unknown field")
    clean: dict[str, Any] = {}
    for field in FIELDS:
        value = data.get(field)
        if field in LIST_FIELDS:
            allowed = taxonomy.sectors if field == "sectors" else taxonomy.cooperation_types
            clean[field] = _clean_list(field, value, allowed, errors)
        elif field in INT_FIELDS:
            clean[field] = _clean_int(field, value, errors)
        else:
            clean[field] = _clean_text(field, value, errors)
    required = REQUIRED if require_ref else tuple(f for f in REQUIRED if f != "ref")
    for field in required:
        if field not in errors and not clean[field]:
            errors[field] = _("required") if field != "sectors" else _("choose at least one sector")
    if clean["ref"] and "ref" not in errors and not REF_RE.match(clean["ref"]):
        errors["ref"] = _("1-64 characters from A-Z, a-z, 0-9, '.', '_' and '-'")
    if clean["country"] and "country" not in errors and clean["country"] not in COUNTRIES:
        errors["country"] = _("must be PK or BY")
    if clean["website"] and "website" not in errors:
        problem = _check_url(clean["website"])
        if problem:
            errors["website"] = problem
    if clean["contact_email"] and "contact_email" not in errors:
        normalized, problem = _check_email(clean["contact_email"])
        if problem:
            errors["contact_email"] = problem
        else:
            clean["contact_email"] = normalized
    return clean, errors


def record_of(firm: Any) -> dict[str, Any]:
    """The contract's record for a stored firm (every field, in order)."""
    return {field: getattr(firm, field) for field in FIELDS}
