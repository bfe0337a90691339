"""The domain glossary: words in English, Russian, Urdu and Roman Urdu mapped to shared concepts.

It lets a Russian or Urdu profile meet an English one: every text is reduced to the concepts it
names, and those concepts are compared like words. See data/glossary.tsv for the format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "glossary.tsv"
TOKEN = re.compile(r"\w+(?:[&-]\w+)*")
MIN_PREFIX = 4
MAX_PREFIX = 16


class Glossary:
    def __init__(self, rows: Iterable[tuple[str, list[str], list[str]]]) -> None:
        self.exact: dict[str, set[str]] = {}
        self.prefix: dict[str, set[str]] = {}
        self.concepts: list[str] = []
        for concept, exact_words, prefix_words in rows:
            self.concepts.append(concept)
            for word in exact_words:
                self.exact.setdefault(word, set()).add(concept)
            for word in prefix_words:
                table = self.prefix if len(word) >= MIN_PREFIX else self.exact
                table.setdefault(word[:MAX_PREFIX], set()).add(concept)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict:
        # The token cache is rebuilt on use; it need not travel with a saved engine.
        return {**self.__dict__, "_cache": {}}

    @classmethod
    def load(cls, path: Path = DATA) -> Glossary:
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            concept, english = cells[0], _words(cells[1])
            others = [w for cell in cells[2:] for w in _words(cell)]
            rows.append((concept, english, others))
        return cls(rows)

    def token_concepts(self, token: str) -> tuple[str, ...]:
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found: set[str] = set()
        for candidate in _english_forms(token):
            found |= self.exact.get(candidate, set())
        for length in range(MIN_PREFIX, min(len(token), MAX_PREFIX) + 1):
            found |= self.prefix.get(token[:length], set())
        result = tuple(sorted(found))
        if len(self._cache) < 500_000:
            self._cache[token] = result
        return result

    def concepts_of(self, text: str) -> list[str]:
        """Every concept named in the text, once per mention (so frequency counts)."""
        return self.concepts_of_tokens(tokens(text))

    def concepts_of_tokens(self, words: Iterable[str]) -> list[str]:
        out: list[str] = []
        for token in words:
            out.extend(self.token_concepts(token))
        return out


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


def _words(cell: str) -> list[str]:
    return [w.strip().lower() for w in cell.split(",") if w.strip()]


def _english_forms(token: str) -> tuple[str, ...]:
    forms = [token]
    if token.endswith("es") and len(token) > 4:
        forms.append(token[:-2])
    if token.endswith("s") and len(token) > 3:
        forms.append(token[:-1])
    return tuple(forms)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.load()
