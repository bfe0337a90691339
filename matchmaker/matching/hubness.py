"""The hubness correction of embedding cosines (CSLS, cross-domain similarity local scaling:
Conneau et al. 2018, "Word translation without parallel data").

Some texts sit close to everything (a generic profile, a long list of products): by raw cosine
they are every firm's neighbour and crowd out the partners meant for them. CSLS subtracts from
the cosine of a and b half of each one's "hub" value, the mean cosine to its k nearest texts on
the other side:

    corrected(a, b) = cos(a, b) - (hub(a) + hub(b)) / 2 + centre

(`centre`, the embedder's `neighbour_cosine`, keeps corrected cosines on the model's raw scale,
so its `rescale` applies to them.) `Neighbours` keeps, for one direction (row vectors of the
PK side against column vectors of the BY side), each firm's k best cosines and who they are,
so that one changed firm updates them exactly as a full computation on the same firms would.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLOCK_CELLS = 12_000_000  # cosines computed at once


@dataclass
class TopK:
    """Each firm's k best cosines to the other side (descending) and their indices there;
    -inf / -1 where the other side has fewer than k firms."""

    values: np.ndarray  # (n, k) float32
    index: np.ndarray  # (n, k) int64

    @classmethod
    def empty(cls, n: int, k: int) -> TopK:
        return cls(np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, np.int64))

    def hub(self) -> np.ndarray:
        """Mean of each firm's k best cosines (of those there are); 0 with none."""
        present = np.isfinite(self.values)
        total = np.where(present, self.values, 0).sum(axis=1, dtype=np.float64)
        return (total / np.maximum(present.sum(axis=1), 1)).astype(np.float32)


