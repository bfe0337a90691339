"""One endpoint's URL for the many rows of a page: built once, filled in per row.

Against url_for for each card's two links, the review queue of 25 cards: 27.79 -> 25.83 M
instructions per request (benchmarks/instructions.py --requests 10 /review)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True, slots=True)
class UrlPattern:
    """`url_for(endpoint, <key>=n, **values)` for any int n: the URL around the id's place."""

    head: str
    tail: str

    def __call__(self, n: int) -> str:
        return f"{self.head}{int(n)}{self.tail}"


def url_pattern(endpoint: str, key: str, **values: object) -> UrlPattern:
    """The URL of `endpoint` with an `<int:key>` in its rule, the other values fixed (the rows
    of a page share them). Built twice, for ids 1 and 2, and cut where they differ; checked to
    give url_for's answer for both."""
    one = url_for(endpoint, **{key: 1}, **values)
    two = url_for(endpoint, **{key: 2}, **values)
    at = next(i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a != b)
    pattern = UrlPattern(one[:at], one[at + 1 :])
    if pattern(1) != one or pattern(2) != two:
        raise ValueError(f"{endpoint}: {key} is not one integer of its URL")
    return pattern
