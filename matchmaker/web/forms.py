"""Small helpers shared by the forms of every blueprint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


MAX_PAGE = 100_000


def page_arg(args: Mapping[str, str]) -> int:
    """The `page` query argument, clamped to a sane range (bad input means page 1)."""
    raw = args.get("page", "1")
    page = int(raw) if raw.isdigit() and len(raw) <= 6 else 1
    return min(max(page, 1), MAX_PAGE)
