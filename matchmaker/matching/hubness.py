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


GROUP = 8  # cosines whose maximum is taken together before the k best are sought


def _row_best(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best (values, columns) of each row of `block`. The columns are taken in GROUP
    strided groups (j, j + m/GROUP, ...: an element-wise maximum of contiguous rows, cheap);
    a row's k best lie in its k groups of highest maximum, whose members alone are then
    ranked. About a third of the time of partitioning every row."""
    rows, m = block.shape
    width = m // GROUP
    if width <= k:
        return _best(block, np.broadcast_to(np.arange(m), block.shape), k)
    body = block[:, : width * GROUP].reshape(rows, GROUP, width)
    top = np.argpartition(-body.max(axis=1), k - 1, axis=1)[:, :k]  # (rows, k) group columns
    columns = (top[:, None, :] + width * np.arange(GROUP)[None, :, None]).reshape(rows, -1)
    tail = np.broadcast_to(np.arange(width * GROUP, m), (rows, m - width * GROUP))
    columns = np.hstack([columns, tail])
    return _best(np.take_along_axis(block, columns, axis=1), columns, k)


def _col_best(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`_row_best` of the transposed block, without transposing it (a copy of the block cost
    more than the rest): rows are grouped by the same strided scheme."""
    n, m = block.shape
    height = n // GROUP
    if height <= k:
        return _best(np.ascontiguousarray(block.T), np.broadcast_to(np.arange(n), (m, n)), k)
    body = block[: height * GROUP].reshape(GROUP, height, m)
    top = np.argpartition(-body.max(axis=0), k - 1, axis=0)[:k]  # (k, m) group rows
    rows = (top[None, :, :] + height * np.arange(GROUP)[:, None, None]).reshape(-1, m)
    tail = np.broadcast_to(np.arange(height * GROUP, n)[:, None], (n - height * GROUP, m))
    rows = np.vstack([rows, tail])
    values = np.take_along_axis(block, rows, axis=0)
    return _best(np.ascontiguousarray(values.T), np.ascontiguousarray(rows.T), k)


def _merge(kept: TopK, values: np.ndarray, index: np.ndarray) -> TopK:
    """`kept` with more candidates (one row of candidates per firm) merged in."""
    k = kept.values.shape[1]
    return TopK(*_best(np.hstack([kept.values, values]), np.hstack([kept.index, index]), k))


def neighbours_of(left: np.ndarray, right: np.ndarray, k: int) -> tuple[TopK, TopK]:
    """The k best cosines of every row of `left` among the rows of `right`, and of every row
    of `right` among `left`, in one pass over the products (rows: `_row_best`; columns: the
    same grouping over the rows of each block, `_col_best`, merged into the best so far)."""
    n, m = len(left), len(right)
    if not n or not m:
        return TopK.empty(n, k), TopK.empty(m, k)
    rows_out = TopK.empty(n, k)
    cols = TopK.empty(m, k)
    step = max(GROUP * k, BLOCK_CELLS // m)
    for start in range(0, n, step):
        block = left[start : start + step] @ right.T
        stop = start + len(block)
        rows_out.values[start:stop], rows_out.index[start:stop] = _row_best(block, k)
        values, index = _col_best(block, k)
        cols = _merge(cols, values, index + start)
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
