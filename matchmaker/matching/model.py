"""The matching model: reciprocal complementarity of two firms, scored in [0, 1].

For a Pakistani firm A and a Belarusian firm B the engine measures
- fit_ab: how well A's offers meet B's seeks, fit_ba: B's offers against A's seeks
  (cosines of word + glossary-concept TF-IDF vectors, see features.py);
- reciprocal: the geometric mean of the two, so a one-way fit ranks below a two-way fit;
- topic: how close the two whole profiles are; sector: soft sector overlap (related sectors
  count partly); types: A's offered cooperation types against B's sought ones and back.
A scorer combines those signals: documented default weights, or weights fitted to EDB decisions.
Every pair is scored exactly, block by block of PK rows, keeping only each firm's best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numexpr
import numpy as np
import scipy.sparse as sp

from matchmaker.matching.features import FeatureSpace, FirmProfile, SideMatrices

ENGINE_VERSION = "2.0"
SIGNALS: tuple[str, ...] = ("fit_ab", "fit_ba", "reciprocal", "topic", "sector", "types")
BLOCK_CELLS = 12_000_000  # pairs scored at once (about 48 MB per signal)


@dataclass(frozen=True)
class DefaultWeights:
    """The weights used until enough EDB decisions exist to fit them (see README)."""

    fit_ab: float = 0.05
    fit_ba: float = 0.05
    reciprocal: float = 0.45
    topic: float = 0.15
    sector: float = 0.20
    types: float = 0.10

    logistic = False
    bias = 0.0

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, s) for s in SIGNALS], dtype=np.float64)

    def weights(self) -> dict[str, float]:
        """Weights of the linear combination (summing to 1, so the score stays in [0, 1])."""
        total = self.vector().sum()
        return {name: float(getattr(self, name) / total) for name in SIGNALS}

    def score(self, signals: np.ndarray) -> np.ndarray:
        return _link(signals @ np.array(list(self.weights().values())), self)


@dataclass(frozen=True)
class LearnedWeights:
    """A logistic model over the signals, fitted to approve/reject decisions."""

    coef: tuple[float, ...]
    intercept: float
    logistic = True

    @property
    def bias(self) -> float:
        return self.intercept

    def weights(self) -> dict[str, float]:
        return dict(zip(SIGNALS, self.coef, strict=True))

    def score(self, signals: np.ndarray) -> np.ndarray:
        return _link(signals @ np.asarray(self.coef) + self.intercept, self)


Scorer = DefaultWeights | LearnedWeights


def _link(z: np.ndarray, scorer: Scorer) -> np.ndarray:
    if scorer.logistic:
        return 1.0 / (1.0 + np.exp(-z))
    return np.clip(z, 0.0, 1.0)


@dataclass
class PairSet:
    """Scored pairs: pk[i], by[i] index the PK and BY firm lists."""

    pk: np.ndarray
    by: np.ndarray
    signals: np.ndarray  # (n, len(SIGNALS))
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.pk)

    def subset(self, keep: np.ndarray) -> PairSet:
        return PairSet(self.pk[keep], self.by[keep], self.signals[keep], self.score[keep])

    @staticmethod
    def concat(parts: Sequence[PairSet]) -> PairSet:
        if not parts:
            return empty_pairs()
        return PairSet(
            np.concatenate([p.pk for p in parts]),
            np.concatenate([p.by for p in parts]),
            np.vstack([p.signals for p in parts]),
            np.concatenate([p.score for p in parts]),
        )


def empty_pairs() -> PairSet:
    none = np.zeros(0, dtype=np.int64)
    return PairSet(none, none, np.zeros((0, len(SIGNALS)), dtype=np.float32), np.zeros(0))


def _take(side: SideMatrices, rows: np.ndarray) -> SideMatrices:
    return SideMatrices(
        offer=side.offer.take(rows),
        seek=side.seek.take(rows),
        profile=side.profile.take(rows),
        sector=side.sector[rows],
        offer_types=side.offer_types[rows],
        seek_types=side.seek_types[rows],
    )


@dataclass
class _Transposed:
    """Word blocks of one side, transposed once for the block products."""

    offer: sp.csr_matrix
    seek: sp.csr_matrix
    profile: sp.csr_matrix

    @classmethod
    def of(cls, side: SideMatrices) -> _Transposed:
        return cls(*(m.words.T.tocsr() for m in (side.offer, side.seek, side.profile)))


def block_scores(
    pk: SideMatrices, by: SideMatrices, scorer: Scorer, by_t: _Transposed | None = None
) -> np.ndarray:
    """Scores of every pair of the given PK rows and BY rows, (n_pk, n_by) float32.

    Only the two one-way fits are needed separately (for their geometric mean); every other
    signal enters linearly, so they are summed by one dense product of stacked features."""
    t = by_t or _Transposed.of(by)
    w = {k: np.float32(v) for k, v in scorer.weights().items()}
    ab = pk.offer.cross(by.seek, t.seek)
    ba = pk.seek.cross(by.offer, t.offer)
    left = np.hstack(
        [
            w["topic"] * pk.profile.concepts,
            w["sector"] * pk.sector,
            (w["types"] / 2) * pk.offer_types,
            (w["types"] / 2) * pk.seek_types,
        ]
    )
    right = np.hstack([by.profile.concepts, by.sector, by.seek_types, by.offer_types])
    linear = left @ right.T
    linear += ((pk.profile.words * w["topic"]) @ t.profile).toarray()
    z = numexpr.evaluate(
        "linear + bias + w_ab * ab + w_ba * ba + w_r * sqrt(ab * ba)",
        local_dict={
            "linear": linear,
            "ab": ab,
            "ba": ba,
            "bias": np.float32(scorer.bias),
            "w_ab": w["fit_ab"],
            "w_ba": w["fit_ba"],
            "w_r": w["reciprocal"],
        },
    )
    if scorer.logistic:
        return numexpr.evaluate("1 / (1 + exp(-z))", local_dict={"z": z})
    # Default weights sum to 1 over signals in [0, 1]: z is in range up to rounding, and the
    # chosen pairs are rescored (and clipped) exactly afterwards.
    return z


def pair_signals(pk: SideMatrices, by: SideMatrices, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The signals of the listed pairs only, (n, len(SIGNALS))."""
    out = np.zeros((len(i), len(SIGNALS)), dtype=np.float32)
    step = 200_000
    for start in range(0, len(i), step):
        a, b = _take(pk, i[start : start + step]), _take(by, j[start : start + step])
        block = out[start : start + step]
        block[:, 0] = a.offer.pair_dot(b.seek)
        block[:, 1] = a.seek.pair_dot(b.offer)
        block[:, 3] = a.profile.pair_dot(b.profile)
        block[:, 4] = np.einsum("ij,ij->i", a.sector, b.sector)
        block[:, 5] = 0.5 * (
            np.einsum("ij,ij->i", a.offer_types, b.seek_types)
            + np.einsum("ij,ij->i", a.seek_types, b.offer_types)
        )
    np.clip(out, 0.0, 1.0, out=out)
    out[:, 2] = np.sqrt(out[:, 0] * out[:, 1])
    return out


