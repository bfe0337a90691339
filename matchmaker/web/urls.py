"""One endpoint's URL for the many rows of a page: built once, filled in per row.

Against url_for for each card's two links, the review queue of 25 cards: 27.79 -> 25.83 M
instructions per request (benchmarks/instructions.py --requests 10 /review)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, request, url_for


@dataclass(frozen=True, slots=True)
class UrlPattern:
    """`url_for(endpoint, <key>=n, **values)` for any int n: the URL around the id's place."""

    head: str
    tail: str

    def __call__(self, n: int) -> str:
        return f"{self.head}{int(n)}{self.tail}"


_HELD = "matchmaker_urls"  # in app.extensions: (script root, what) -> URLs built once
T = TypeVar("T")


def built_once(what: Hashable, build: Callable[[], T]) -> T:
    """What `build` makes, made once for each script root the app is served under (and each
    `what`: a language, where it is in the key) and kept with the app: what takes no value
    from the request (URLs, URL patterns, an empty form as WTForms draws it)."""
    held = current_app.extensions.setdefault(_HELD, {})
    at = (request.script_root, what)
    found = held.get(at)
    if found is None:
        found = held[at] = build()
    return found


def url_pattern(endpoint: str, key: str, **values: object) -> UrlPattern:
    """The URL of `endpoint` with an `<int:key>` in its rule, the other values fixed (the rows
    of a page share them). Built twice, for ids 1 and 2, and cut where they differ; checked to
    give url_for's answer for both. A pattern with no other values is the same on every page:
    built once per script root and kept with the app (two url_for calls a pattern, four
    patterns on the directory's page: see firms/cards.py for the figure)."""
    if values:
        return _built(endpoint, key, values)
    return built_once(("pattern", endpoint, key), lambda: _built(endpoint, key, {}))


def _built(endpoint: str, key: str, values: dict[str, object]) -> UrlPattern:
    one = url_for(endpoint, **{key: 1}, **values)
    two = url_for(endpoint, **{key: 2}, **values)
    at = next(i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a != b)
    pattern = UrlPattern(one[:at], one[at + 1 :])
    if pattern(1) != one or pattern(2) != two:
        raise ValueError(f"{endpoint}: {key} is not one integer of its URL")
    return pattern
