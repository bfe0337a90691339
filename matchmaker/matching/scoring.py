"""Signals of a PK-BY pair and the scorers that combine them into one score in [0, 1].

For a Pakistani firm A and a Belarusian firm B:
- fit_ab / fit_ba: how well A's offers meet B's seeks, and back, in words (cosines of word +
  glossary-concept TF-IDF vectors); reciprocal: their geometric mean, so a one-way fit ranks
  below a two-way fit;
- meaning_ab / meaning_ba / meaning: the same in meaning (sentence embeddings, any language):
  A's profile (description and offers) against B's seeks, and back, corrected for hubness
  (hubness.py) and rescaled;
- topic: how close the two whole profiles are in words; sector: soft sector overlap; types:
  A's offered cooperation types against B's sought ones and back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numexpr
import numpy as np
import scipy.sparse as sp

from matchmaker.matching.features import SideMatrices

SIGNALS: tuple[str, ...] = (
    "fit_ab",
    "fit_ba",
    "reciprocal",
    "topic",
    "sector",
    "types",
    "meaning_ab",
    "meaning_ba",
    "meaning",
)


@runtime_checkable
class Scorer(Protocol):
    """Combines the signals (columns in SIGNALS order) into scores in [0, 1].

    `weights()` names each signal's weight in a linear combination `signals @ w + bias`, which
    is then clipped (`logistic` false) or passed through the logistic function (true)."""

    logistic: bool

    @property
    def bias(self) -> float: ...

    def weights(self) -> dict[str, float]: ...

    def score(self, signals: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class DefaultWeights:
    """The weights used until enough EDB decisions exist to fit them: a weighted mean of the
    signals (README, "How matching works", says how they were chosen)."""

    fit_ab: float = 0.0
    fit_ba: float = 0.0
    reciprocal: float = 0.25
    topic: float = 0.10
    sector: float = 0.20
    types: float = 0.10
    meaning_ab: float = 0.0
    meaning_ba: float = 0.0
    meaning: float = 0.40

    logistic = False

    @property
    def bias(self) -> float:
        return 0.0

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, s) for s in SIGNALS], dtype=np.float64)

    def weights(self) -> dict[str, float]:
        """Weights of the linear combination (summing to 1, so the score stays in [0, 1])."""
        total = self.vector().sum()
        return {name: float(getattr(self, name) / total) for name in SIGNALS}

    def score(self, signals: np.ndarray) -> np.ndarray:
        return np.clip(signals @ np.array(list(self.weights().values())), 0.0, 1.0)


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
        return 1.0 / (1.0 + np.exp(-(signals @ np.asarray(self.coef) + self.intercept)))


@dataclass(frozen=True)
class Meaning:
    """How embedding cosines become meaning signals: the hubness correction, when the sides
    carry hub values (cosine - (hub of one + hub of the other) / 2 + centre), then the
    embedder's rescale onto [0, 1]."""

    rescale: Callable[[np.ndarray], np.ndarray]
    centre: float

    def block(self, cosines: np.ndarray, hub_rows, hub_cols) -> np.ndarray:
        """A fresh (rows, cols) float32 block of cosines, changed in place."""
        if hub_rows is not None:
            cosines -= (np.float32(0.5) * hub_rows - np.float32(self.centre))[:, None]
            cosines -= np.float32(0.5) * hub_cols[None, :]
        return self.rescale(cosines)

    def pairs(self, cosines: np.ndarray, hub_i, hub_j) -> np.ndarray:
        """Cosines of listed pairs (the same arithmetic as `block`)."""
        if hub_i is not None:
            cosines = cosines - (np.float32(0.5) * hub_i - np.float32(self.centre))
            cosines -= np.float32(0.5) * hub_j
        return self.rescale(cosines)


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


@dataclass
class Transposed:
    """Word blocks of one side, transposed once for the block products."""

    offer: sp.csr_matrix
    seek: sp.csr_matrix
    profile: sp.csr_matrix

    @classmethod
    def of(cls, side: SideMatrices) -> Transposed:
        return cls(*(m.words.T.tocsr() for m in (side.offer, side.seek, side.profile)))


