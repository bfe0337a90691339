"""Plain-language reasons for a proposal: shared sectors, what one side offers that the other
seeks (quoted in the firm's own words), fitting cooperation types and common themes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from matchmaker.matching.features import FeatureSpace, FirmProfile
from matchmaker.matching.model import MatchEngine, PairSet
from matchmaker.matching.taxonomy import relatedness

SENTENCE_END = re.compile(r"(?<=[.!?۔])\s+|\n+")
QUOTE_LIMIT = 160
MIN_QUOTE_FIT = 0.04

TYPE_WORDS = {
    "assembly": "local assembly",
    "manufacturing": "joint manufacturing",
    "licensing": "technology licensing",
    "distribution": "distribution",
    "export": "export/import trade",
    "investment": "investment",
    "research": "joint R&D",
    "services": "engineering services",
}
SECTOR_WORDS = {
    "tractors": "tractors",
    "agri-machinery": "agricultural machinery",
    "electric-buses": "electric buses",
    "auto-parts": "automotive parts",
    "transformers": "transformers",
    "mining-coal": "coal mining",
    "mining-precious": "gold and silver",
    "iron-ore": "iron ore",
    "construction-machinery": "construction machinery",
    "concrete": "concrete",
    "textiles": "textiles",
    "rice": "rice",
    "citrus": "citrus",
    "food-processing": "food processing",
    "leather": "leather",
    "footwear": "footwear",
    "medical-instruments": "medical instruments",
    "agri-research": "agricultural research",
    "logistics": "logistics",
}


def split_sentences(text: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE_END.split(text or "") if p and p.strip()]
    return parts or [text.strip()] if text and text.strip() else []


def _quote(sentence: str) -> str:
    sentence = sentence.strip()
    if len(sentence) > QUOTE_LIMIT:
        sentence = sentence[: QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return f"“{sentence}”"


@dataclass
class SentenceIndex:
    """Every sentence of one text field of one side's firms, as vectors, grouped by firm."""

    sentences: list[str]
    vectors: sp.csr_matrix
    start: np.ndarray  # first sentence of firm i
    count: np.ndarray

    @classmethod
    def build(cls, space: FeatureSpace, texts: Sequence[str]) -> SentenceIndex:
        sentences: list[str] = []
        start, count = [], []
        for text in texts:
            parts = split_sentences(text) or [""]
            start.append(len(sentences))
            count.append(len(parts))
            sentences.extend(parts)
        return cls(
            sentences,
            space.text_vectors(sentences),
            np.asarray(start, dtype=np.int64),
            np.asarray(count, dtype=np.int64),
        )

    def best(self, owners: np.ndarray, targets: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """For pair p: the owner's sentence closest to targets[p], and its similarity."""
        counts = self.count[owners]
        pair_of = np.repeat(np.arange(len(owners)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = np.repeat(self.start[owners], counts) + offsets
        sims = np.asarray(self.vectors[rows].multiply(targets[pair_of]).sum(axis=1)).ravel()
        best_row = np.empty(len(owners), dtype=np.int64)
        best_sim = np.full(len(owners), -1.0)
        order = np.lexsort((-sims, pair_of))
        firsts = np.r_[0, np.cumsum(counts)[:-1]]
        best_row[:] = rows[order[firsts]]
        best_sim[:] = sims[order[firsts]]
        return best_row, best_sim


def explain(engine: MatchEngine, pairs: PairSet) -> list[list[str]]:
    """Reasons for every pair, in the order of `pairs`. Never an empty list."""
    if len(pairs) == 0:
        return []
    assert engine.pk is not None and engine.by is not None
    space = engine.space
    # Only the firms in these pairs are split into sentences (cheap for one refreshed firm).
    pk_ids, pk_local = np.unique(pairs.pk, return_inverse=True)
    by_ids, by_local = np.unique(pairs.by, return_inverse=True)
    pk_offers = SentenceIndex.build(space, [engine.pk_firms[i].offers for i in pk_ids])
    by_offers = SentenceIndex.build(space, [engine.by_firms[j].offers for j in by_ids])
    ab_row, ab_sim = pk_offers.best(pk_local, engine.by.seek[pairs.by])
    ba_row, ba_sim = by_offers.best(by_local, engine.pk.seek[pairs.pk])
    glossary = space.glossary
    concepts_pk = [set(glossary.concepts_of(_both(engine.pk_firms[i]))) for i in pk_ids]
    concepts_by = [set(glossary.concepts_of(_both(engine.by_firms[j]))) for j in by_ids]
    reasons: list[list[str]] = []
    for p in range(len(pairs)):
        a, b = engine.pk_firms[pairs.pk[p]], engine.by_firms[pairs.by[p]]
        lines = [
            *_sector_reasons(a, b),
            *_quote_reasons(a, b, pk_offers.sentences[ab_row[p]], ab_sim[p]),
            *_quote_reasons(b, a, by_offers.sentences[ba_row[p]], ba_sim[p]),
            *_type_reasons(a, b),
            *_type_reasons(b, a),
        ]
        common = sorted(concepts_pk[pk_local[p]] & concepts_by[by_local[p]])
        if common:
            lines.append("Common ground: " + ", ".join(common[:6]) + ".")
        if not lines:
            lines.append(f"The profiles of {_name(a)} and {_name(b)} complement each other.")
        reasons.append(lines)
    return reasons


def _both(firm: FirmProfile) -> str:
    return f"{firm.offers} {firm.seeks}"


def _name(firm: FirmProfile) -> str:
    return firm.name or firm.ref


def _sector_reasons(a: FirmProfile, b: FirmProfile) -> list[str]:
    shared = [s for s in a.sectors if s in b.sectors]
    if shared:
        return ["Both work in " + _join([SECTOR_WORDS.get(s, s) for s in shared]) + "."]
    related = sorted(
        ((relatedness(x, y), x, y) for x in a.sectors for y in b.sectors), reverse=True
    )
    if related and related[0][0] >= 0.3:
        _, x, y = related[0]
        return [f"Related sectors: {SECTOR_WORDS.get(x, x)} and {SECTOR_WORDS.get(y, y)}."]
    return []


def _quote_reasons(giver: FirmProfile, taker: FirmProfile, sentence: str, fit: float) -> list[str]:
    if fit < MIN_QUOTE_FIT or not sentence:
        return []
    return [f"{_name(giver)} offers what {_name(taker)} seeks: {_quote(sentence)}"]


def _type_reasons(giver: FirmProfile, taker: FirmProfile) -> list[str]:
    fitting = [t for t in giver.offer_types if t in taker.seek_types]
    if not fitting:
        return []
    words = _join([TYPE_WORDS.get(t, t) for t in fitting])
    return [f"{_name(giver)} offers {words}, which {_name(taker)} is looking for."]


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
