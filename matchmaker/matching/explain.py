"""Plain-language reasons for a proposal: shared sectors, what one side offers that the other
seeks (quoted in the firm's own words), fitting cooperation types and common themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matchmaker.matching.features import FeatureSpace, FirmProfile, TextMatrix, split_sentences
from matchmaker.matching.model import MatchEngine, PairSet
from matchmaker.matching.taxonomy import relatedness

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


def _quote(sentence: str) -> str:
    sentence = sentence.strip()
    if len(sentence) > QUOTE_LIMIT:
        sentence = sentence[: QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return f"“{sentence}”"


@dataclass
class SentenceIndex:
    """Every sentence of one text field of one side's firms, as vectors, grouped by firm."""

    sentences: list[str]
    quotes: list[str]
    vectors: TextMatrix
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
            [_quote(s) if s else "" for s in sentences],
            space.text_vectors(sentences),
            np.asarray(start, dtype=np.int64),
            np.asarray(count, dtype=np.int64),
        )

    def best(self, owners: np.ndarray, targets: TextMatrix) -> tuple[np.ndarray, np.ndarray]:
        """For pair p: the owner's sentence closest to targets[p], and its similarity."""
        counts = self.count[owners]
        pair_of = np.repeat(np.arange(len(owners)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = np.repeat(self.start[owners], counts) + offsets
        sims = self.vectors.take(rows).pair_dot(targets.take(pair_of))
        best_row = np.empty(len(owners), dtype=np.int64)
        best_sim = np.full(len(owners), -1.0)
        order = np.lexsort((-sims, pair_of))
        firsts = np.r_[0, np.cumsum(counts)[:-1]]
        best_row[:] = rows[order[firsts]]
        best_sim[:] = sims[order[firsts]]
        return best_row, best_sim


def sentence_indexes(engine: MatchEngine) -> tuple[SentenceIndex, SentenceIndex]:
    """The offers of every PK and every BY firm, sentence by sentence (for a full run, where
    reasons are written in several batches)."""
    return (
        SentenceIndex.build(engine.space, [f.offers for f in engine.pk_firms]),
        SentenceIndex.build(engine.space, [f.offers for f in engine.by_firms]),
    )


def explain(
    engine: MatchEngine,
    pairs: PairSet,
    indexes: tuple[SentenceIndex, SentenceIndex] | None = None,
) -> list[list[str]]:
    """Reasons for every pair, in the order of `pairs`. Never an empty list."""
    if len(pairs) == 0:
        return []
    assert engine.pk is not None and engine.by is not None
    space = engine.space
    if indexes is None:
        # Only the firms in these pairs are split into sentences (cheap for one refreshed firm).
        pk_ids, pk_local = np.unique(pairs.pk, return_inverse=True)
        by_ids, by_local = np.unique(pairs.by, return_inverse=True)
        pk_offers = SentenceIndex.build(space, [engine.pk_firms[i].offers for i in pk_ids])
        by_offers = SentenceIndex.build(space, [engine.by_firms[j].offers for j in by_ids])
    else:
        (pk_offers, by_offers), pk_local, by_local = indexes, pairs.pk, pairs.by
    ab_row, ab_sim = pk_offers.best(pk_local, engine.by.seek.take(pairs.by))
    ba_row, ba_sim = by_offers.best(by_local, engine.pk.seek.take(pairs.pk))
    common = _common_concepts(engine, pairs)
    # Plain lists and per-firm strings: this loop runs once per proposal.
    pk_firms, by_firms = engine.pk_firms, engine.by_firms
    pk_names = [_name(f) for f in pk_firms]
    by_names = [_name(f) for f in by_firms]
    ab_quote = [pk_offers.quotes[r] if ok else "" for r, ok in _rows_ok(ab_row, ab_sim)]
    ba_quote = [by_offers.quotes[r] if ok else "" for r, ok in _rows_ok(ba_row, ba_sim)]
    reasons: list[list[str]] = []
    for p, (i, j) in enumerate(zip(pairs.pk.tolist(), pairs.by.tolist(), strict=True)):
        a, b = pk_firms[i], by_firms[j]
        a_name, b_name = pk_names[i], by_names[j]
        lines = list(_sector_reasons(a.sectors, b.sectors))
        if ab_quote[p]:
            lines.append(f"{a_name} offers what {b_name} seeks: {ab_quote[p]}")
        if ba_quote[p]:
            lines.append(f"{b_name} offers what {a_name} seeks: {ba_quote[p]}")
        fitting = _fitting_types(a.offer_types, b.seek_types)
        if fitting:
            lines.append(f"{a_name} offers {fitting}, which {b_name} is looking for.")
        fitting = _fitting_types(b.offer_types, a.seek_types)
        if fitting:
            lines.append(f"{b_name} offers {fitting}, which {a_name} is looking for.")
        if common[p]:
            lines.append(common[p])
        if not lines:
            lines.append(f"The profiles of {a_name} and {b_name} complement each other.")
        reasons.append(lines)
    return reasons


def _rows_ok(rows: np.ndarray, sims: np.ndarray):
    return zip(rows.tolist(), (sims >= MIN_QUOTE_FIT).tolist(), strict=True)


CONCEPT_WORDS = {
    "agrimachine": "farm machinery",
    "agronomy": "crops and seed",
    "coldchain": "cold chain",
    "electrosurgery": "electrosurgery",
    "haulmachine": "mining and earth-moving machines",
    "hometextile": "home textiles",
    "ironore": "iron ore",
    "jointventure": "joint venture and investment",
    "licence": "licensing",
    "manufacture": "manufacturing",
    "precious": "gold and silver",
}


def _common_concepts(engine: MatchEngine, pairs: PairSet) -> list[str]:
    """ "Common ground: ..." naming the glossary concepts both firms use, per pair ("" if none).
    Concept sets are bit masks, so a pair costs one AND and a cached lookup."""
    assert engine.pk is not None and engine.by is not None
    names = [CONCEPT_WORDS.get(c, c) for c in engine.space.concept_names()]
    pk_bits = _bits((engine.pk.offer.concepts > 0) | (engine.pk.seek.concepts > 0))
    by_bits = _bits((engine.by.offer.concepts > 0) | (engine.by.seek.concepts > 0))
    shared = pk_bits[pairs.pk] & by_bits[pairs.by]
    cache: dict[tuple[int, ...], str] = {}
    out = []
    for key in map(tuple, shared.tolist()):
        text = cache.get(key)
        if text is None:
            found = [
                names[word * 63 + bit]
                for word, value in enumerate(key)
                for bit in range(63)
                if value >> bit & 1
            ]
            text = "Common ground: " + ", ".join(found[:6]) + "." if found else ""
            cache[key] = text
        out.append(text)
    return out


def _bits(has: np.ndarray) -> np.ndarray:
    """Boolean rows (n, C) as (n, ceil(C / 63)) int64 bit masks."""
    words = -(-has.shape[1] // 63) or 1
    padded = np.zeros((has.shape[0], words * 63), dtype=bool)
    padded[:, : has.shape[1]] = has
    weights = (1 << np.arange(63, dtype=np.int64)).astype(np.int64)
    return (padded.reshape(has.shape[0], words, 63) * weights).sum(axis=2).astype(np.int64)


def _name(firm: FirmProfile) -> str:
    return firm.name or firm.ref


@lru_cache(maxsize=4096)
def _sector_reasons(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    shared = [s for s in a if s in b]
    if shared:
        return ("Both work in " + _join([SECTOR_WORDS.get(s, s) for s in shared]) + ".",)
    related = sorted(((relatedness(x, y), x, y) for x in a for y in b), reverse=True)
    if related and related[0][0] >= 0.3:
        _, x, y = related[0]
        return (f"Related sectors: {SECTOR_WORDS.get(x, x)} and {SECTOR_WORDS.get(y, y)}.",)
    return ()


@lru_cache(maxsize=4096)
def _fitting_types(offered: tuple[str, ...], sought: tuple[str, ...]) -> str:
    return _join([TYPE_WORDS.get(t, t) for t in offered if t in sought])


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