def block_scores(
    pk: SideMatrices,
    by: SideMatrices,
    scorer: Scorer,
    meaning: Meaning,
    by_t: Transposed | None = None,
) -> np.ndarray:
    """Scores of every pair of the given PK rows and BY rows, (n_pk, n_by) float32.

    Only the one-way fits are needed separately (for their geometric means); every other
    signal enters linearly, so they are summed by one dense product of stacked features."""
    t = by_t or Transposed.of(by)
    w = {k: np.float32(v) for k, v in scorer.weights().items()}
    ab = pk.offer.cross(by.seek, t.seek)
    ba = pk.seek.cross(by.offer, t.offer)
    mab = meaning.block(pk.profile_vec @ by.seek_vec.T, pk.hub_ab, by.hub_ab)
    mba = meaning.block(pk.seek_vec @ by.profile_vec.T, pk.hub_ba, by.hub_ba)
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
        "linear + bias + w_ab * ab + w_ba * ba + w_r * sqrt(ab * ba)"
        " + w_mab * mab + w_mba * mba + w_m * sqrt(mab * mba)",
        local_dict={
            "linear": linear,
            "ab": np.clip(ab, 0, 1, out=ab),
            "ba": np.clip(ba, 0, 1, out=ba),
            "mab": mab,
            "mba": mba,
            "bias": np.float32(scorer.bias),
            "w_ab": w["fit_ab"],
            "w_ba": w["fit_ba"],
            "w_r": w["reciprocal"],
            "w_mab": w["meaning_ab"],
            "w_mba": w["meaning_ba"],
            "w_m": w["meaning"],
        },
    )
    if scorer.logistic:
        return numexpr.evaluate("1 / (1 + exp(-z))", local_dict={"z": z})
    # Default weights sum to 1 over signals in [0, 1]: z is in range up to rounding, and the
    # chosen pairs are rescored (and clipped) exactly afterwards.
    return z


def pair_signals(
    pk: SideMatrices, by: SideMatrices, i: np.ndarray, j: np.ndarray, meaning: Meaning
) -> np.ndarray:
    """The signals of the listed pairs only, (n, len(SIGNALS))."""
    out = np.zeros((len(i), len(SIGNALS)), dtype=np.float32)
    # Pairs at a time: 20,000 rows of two embeddings are 60 MB; 200,000 were 600 MB.
    step = 20_000
    for start in range(0, len(i), step):
        rows, cols = i[start : start + step], j[start : start + step]
        block = out[start : start + step]
        block[:, 0] = pk.offer.take(rows).pair_dot(by.seek.take(cols))
        block[:, 1] = pk.seek.take(rows).pair_dot(by.offer.take(cols))
        block[:, 3] = pk.profile.take(rows).pair_dot(by.profile.take(cols))
        block[:, 4] = np.einsum("ij,ij->i", pk.sector[rows], by.sector[cols])
        block[:, 5] = 0.5 * (
            np.einsum("ij,ij->i", pk.offer_types[rows], by.seek_types[cols])
            + np.einsum("ij,ij->i", pk.seek_types[rows], by.offer_types[cols])
        )
        block[:, 6] = meaning.pairs(
            np.einsum("ij,ij->i", pk.profile_vec[rows], by.seek_vec[cols]),
            _at(pk.hub_ab, rows),
            _at(by.hub_ab, cols),
        )
        block[:, 7] = meaning.pairs(
            np.einsum("ij,ij->i", pk.seek_vec[rows], by.profile_vec[cols]),
            _at(pk.hub_ba, rows),
            _at(by.hub_ba, cols),
        )
    np.clip(out, 0.0, 1.0, out=out)
    out[:, 2] = np.sqrt(out[:, 0] * out[:, 1])
    out[:, 8] = np.sqrt(out[:, 6] * out[:, 7])
    return out


def _at(values: np.ndarray | None, rows: np.ndarray) -> np.ndarray | None:
    return None if values is None else values[rows]


def rank_within(sorted_groups: np.ndarray) -> np.ndarray:
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
        rank = rank_within(group[order])
        keep[order[rank < k]] = True
        bar = np.zeros(size)
        at_k = order[rank == k - 1]
        bar[group[at_k]] = pairs.score[at_k]
        bars.append(bar)
    return np.flatnonzero(keep), bars[0], bars[1]
