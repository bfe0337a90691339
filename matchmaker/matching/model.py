"""The matching engine: reciprocal complementarity of two firms, scored in [0, 1].

Signals and scorers are in scoring.py; vectors in features.py. Every PK x BY pair is scored
exactly, block by block of PK rows, keeping only each firm's best.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from matchmaker.matching.embedding import (
    Embedder,
    default_embedder,
    embed_profiles,
    field_texts,
)
from matchmaker.matching.features import FeatureSpace, FirmProfile, SideCounts, SideMatrices
from matchmaker.matching.hubness import Neighbours
from matchmaker.matching.scoring import (
    SIGNALS,
    DefaultWeights,
    LearnedWeights,
    Meaning,
    PairSet,
    Scorer,
    Transposed,
    block_scores,
    empty_pairs,
    pair_signals,
    top_k_union,
)
from matchmaker.matching.topk import TopK, col_best, merge, row_best

__all__ = [
    "BLOCK_CELLS",
    "ENGINE_VERSION",
    "SIGNALS",
    "DefaultWeights",
    "LearnedWeights",
    "MatchEngine",
    "PairSet",
    "Scorer",
]

ENGINE_VERSION = "4.0"  # 4.0: profile passages against seeks, hubness-corrected (CSLS)
BLOCK_CELLS = 12_000_000  # pairs scored at once (about 48 MB per signal)
# Neighbours of the hubness correction: 3, 5 and 10 all gave hits@1 0.917-0.950 on both
# development files (README, "How matching works"); 5 is the middle of that plateau.
HUB_K = 5
Vectors = Mapping[str, np.ndarray]  # firm ref -> (len(embedding.FIELDS), dim) float32


class MatchEngine(BaseEstimator):
    """Fit on all firms, then propose pairs. Deterministic for the same input.

    Parameters: `scorer` (a `Scorer`; default `DefaultWeights()`), `embedder` (an
    `embedding.Embedder`; default the process-wide e5 model), `top_k` (partners per firm),
    `hub_k` (the neighbours of the hubness correction, hubness.py; 0: none).

    Public surface: `fit(firms, vectors)`, `propose(top_k=None)`, `rank_for(index, country)`,
    `score_pairs(i, j)`, `upsert_firm(firm, vectors)`, `pairs_for(index, country)`,
    `index_of(ref, country)`. Fitted attributes: `space_`, `pk_firms_`, `by_firms_`,
    `pk_counts_`, `by_counts_`, `pk_vectors_`, `by_vectors_`, `neighbours_` (each firm's
    nearest cosines in both meaning directions, for the hubness correction), `bar_pk_`,
    `bar_by_` (each firm's k-th best score at the last `propose`, the bar a changed partner
    must pass) and `engine_version_`. Methods before `fit` raise sklearn's `NotFittedError`."""

    def __init__(
        self,
        scorer: Scorer | None = None,
        embedder: Embedder | None = None,
        top_k: int = 10,
        hub_k: int = HUB_K,
    ) -> None:
        self.scorer = scorer
        self.embedder = embedder
        self.top_k = top_k
        self.hub_k = hub_k

    # A snapshot keeps parameters and fitted attributes (and, through BaseEstimator, the
    # scikit-learn version), not the matrices derived from them.
    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_matrices", None)
        return state

    def fit(self, firms: Sequence[FirmProfile], vectors: Vectors | None = None) -> MatchEngine:
        """Learn the vocabulary and word frequencies of `firms`; `vectors` are their stored
        embeddings by ref (texts without one are embedded now)."""
        self.engine_version_ = ENGINE_VERSION
        self.embedder_name_ = self._embedder().name
        self.space_ = FeatureSpace()
        self.pk_firms_ = sorted((f for f in firms if f.country == "PK"), key=lambda f: f.ref)
        self.by_firms_ = sorted((f for f in firms if f.country == "BY"), key=lambda f: f.ref)
        self.pk_counts_ = self.space_.count(self.pk_firms_)
        self.by_counts_ = self.space_.count(self.by_firms_)
        for counts in (self.pk_counts_, self.by_counts_):
            self.space_.learn(counts.profile)
        self.pk_vectors_ = self._vectors(self.pk_firms_, vectors)
        self.by_vectors_ = self._vectors(self.by_firms_, vectors)
        self.neighbours_ = None
        if self.hub_k:
            self.neighbours_ = {
                "ab": Neighbours.fit(self.pk_vectors_[:, 0], self.by_vectors_[:, 1], self.hub_k),
                "ba": Neighbours.fit(self.pk_vectors_[:, 1], self.by_vectors_[:, 0], self.hub_k),
            }
        self.bar_pk_ = np.zeros(len(self.pk_firms_))
        self.bar_by_ = np.zeros(len(self.by_firms_))
        self._matrices: dict[str, SideMatrices] = {}
        return self

    def _embedder(self) -> Embedder:
        return self.embedder if self.embedder is not None else default_embedder()

    def _scorer(self) -> Scorer:
        return self.scorer if self.scorer is not None else DefaultWeights()

    def _vectors(self, firms: Sequence[FirmProfile], given: Vectors | None) -> np.ndarray:
        embedder = self._embedder()
        out = np.zeros((len(firms), 2, embedder.dim), dtype=np.float32)
        missing = []
        for n, firm in enumerate(firms):
            found = None if given is None else given.get(firm.ref)
            if found is None:
                missing.append(n)
            else:
                out[n] = found
        if missing:
            out[missing] = embed_profiles(
                embedder,
                [
                    field_texts(firms[n].offers, firms[n].seeks, firms[n].description)
                    for n in missing
                ],
            )
        return out

    def _with_hubs(self, country: str, side: SideMatrices, rows=None) -> SideMatrices:
        """`side` (the firms `rows` of one country, default all) with their hub values. With
        fewer than 2 * hub_k firms on a side there are none: a firm's k nearest would be
        (nearly) all of the other side, and with one firm there its hub is the very cosine
        being corrected."""
        if self.__dict__.get("neighbours_") is None:
            return side
        if min(len(self.pk_firms_), len(self.by_firms_)) < 2 * self.hub_k:
            return side
        part = "rows" if country == "PK" else "cols"
        ab = getattr(self.neighbours_["ab"], part).hub()
        ba = getattr(self.neighbours_["ba"], part).hub()
        if rows is not None:
            ab, ba = ab[rows], ba[rows]
        side.hub_ab, side.hub_ba = ab, ba
        return side

    def _side(self, country: str) -> SideMatrices:
        check_is_fitted(self, "space_")
        cache = self.__dict__.setdefault("_matrices", {})
        if country not in cache:
            if country == "PK":
                side = self.space_.matrices(self.pk_firms_, self.pk_counts_, self.pk_vectors_)
            else:
                side = self.space_.matrices(self.by_firms_, self.by_counts_, self.by_vectors_)
            cache[country] = self._with_hubs(country, side)
        return cache[country]

    def _subset(self, country: str, rows: np.ndarray) -> SideMatrices:
        """The vectors of some firms of one side: taken from the side's matrices when they are
        current, else computed for those rows only (after a change, refreshing one firm then
        needs the other side whole but only its own row)."""
        cache = self.__dict__.setdefault("_matrices", {})
        firms = self.pk_firms_ if country == "PK" else self.by_firms_
        if country in cache or len(rows) * 2 > len(firms):
            return self._side(country).take(rows)
        counts = self.pk_counts_ if country == "PK" else self.by_counts_
        vectors = self.pk_vectors_ if country == "PK" else self.by_vectors_
        side = self.space_.matrices([firms[r] for r in rows], counts.take(rows), vectors[rows])
        return self._with_hubs(country, side, rows)

    def _meaning(self) -> Meaning:
        embedder = self._embedder()
        return Meaning(embedder.rescale, float(embedder.neighbour_cosine))

    def index_of(self, ref: str, country: str) -> int | None:
        check_is_fitted(self, "space_")
        firms = self.pk_firms_ if country == "PK" else self.by_firms_
        return next((n for n, f in enumerate(firms) if f.ref == ref), None)

    def score_pairs(self, i: np.ndarray, j: np.ndarray) -> PairSet:
        check_is_fitted(self, "space_")
        pk_rows, i_local = np.unique(i, return_inverse=True)
        by_rows, j_local = np.unique(j, return_inverse=True)
        pk, by = self._subset("PK", pk_rows), self._subset("BY", by_rows)
        signals = pair_signals(pk, by, i_local.ravel(), j_local.ravel(), self._meaning())
        score = self._scorer().score(signals.astype(np.float64))
        return PairSet(pk=i, by=j, signals=signals, score=score)

    def propose(self, top_k: int | None = None, progress=None) -> PairSet:
        """The union of every firm's top_k partners (default: the `top_k` parameter), from
        both sides; also sets the bars `bar_pk_` / `bar_by_`."""
        k = top_k or self.top_k
        pk, by = self._side("PK"), self._side("BY")
        n_pk, n_by = len(pk), len(by)
        if not n_pk or not n_by:
            return empty_pairs()
        scorer, meaning = self._scorer(), self._meaning()
        # Keep a margin beyond k so that ties at the k-th place resolve by ref, not by chance.
        keep = min(2 * k, n_by)
        columns = TopK.empty(n_by, min(2 * k, n_pk))
        by_t = Transposed.of(by)
        found_rows, found_cols = [], []
        step = max(1, BLOCK_CELLS // n_by)
        for start in range(0, n_pk, step):
            rows = np.arange(start, min(start + step, n_pk))
            score = block_scores(pk.take(rows), by, scorer, meaning, by_t)
            best = row_best(score, keep)[1]
            found_rows.append(np.repeat(rows, best.shape[1]))
            found_cols.append(best.ravel())
            columns = merge(columns, *_offset(col_best(score, columns.k), start))
            if progress is not None:
                progress(min(start + step, n_pk) / n_pk)
        listed = columns.index >= 0  # fewer PK firms than the places kept per column
        col_rows = columns.index[listed]
        col_cols = np.broadcast_to(np.arange(n_by)[:, None], columns.index.shape)[listed]
        keys = np.unique(
            np.concatenate([*found_rows, col_rows]).astype(np.int64) * n_by
            + np.concatenate([*found_cols, col_cols])
        )
        # Every candidate is rescored from its separate signals (kept with the proposal).
        candidates = self.score_pairs(keys // n_by, keys % n_by)
        chosen, self.bar_pk_, self.bar_by_ = top_k_union(candidates, k, n_pk, n_by)
        return candidates.subset(chosen)

    def rank_for(self, firm_index: int, country: str) -> PairSet:
        """Every partner of one firm, scored (for evaluation and incremental refresh)."""
        n_partners = len(self.by_firms_ if country == "PK" else self.pk_firms_)
        partners = np.arange(n_partners)
        mine = np.full_like(partners, firm_index)
        if country == "PK":
            return self.score_pairs(mine, partners)
        return self.score_pairs(partners, mine)

    def upsert_firm(self, firm: FirmProfile, vectors: np.ndarray | None = None) -> int:
        """Put one new or edited firm into the fitted space; its index. Its words count in the
        word frequencies as in a fit on the same firms (new words included)."""
        check_is_fitted(self, "space_")
        other = "BY" if firm.country == "PK" else "PK"
        if self.index_of(firm.ref, other) is not None:  # the firm changed its country
            self._remove(firm.ref, other)
        pk_side = firm.country == "PK"
        firms = self.pk_firms_ if pk_side else self.by_firms_
        counts: SideCounts = self.pk_counts_ if pk_side else self.by_counts_
        stored = self.pk_vectors_ if pk_side else self.by_vectors_
        index = self.index_of(firm.ref, firm.country)
        row = self.space_.count([firm])
        if index is not None:
            self.space_.forget(counts.profile[index])
        self.space_.learn(row.profile)
        given = None if vectors is None else {firm.ref: vectors}
        vector = self._vectors([firm], given)
        counts = counts.replaced(index, row)
        if index is None:
            firms.append(firm)
            index = len(firms) - 1
            stored = np.concatenate([stored, vector])
            bar = np.r_[self.bar_pk_ if pk_side else self.bar_by_, 0.0]
        else:
            firms[index] = firm
            stored = stored.copy()
            stored[index] = vector[0]
            bar = self.bar_pk_ if pk_side else self.bar_by_
        if pk_side:
            self.pk_counts_, self.pk_vectors_, self.bar_pk_ = counts, stored, bar
        else:
            self.by_counts_, self.by_vectors_, self.bar_by_ = counts, stored, bar
        self._neighbours_changed(firm.country, index, removed=False)
        self._matrices = {}  # word weights changed: both sides are recomputed when needed
        return index

    def _neighbours_changed(self, country: str, index: int, removed: bool) -> None:
        """Keep the nearest cosines exact after firm `index` of `country` changed (or left)."""
        if self.__dict__.get("neighbours_") is None:
            return
        pk, by = self.pk_vectors_, self.by_vectors_
        if country == "PK":  # rows: PK profile vs BY seeks (ab), PK seeks vs BY profile (ba)
            plan = (("ab", "rows", pk[:, 0], by[:, 1]), ("ba", "rows", pk[:, 1], by[:, 0]))
        else:
            plan = (("ab", "cols", by[:, 1], pk[:, 0]), ("ba", "cols", by[:, 0], pk[:, 1]))
        for direction, part, mine, other in plan:
            neighbours = self.neighbours_[direction]
            if removed:
                neighbours.removed(part, index, mine, other)
            else:
                neighbours.changed(part, index, mine, other)

    def _remove(self, ref: str, country: str) -> None:
        index = self.index_of(ref, country)
        keep = np.arange(len(self.pk_firms_ if country == "PK" else self.by_firms_)) != index
        if country == "PK":
            self.space_.forget(self.pk_counts_.profile[index])
            self.pk_firms_ = [f for n, f in enumerate(self.pk_firms_) if n != index]
            self.pk_counts_ = self.pk_counts_.take(keep)
            self.pk_vectors_, self.bar_pk_ = self.pk_vectors_[keep], self.bar_pk_[keep]
        else:
            self.space_.forget(self.by_counts_.profile[index])
            self.by_firms_ = [f for n, f in enumerate(self.by_firms_) if n != index]
            self.by_counts_ = self.by_counts_.take(keep)
            self.by_vectors_, self.bar_by_ = self.by_vectors_[keep], self.bar_by_[keep]
        self._neighbours_changed(country, index, removed=True)
        self._matrices = {}

    def pairs_for(self, firm_index: int, country: str, top_k: int | None = None) -> PairSet:
        """One firm's proposals: its own top k, plus every partner whose top k it now enters."""
        k = top_k or self.top_k
        ranked = self.rank_for(firm_index, country)
        partner = ranked.by if country == "PK" else ranked.pk
        bar = self.bar_by_ if country == "PK" else self.bar_pk_
        order = np.lexsort((partner, -ranked.score))
        keep = np.zeros(len(partner), dtype=bool)
        keep[order[:k]] = True
        keep |= ranked.score >= bar[partner]
        keep &= ranked.score > 0
        return ranked.subset(keep)

    # Compatibility for readers of the firm lists (explain, services).
    @property
    def pk_firms(self) -> list[FirmProfile]:
        check_is_fitted(self, "space_")
        return self.pk_firms_

    @property
    def by_firms(self) -> list[FirmProfile]:
        check_is_fitted(self, "space_")
        return self.by_firms_


def _offset(found: tuple[np.ndarray, np.ndarray], start: int) -> tuple[np.ndarray, np.ndarray]:
    """A block's (values, row indices) with the indices made global (padding stays -1)."""
    values, index = found
    return values, np.where(index >= 0, index + start, -1)
