"""The matching model: reciprocal complementarity of two firms, scored in [0, 1].

For a Pakistani firm A and a Belarusian firm B the engine measures
- fit_ab: how well A's offers meet B's seeks, fit_ba: B's offers against A's seeks
  (cosines of word + glossary-concept TF-IDF vectors, see features.py);
- reciprocal: the geometric mean of the two, so a one-way fit ranks below a two-way fit;
- topic: how close the two whole profiles are; sector: soft sector overlap (related sectors
  count partly); types: A's offered cooperation types against B's sought ones and back.
A scorer combines those signals: documented default weights, or weights fitted to EDB decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matchmaker.matching.features import FeatureSpace, FirmProfile, SideMatrices

ENGINE_VERSION = "1.0"
SIGNALS: tuple[str, ...] = ("fit_ab", "fit_ba", "reciprocal", "topic", "sector", "types")
# Below this many pairs every pair is scored exactly; above it candidates come from a top-n
# sparse product first.
EXACT_PAIR_LIMIT = 4_000_000


@dataclass(frozen=True)
class DefaultWeights:
    """The weights used until enough EDB decisions exist to fit them (see README)."""

    fit_ab: float = 0.05
    fit_ba: float = 0.05
    reciprocal: float = 0.45
    topic: float = 0.15
    sector: float = 0.20
    types: float = 0.10

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, s) for s in SIGNALS], dtype=np.float64)

    def score(self, signals: np.ndarray) -> np.ndarray:
        w = self.vector()
        return np.clip(signals @ w / w.sum(), 0.0, 1.0)


@dataclass(frozen=True)
class LearnedWeights:
    """A logistic model over the signals, fitted to approve/reject decisions."""

    coef: tuple[float, ...]
    intercept: float

    def score(self, signals: np.ndarray) -> np.ndarray:
        z = signals @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


Scorer = DefaultWeights | LearnedWeights


@dataclass
class PairSet:
    """Scored pairs: pk[i], by[i] index the PK and BY firm lists."""

    pk: np.ndarray
    by: np.ndarray
    signals: np.ndarray  # (n, len(SIGNALS))
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.pk)


def rowwise_dot(a: sp.csr_matrix | np.ndarray, b: sp.csr_matrix | np.ndarray) -> np.ndarray:
    if sp.issparse(a):
        return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float64).ravel()
    return np.einsum("ij,ij->i", a, b).astype(np.float64)


def pair_signals(pk: SideMatrices, by: SideMatrices, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    out = np.zeros((len(i), len(SIGNALS)), dtype=np.float64)
    step = 200_000
    for start in range(0, len(i), step):
        a, b = i[start : start + step], j[start : start + step]
        fit_ab = rowwise_dot(pk.offer[a], by.seek[b])
        fit_ba = rowwise_dot(by.offer[b], pk.seek[a])
        block = out[start : start + step]
        block[:, 0] = fit_ab
        block[:, 1] = fit_ba
        block[:, 2] = np.sqrt(np.clip(fit_ab, 0, None) * np.clip(fit_ba, 0, None))
        block[:, 3] = rowwise_dot(pk.profile[a], by.profile[b])
        block[:, 4] = rowwise_dot(pk.sector[a], by.sector[b])
        block[:, 5] = 0.5 * (
            rowwise_dot(pk.offer_types[a], by.seek_types[b])
            + rowwise_dot(by.offer_types[b], pk.seek_types[a])
        )
    return np.clip(out, 0.0, 1.0)


def _proxy_matrices(
    pk: SideMatrices, by: SideMatrices, w: DefaultWeights
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Stacked vectors whose dot product is a linear stand-in for the score (for candidates)."""
    half = (w.reciprocal + w.fit_ab + w.fit_ba) / 2
    left = sp.hstack(
        [
            pk.offer * half,
            pk.seek * half,
            pk.profile * w.topic,
            sp.csr_matrix(pk.sector * w.sector),
            sp.csr_matrix(pk.offer_types * (w.types / 2)),
            sp.csr_matrix(pk.seek_types * (w.types / 2)),
        ],
        format="csr",
        dtype=np.float32,
    )
    right = sp.hstack(
        [
            by.seek,
            by.offer,
            by.profile,
            sp.csr_matrix(by.sector),
            sp.csr_matrix(by.seek_types),
            sp.csr_matrix(by.offer_types),
        ],
        format="csr",
        dtype=np.float32,
    )
    return left, right