def _best(values: np.ndarray, index: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k largest of each row of `values` (with the matching `index` entries), sorted."""
    if values.shape[1] > k:
        part = np.argpartition(-values, k - 1, axis=1)[:, :k]
        values = np.take_along_axis(values, part, axis=1)
        index = np.take_along_axis(index, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    values = np.take_along_axis(values, order, axis=1)
    index = np.take_along_axis(index, order, axis=1)
    if values.shape[1] < k:
        pad = k - values.shape[1]
        values = np.pad(values, ((0, 0), (0, pad)), constant_values=-np.inf)
        index = np.pad(index, ((0, 0), (0, pad)), constant_values=-1)
    return values.astype(np.float32), index.astype(np.int64)


SAMPLE = 256  # rows or columns whose k-th best gives a first bar (a lower bound)


def _grouped_best(group: np.ndarray, index: np.ndarray, values: np.ndarray, n: int, k: int) -> TopK:
    """The k best (values, index) of each group 0..n-1 from flat candidates."""
    out = TopK.empty(n, k)
    order = np.lexsort((index, -values, group))
    group, index, values = group[order], index[order], values[order]
    starts = np.flatnonzero(np.r_[True, np.diff(group) != 0]) if len(group) else group
    rank = np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))
    keep = rank < k
    out.values[group[keep], rank[keep]] = values[keep]
    out.index[group[keep], rank[keep]] = index[keep]
    return out


def _bar(block: np.ndarray, k: int, axis: int) -> np.ndarray:
    """A lower bound of the k-th best along `axis`: the k-th best of its first SAMPLE."""
    sample = block[:, :SAMPLE] if axis == 1 else block[:SAMPLE]
    if sample.shape[axis] <= k:
        return np.full(block.shape[1 - axis], -np.inf, dtype=np.float32)
    return -np.partition(-sample, k - 1, axis=axis).take(k - 1, axis=axis)


def neighbours_of(left: np.ndarray, right: np.ndarray, k: int) -> tuple[TopK, TopK]:
    """The k best cosines of every row of `left` among the rows of `right`, and of every row
    of `right` among `left`, in one pass over the products. Only the cosines above a bar
    known to be at most the k-th best are gathered (a few per row), which is several times
    quicker than partitioning every row of the products."""
    n, m = len(left), len(right)
    if not n or not m:
        return TopK.empty(n, k), TopK.empty(m, k)
    rows_out = TopK.empty(n, k)
    cols = TopK.empty(m, k)
    step = max(1, BLOCK_CELLS // m)
    for start in range(0, n, step):
        block = left[start : start + step] @ right.T
        r, c = np.nonzero(block >= _bar(block, k, 1)[:, None])
        best = _grouped_best(r, c.astype(np.int64), block[r, c], len(block), k)
        rows_out.values[start : start + len(block)] = best.values
        rows_out.index[start : start + len(block)] = best.index
        bar = np.maximum(cols.values[:, -1], _bar(block, k, 0))
        r, c = np.nonzero(block >= bar[None, :])
        present = np.isfinite(cols.values)
        held_c, held_slot = np.nonzero(present)
        cols = _grouped_best(
            np.concatenate([held_c, c]),
            np.concatenate([cols.index[held_c, held_slot], r.astype(np.int64) + start]),
            np.concatenate([cols.values[held_c, held_slot], block[r, c]]),
            m,
            k,
        )
    return rows_out, cols


def top_k(left: np.ndarray, right: np.ndarray, k: int) -> TopK:
    """For every row of `left`, its k best cosines to the rows of `right`."""
    n = len(left)
    out = TopK.empty(n, k)
    if not n or not len(right):
        return out
    step = max(1, BLOCK_CELLS // len(right))
    columns = np.arange(len(right), dtype=np.int64)
    for start in range(0, n, step):
        block = left[start : start + step] @ right.T
        taken = np.broadcast_to(columns, block.shape)
        out.values[start : start + step], out.index[start : start + step] = _best(block, taken, k)
    return out


@dataclass
class Neighbours:
    """Both sides' k best of one direction: `rows` (each left firm's best right firms) and
    `cols` (each right firm's best left firms)."""

    k: int
    rows: TopK
    cols: TopK

    @classmethod
    def fit(cls, left: np.ndarray, right: np.ndarray, k: int) -> Neighbours:
        return cls(k, *neighbours_of(left, right, k))

    def changed(self, side: str, index: int, mine: np.ndarray, other: np.ndarray) -> None:
        """Firm `index` of `side` ("rows" or "cols") is new (the last row of `mine`) or has a
        new vector; `mine` / `other` are that side's and the other side's vectors as they are
        now."""
        own, theirs = (self.rows, self.cols) if side == "rows" else (self.cols, self.rows)
        if index >= len(own.values):
            grow = TopK.empty(index + 1 - len(own.values), self.k)
            own.values = np.vstack([own.values, grow.values])
            own.index = np.vstack([own.index, grow.index])
        cosines = (other @ mine[index]).astype(np.float32)
        # Its own list, from its new cosines to every firm of the other side.
        values, found = _best(cosines[None, :], np.arange(len(other))[None, :], self.k)
        own.values[index], own.index[index] = values[0], found[0]
        # The other side's lists: where it was listed, recomputed whole; elsewhere it enters
        # when it beats the k-th best.
        listed = np.flatnonzero((theirs.index == index).any(axis=1))
        if len(listed):
            fresh = top_k(other[listed], mine, self.k)
            theirs.values[listed], theirs.index[listed] = fresh.values, fresh.index
        enters = cosines > theirs.values[:, -1]
        enters[listed] = False
        rows = np.flatnonzero(enters)
        if len(rows):
            values = np.hstack([theirs.values[rows], cosines[rows, None]])
            found = np.hstack([theirs.index[rows], np.full((len(rows), 1), index)])
            theirs.values[rows], theirs.index[rows] = _best(values, found, self.k)

    def removed(self, side: str, index: int, mine: np.ndarray, other: np.ndarray) -> None:
        """Firm `index` of `side` left; `mine` / `other` are the vectors without it."""
        own, theirs = (self.rows, self.cols) if side == "rows" else (self.cols, self.rows)
        keep = np.arange(len(own.values)) != index
        own.values, own.index = own.values[keep], own.index[keep]
        listed = np.flatnonzero((theirs.index == index).any(axis=1))
        theirs.index[theirs.index > index] -= 1
        if len(listed):
            fresh = top_k(other[listed], mine, self.k)
            theirs.values[listed], theirs.index[listed] = fresh.values, fresh.index