class _ColumnBest:
    """The best `keep` rows of every column so far; a bar per column lets most of each new
    block be skipped with one comparison."""

    def __init__(self, n_cols: int, keep: int) -> None:
        self.keep = keep
        self.bar = np.full(n_cols, -np.inf, dtype=np.float32)
        self.rows = np.zeros(0, dtype=np.int64)
        self.cols = np.zeros(0, dtype=np.int64)
        self.score = np.zeros(0, dtype=np.float32)

    def add(self, rows: np.ndarray, score: np.ndarray) -> None:
        r, c = np.nonzero(score >= self.bar[None, :])
        if len(r) > self.keep * score.shape[1]:
            # First blocks: most cells pass the bar, so take each column's best directly.
            take = min(self.keep, score.shape[0])
            r = np.argpartition(-score, take - 1, axis=0)[:take].ravel()
            c = np.tile(np.arange(score.shape[1]), take)
        all_rows = np.concatenate([self.rows, rows[r]])
        all_cols = np.concatenate([self.cols, c])
        all_score = np.concatenate([self.score, score[r, c]])
        order = np.lexsort((-all_score, all_cols))
        rank = _rank_within(all_cols[order])
        at_bar = order[rank == self.keep - 1]
        self.bar[all_cols[at_bar]] = all_score[at_bar]
        kept = order[rank < self.keep]
        self.rows, self.cols, self.score = all_rows[kept], all_cols[kept], all_score[kept]