def candidate_pairs(
    pk: SideMatrices, by: SideMatrices, n_pk: int, n_by: int, per_firm: int, threads: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    if n_pk * n_by <= EXACT_PAIR_LIMIT:
        i, j = np.meshgrid(np.arange(n_pk), np.arange(n_by), indexing="ij")
        return i.ravel(), j.ravel()
    from sparse_dot_topn import sp_matmul_topn

    left, right = _proxy_matrices(pk, by, DefaultWeights())
    rows = sp_matmul_topn(left, right.T.tocsr(), top_n=per_firm, n_threads=threads).tocoo()
    cols = sp_matmul_topn(right, left.T.tocsr(), top_n=per_firm, n_threads=threads).tocoo()
    keys = np.concatenate(
        [rows.row.astype(np.int64) * n_by + rows.col, cols.col.astype(np.int64) * n_by + cols.row]
    )
    keys = np.unique(keys)
    return keys // n_by, keys % n_by


def top_k_union(
    pairs: PairSet, k: int, n_pk: int, n_by: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the pairs in some firm's top k (either side), ties broken by the partner's
    index (= ref order), and each firm's k-th best score (the bar a newcomer must pass)."""
    keep = np.zeros(len(pairs), dtype=bool)
    bars = []
    for group, partner, size in ((pairs.pk, pairs.by, n_pk), (pairs.by, pairs.pk, n_by)):
        order = np.lexsort((partner, -pairs.score, group))
        sorted_group = group[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_group)) + 1]
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
        keep[order[rank < k]] = True
        bar = np.zeros(size)
        at_k = order[rank == k - 1]
        bar[group[at_k]] = pairs.score[at_k]
        bars.append(bar)
    return np.flatnonzero(keep), bars[0], bars[1]


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

    def fit(self, firms: Sequence[FirmProfile]) -> MatchEngine:
        self.pk_firms = sorted((f for f in firms if f.country == "PK"), key=lambda f: f.ref)
        self.by_firms = sorted((f for f in firms if f.country == "BY"), key=lambda f: f.ref)
        self.space.fit([*self.pk_firms, *self.by_firms])
        self.pk = self.space.side(self.pk_firms)
        self.by = self.space.side(self.by_firms)
        return self

    def score_pairs(self, i: np.ndarray, j: np.ndarray) -> PairSet:
        assert self.pk is not None and self.by is not None, "fit first"
        signals = pair_signals(self.pk, self.by, i, j)
        return PairSet(pk=i, by=j, signals=signals, score=self.scorer.score(signals))

    def propose(self, top_k: int = 10) -> PairSet:
        """The union of every firm's top_k partners, from both sides."""
        if not self.pk_firms or not self.by_firms:
            empty = np.zeros(0, dtype=np.int64)
            return PairSet(empty, empty, np.zeros((0, len(SIGNALS))), np.zeros(0))
        assert self.pk is not None and self.by is not None
        i, j = candidate_pairs(
            self.pk, self.by, len(self.pk_firms), len(self.by_firms), per_firm=3 * top_k + 20
        )
        scored = self.score_pairs(i, j)
        # Firms are sorted by ref, so the index is the ref order used to break ties.
        keep, self.bar_pk, self.bar_by = top_k_union(
            scored, top_k, len(self.pk_firms), len(self.by_firms)
        )
        self.top_k = top_k
        return PairSet(
            pk=scored.pk[keep],
            by=scored.by[keep],
            signals=scored.signals[keep],
            score=scored.score[keep],
        )

    def rank_for(self, firm_index: int, country: str) -> PairSet:
        """Every partner of one firm, scored (for evaluation and incremental refresh)."""
        if country == "PK":
            j = np.arange(len(self.by_firms))
            i = np.full_like(j, firm_index)
        else:
            i = np.arange(len(self.pk_firms))
            j = np.full_like(i, firm_index)
        return self.score_pairs(i, j)

    def upsert_firm(self, firm: FirmProfile) -> int:
        """Put one new or edited firm into the fitted space (vocabulary unchanged); its index."""
        assert self.pk is not None and self.by is not None, "fit first"
        firms = self.pk_firms if firm.country == "PK" else self.by_firms
        side = self.pk if firm.country == "PK" else self.by
        row = self.space.side([firm])
        index = next((n for n, f in enumerate(firms) if f.ref == firm.ref), None)
        if index is None:
            firms.append(firm)
            index = len(firms) - 1
            for name in ("offer", "seek", "profile"):
                setattr(side, name, sp.vstack([getattr(side, name), getattr(row, name)], "csr"))
            for name in ("sector", "offer_types", "seek_types"):
                setattr(side, name, np.vstack([getattr(side, name), getattr(row, name)]))
            if firm.country == "PK":
                self.bar_pk = np.r_[self.bar_pk, 0.0]
            else:
                self.bar_by = np.r_[self.bar_by, 0.0]
        else:
            firms[index] = firm
            for name in ("offer", "seek", "profile"):
                matrix = getattr(side, name)
                parts = [matrix[:index], getattr(row, name), matrix[index + 1 :]]
                setattr(side, name, sp.vstack(parts, format="csr"))
            for name in ("sector", "offer_types", "seek_types"):
                getattr(side, name)[index] = getattr(row, name)[0]
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
        return PairSet(
            pk=ranked.pk[keep],
            by=ranked.by[keep],
            signals=ranked.signals[keep],
            score=ranked.score[keep],
        )
