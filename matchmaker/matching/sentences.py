"""Whole sentences of a profile, in English, Russian, Urdu and Roman Urdu.

A full stop after an abbreviation («л.с.», «тыс.», "e.g.", "Co.") does not end a sentence.
Latin and Cyrillic text goes through razdel (rule-based, knows Russian abbreviations and the
common English ones; about 0.03 ms a paragraph), Arabic-script text through pySBD's Urdu rules
(«۔» and «؟» end sentences; about 1.6 ms a paragraph, so only the Urdu texts pay for it).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd
import razdel

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LINES = re.compile(r"\n\s*\n|\n(?=\s*[-•*]\s)")


@lru_cache(maxsize=1)
def _urdu() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="ur", clean=False)


@lru_cache(maxsize=50_000)
def split_sentences(text: str) -> tuple[str, ...]:
    """The sentences of a text, trimmed, in order; blank lines and list items also end one."""
    out: list[str] = []
    for block in _LINES.split(text or ""):
        if not block.strip():
            continue
        arabic = len(_ARABIC.findall(block))
        if arabic * 4 > len(block):
            parts = _urdu().segment(block)
        else:
            parts = [s.text for s in razdel.sentenize(block)]
        out.extend(" ".join(p.split()) for p in parts if p.strip())
    return tuple(out)