def _rank_within(sorted_groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    if not len(sorted_groups):
        return sorted_groups
    starts = np.flatnonzero(np.r_[True, np.diff(sorted_groups) != 0])
    return np.arange(len(sorted_groups)) - np.repeat(
        starts, np.diff(np.r_[starts, len(sorted_groups)])
    )


def top_k_union(
    pairs: PairSet, k: int, n_pk: int, n_by: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the pairs in some firm's top k (either side), ties broken by the partner's
    index (= ref order), and each firm's k-th best score (the bar a newcomer must pass)."""
    keep = np.zeros(len(pairs), dtype=bool)
    bars = []
    for group, partner, size in ((pairs.pk, pairs.by, n_pk), (pairs.by, pairs.pk, n_by)):
        order = np.lexsort((partner, -pairs.score, group))
        rank = _rank_within(group[order])
        keep[order[rank < k]] = True
        bar = np.zeros(size)
        at_k = order[rank == k - 1]
        bar[group[at_k]] = pairs.score[at_k]
        bars.append(bar)
    return np.flatnonzero(keep), bars[0], bars[1]


def _unique_pairs(pairs: PairSet, n_by: int) -> PairSet:
    keys = pairs.pk.astype(np.int64) * n_by + pairs.by
    _, first = np.unique(keys, return_index=True)
    return pairs.subset(np.sort(first))


@dataclass
class MatchEngine:
    """Fit on all firms, then propose pairs. Deterministic for the same input."""

    scorer: Scorer = field(default_factory=DefaultWeights)
    space: FeatureSpace = field(default_factory=FeatureSpace)
    pk_firms: list[FirmProfile] = field(default_factory=list)
    by_firms: list[FirmProfile] = field(default_factory=list)
    pk: SideMatrices | None = None
    by: SideMatrices | None = None
    top_k: int = 10
    bar_pk: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bar_by: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def __getstate__(self) -> dict:
        # Firms as columns of plain values: unpickling 10,000s of objects is what makes a
        # saved engine slow to load, columns of strings load at C speed.
        state = dict(self.__dict__)
        for key in ("pk_firms", "by_firms"):
            state[key] = _columns(state[key])
        return state

    def __setstate__(self, state: dict) -> None:
        for key in ("pk_firms", "by_firms"):
            if isinstance(state[key], dict):
                state[key] = _rows(state[key])
        self.__dict__.update(state)

    def fit(self, firms: Sequence[FirmProfile]) -> MatchEngine:
        self.pk_firms = sorted((f for f in firms if f.country == "PK"), key=lambda f: f.ref)
        self.by_firms = sorted((f for f in firms if f.country == "BY"), key=lambda f: f.ref)
        self.pk, self.by = self.space.fit_sides(self.pk_firms, self.by_firms)
        self.bar_pk = np.zeros(len(self.pk_firms))
        self.bar_by = np.zeros(len(self.by_firms))
        return self

    def _sides(self) -> tuple[SideMatrices, SideMatrices]:
        assert self.pk is not None and self.by is not None, "fit first"
        return self.pk, self.by

    def score_pairs(self, i: np.ndarray, j: np.ndarray) -> PairSet:
        pk, by = self._sides()
        signals = pair_signals(pk, by, i, j)
        score = self.scorer.score(signals.astype(np.float64))
        return PairSet(pk=i, by=j, signals=signals, score=score)

    def propose(self, top_k: int = 10, progress=None) -> PairSet:
        """The union of every firm's top_k partners, from both sides."""
        pk, by = self._sides()
        n_pk, n_by = len(pk), len(by)
        self.top_k = top_k
        if not n_pk or not n_by:
            return empty_pairs()
        # Keep a margin beyond k so that ties at the k-th place resolve by ref, not by chance.
        keep = min(2 * top_k, n_by)
        columns = _ColumnBest(n_by, min(2 * top_k, n_pk))
        by_t = _Transposed.of(by)
        found_rows, found_cols = [], []
        step = max(1, BLOCK_CELLS // n_by)
        for start in range(0, n_pk, step):
            rows = np.arange(start, min(start + step, n_pk))
            score = block_scores(_take(pk, rows), by, self.scorer, by_t)
            if keep < n_by:
                best = np.argpartition(-score, keep - 1, axis=1)[:, :keep]
            else:
                best = np.broadcast_to(np.arange(n_by)[None, :], score.shape)
            found_rows.append(np.repeat(rows, best.shape[1]))
            found_cols.append(best.ravel())
            columns.add(rows, score)
            if progress is not None:
                progress(min(start + step, n_pk) / n_pk)
        keys = np.unique(
            np.concatenate([*found_rows, columns.rows]).astype(np.int64) * n_by
            + np.concatenate([*found_cols, columns.cols])
        )
        # Every candidate is rescored from its separate signals (kept with the proposal).
        candidates = self.score_pairs(keys // n_by, keys % n_by)
        chosen, self.bar_pk, self.bar_by = top_k_union(candidates, top_k, n_pk, n_by)
        return candidates.subset(chosen)

    def rank_for(self, firm_index: int, country: str) -> PairSet:
        """Every partner of one firm, scored (for evaluation and incremental refresh)."""
        pk, by = self._sides()
        if country == "PK":
            j = np.arange(len(by))
            i = np.full_like(j, firm_index)
        else:
            i = np.arange(len(pk))
            j = np.full_like(i, firm_index)
        return self.score_pairs(i, j)

    def upsert_firm(self, firm: FirmProfile) -> int:
        """Put one new or edited firm into the fitted space (vocabulary unchanged); its index."""
        self._sides()
        pk_side = firm.country == "PK"
        firms = self.pk_firms if pk_side else self.by_firms
        side = self.pk if pk_side else self.by
        assert side is not None
        row = self.space.side([firm])
        index = next((n for n, f in enumerate(firms) if f.ref == firm.ref), None)
        updated = SideMatrices(
            offer=side.offer.replaced(index, row.offer),
            seek=side.seek.replaced(index, row.seek),
            profile=side.profile.replaced(index, row.profile),
            sector=_replace_row(side.sector, index, row.sector),
            offer_types=_replace_row(side.offer_types, index, row.offer_types),
            seek_types=_replace_row(side.seek_types, index, row.seek_types),
        )
        if index is None:
            firms.append(firm)
            index = len(firms) - 1
            if pk_side:
                self.bar_pk = np.r_[self.bar_pk, 0.0]
            else:
                self.bar_by = np.r_[self.bar_by, 0.0]
        else:
            firms[index] = firm
        if pk_side:
            self.pk = updated
        else:
            self.by = updated
        return index

    def pairs_for(self, firm_index: int, country: str) -> PairSet:
        """One firm's proposals: its own top k, plus every partner whose top k it now enters."""
        ranked = self.rank_for(firm_index, country)
        partner = ranked.by if country == "PK" else ranked.pk
        bar = self.bar_by if country == "PK" else self.bar_pk
        order = np.lexsort((partner, -ranked.score))
        keep = np.zeros(len(partner), dtype=bool)
        keep[order[: self.top_k]] = True
        keep |= ranked.score >= bar[partner]
        keep &= ranked.score > 0
        return ranked.subset(keep)


def _replace_row(matrix: np.ndarray, index: int | None, row: np.ndarray) -> np.ndarray:
    if index is None:
        return np.vstack([matrix, row])
    out = matrix.copy()
    out[index] = row[0]
    return out


_FIRM_FIELDS = tuple(FirmProfile.__dataclass_fields__)


def _columns(firms: list[FirmProfile]) -> dict[str, list]:
    return {name: [getattr(f, name) for f in firms] for name in _FIRM_FIELDS}


def _rows(columns: dict[str, list]) -> list[FirmProfile]:
    values = zip(*(columns[name] for name in _FIRM_FIELDS), strict=True)
    return [FirmProfile(*row) for row in values]
