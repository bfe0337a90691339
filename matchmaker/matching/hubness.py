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

from matchmaker.matching.topk import GROUP, TopK, best, col_best, merge, row_best

BLOCK_CELLS = 12_000_000  # cosines computed at once


def neighbours_of(left: np.ndarray, right: np.ndarray, k: int) -> tuple[TopK, TopK]:
    """The k best cosines of every row of `left` among the rows of `right`, and of every row
    of `right` among `left`, in one pass over the products (rows: `row_best`; columns: the
    same grouping over the rows of each block, `col_best`, merged into the best so far)."""
    n, m = len(left), len(right)
    if not n or not m:
        return TopK.empty(n, k), TopK.empty(m, k)
    rows_out = TopK.empty(n, k)
    cols = TopK.empty(m, k)
    step = max(GROUP * k, BLOCK_CELLS // m)
    for start in range(0, n, step):
        block = left[start : start + step] @ right.T
        stop = start + len(block)
        rows_out.values[start:stop], rows_out.index[start:stop] = row_best(block, k)
        values, index = col_best(block, k)
        cols = merge(cols, values, index + start)
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
        out.values[start : start + step], out.index[start : start + step] = best(block, taken, k)
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
        values, found = best(cosines[None, :], np.arange(len(other))[None, :], self.k)
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
            theirs.values[rows], theirs.index[rows] = best(values, found, self.k)

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
