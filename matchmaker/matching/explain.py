"""Reasons for a proposal, as codes with parameters (reasons.py renders them): shared or
related sectors, what one side offers that the other seeks (a whole sentence of the firm's own
words), fitting cooperation types, closeness in meaning and common glossary themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from matchmaker.matching.features import FeatureSpace, FirmProfile, TextMatrix, split_sentences
from matchmaker.matching.model import MatchEngine
from matchmaker.matching.reasons import Reason
from matchmaker.matching.scoring import SIGNALS, PairSet
from matchmaker.matching.taxonomy import relatedness

QUOTE_LIMIT = 300  # characters; a longer sentence is cut at a word
MIN_QUOTE_FIT = 0.04
CLOSE_IN_MEANING = 0.5  # the meaning signal from which it is named as a reason


def _quote(sentence: str) -> str:
    sentence = sentence.strip()
    if len(sentence) > QUOTE_LIMIT:
        sentence = sentence[: QUOTE_LIMIT - 1].rsplit(" ", 1)[0] + "…"
    return sentence


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
            parts = list(split_sentences(text)) or [""]
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
        order = np.lexsort((-sims, pair_of))
        firsts = np.r_[0, np.cumsum(counts)[:-1]]
        return rows[order[firsts]], sims[order[firsts]]


def sentence_indexes(engine: MatchEngine) -> tuple[SentenceIndex, SentenceIndex]:
    """The offers of every PK and every BY firm, sentence by sentence (for a full run, where
    reasons are written in several batches)."""
    return (
        SentenceIndex.build(engine.space_, [f.offers for f in engine.pk_firms_]),
        SentenceIndex.build(engine.space_, [f.offers for f in engine.by_firms_]),
    )


_MEANING = SIGNALS.index("meaning")


def explain(
    engine: MatchEngine,
    pairs: PairSet,
    indexes: tuple[SentenceIndex, SentenceIndex] | None = None,
) -> list[list[Reason]]:
    """Reasons for every pair, in the order of `pairs`. Never an empty list."""
    if len(pairs) == 0:
        return []
    space = engine.space_
    pk_ids, pk_local = np.unique(pairs.pk, return_inverse=True)
    by_ids, by_local = np.unique(pairs.by, return_inverse=True)
    pk_side, by_side = engine._subset("PK", pk_ids), engine._subset("BY", by_ids)
    if indexes is None:
        # Only the firms in these pairs are split into sentences (cheap for one refreshed firm).
        pk_offers = SentenceIndex.build(space, [engine.pk_firms_[i].offers for i in pk_ids])
        by_offers = SentenceIndex.build(space, [engine.by_firms_[j].offers for j in by_ids])
        ab_owner, ba_owner = pk_local, by_local
    else:
        (pk_offers, by_offers), ab_owner, ba_owner = indexes, pairs.pk, pairs.by
    ab_row, ab_sim = pk_offers.best(ab_owner, by_side.seek.take(by_local))
    ba_row, ba_sim = by_offers.best(ba_owner, pk_side.seek.take(pk_local))
    common = _common_concepts(engine, pk_side, by_side, pk_local, by_local)
    close = (pairs.signals[:, _MEANING] >= CLOSE_IN_MEANING).tolist()
    # Plain lists and per-firm strings: this loop runs once per proposal.
    pk_firms, by_firms = engine.pk_firms_, engine.by_firms_
    pk_names = [_name(f) for f in pk_firms]
    by_names = [_name(f) for f in by_firms]
    ab_quote = [pk_offers.quotes[r] if ok else "" for r, ok in _rows_ok(ab_row, ab_sim)]
    ba_quote = [by_offers.quotes[r] if ok else "" for r, ok in _rows_ok(ba_row, ba_sim)]
    reasons: list[list[Reason]] = []
    for p, (i, j) in enumerate(zip(pairs.pk.tolist(), pairs.by.tolist(), strict=True)):
        a, b = pk_firms[i], by_firms[j]
        a_name, b_name = pk_names[i], by_names[j]
        lines: list[Reason] = [dict(r) for r in _sector_reasons(a.sectors, b.sectors)]
        for quote, firm, partner in ((ab_quote[p], a_name, b_name), (ba_quote[p], b_name, a_name)):
            if quote:
                lines.append(
                    {"code": "offers_what_seeks", "firm": firm, "partner": partner, "quote": quote}
                )
        for offered, sought, firm, partner in (
            (a.offer_types, b.seek_types, a_name, b_name),
            (b.offer_types, a.seek_types, b_name, a_name),
        ):
            fitting = _fitting_types(offered, sought)
            if fitting:
                lines.append(
                    {"code": "types_fit", "firm": firm, "partner": partner, "types": fitting}
                )
        if close[p]:
            lines.append({"code": "close_in_meaning"})
        if common[p]:
            lines.append({"code": "common_ground", "concepts": list(common[p])})
        if not lines:
            lines.append({"code": "complement", "firm": a_name, "partner": b_name})
        reasons.append(lines)
    return reasons


def _rows_ok(rows: np.ndarray, sims: np.ndarray):
    return zip(rows.tolist(), (sims >= MIN_QUOTE_FIT).tolist(), strict=True)


def _common_concepts(engine, pk, by, pk_rows, by_rows) -> list[tuple[str, ...]]:
    """The glossary concepts both firms use (at most six), per pair (row pk_rows[p] of `pk`
    with row by_rows[p] of `by`). Concept sets are bit masks, so a pair costs one AND and a
    cached lookup."""
    names = engine.space_.concept_names()
    pk_bits = _bits((pk.offer.concepts > 0) | (pk.seek.concepts > 0))
    by_bits = _bits((by.offer.concepts > 0) | (by.seek.concepts > 0))
    shared = pk_bits[pk_rows] & by_bits[by_rows]
    cache: dict[tuple[int, ...], tuple[str, ...]] = {}
    out = []
    for key in map(tuple, shared.tolist()):
        found = cache.get(key)
        if found is None:
            found = tuple(
                names[word * 63 + bit]
                for word, value in enumerate(key)
                for bit in range(63)
                if value >> bit & 1
            )[:6]
            cache[key] = found
        out.append(found)
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
def _sector_reasons(
    a: tuple[str, ...], b: tuple[str, ...]
) -> tuple[tuple[tuple[str, object], ...], ...]:
    shared = [s for s in a if s in b]
    if shared:
        return ((("code", "sectors_shared"), ("sectors", tuple(shared))),)
    related = sorted(((relatedness(x, y), x, y) for x in a for y in b), reverse=True)
    if related and related[0][0] >= 0.3:
        _, x, y = related[0]
        return ((("code", "sectors_related"), ("sectors", (x, y))),)
    return ()


@lru_cache(maxsize=4096)
def _fitting_types(offered: tuple[str, ...], sought: tuple[str, ...]) -> list[str]:
    return [t for t in offered if t in sought]
