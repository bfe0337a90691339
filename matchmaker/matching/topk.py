"""The k best of each row or column of score blocks, and their merging block after block.

The matching engine ranks every pair of firms by blocks of rows (a block of PK firms against
all BY firms); what it keeps of a block is each row's and each column's k best. numpy's
`argpartition` over every cell of a block is the plain way; the grouped selections below find
the same k best scores by looking first at the maximum of GROUP cells at a time
(`benchmarks/topk.py`, a block of 1,200 x 10,000 scores, k = 20, CPU: rows 30 ms against
157 ms; columns merged into the best so far 110 ms against 199 ms; the bar-and-sort selection
`propose` used before took 290 ms per block of the matching benchmark's scores).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TopK:
    """Each firm's k best cosines to the other side (descending) and their indices there;
    -inf / -1 where the other side has fewer than k firms."""

    values: np.ndarray  # (n, k) float32
    index: np.ndarray  # (n, k) int64

    @property
    def k(self) -> int:
        return self.values.shape[1]

    @classmethod
    def empty(cls, n: int, k: int) -> TopK:
        return cls(np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, np.int64))

    def hub(self) -> np.ndarray:
        """Mean of each firm's k best cosines (of those there are); 0 with none."""
        present = np.isfinite(self.values)
        total = np.where(present, self.values, 0).sum(axis=1, dtype=np.float64)
        return (total / np.maximum(present.sum(axis=1), 1)).astype(np.float32)


def best(values: np.ndarray, index: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
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


def row_best(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k best (values, columns) of each row of `block`. The columns are taken in GROUP
    strided groups (j, j + m/GROUP, ...: an element-wise maximum of contiguous rows, cheap);
    a row's k best lie in its k groups of highest maximum, whose members alone are then
    ranked. About a third of the time of partitioning every row."""
    rows, m = block.shape
    width = m // GROUP
    if width <= k:
        return best(block, np.broadcast_to(np.arange(m), block.shape), k)
    body = block[:, : width * GROUP].reshape(rows, GROUP, width)
    top = np.argpartition(-body.max(axis=1), k - 1, axis=1)[:, :k]  # (rows, k) group columns
    columns = (top[:, None, :] + width * np.arange(GROUP)[None, :, None]).reshape(rows, -1)
    tail = np.broadcast_to(np.arange(width * GROUP, m), (rows, m - width * GROUP))
    columns = np.hstack([columns, tail])
    return best(np.take_along_axis(block, columns, axis=1), columns, k)


def col_best(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`row_best` of the transposed block, without transposing it (a copy of the block cost
    more than the rest): rows are grouped by the same strided scheme."""
    n, m = block.shape
    height = n // GROUP
    if height <= k:
        return best(np.ascontiguousarray(block.T), np.broadcast_to(np.arange(n), (m, n)), k)
    body = block[: height * GROUP].reshape(GROUP, height, m)
    top = np.argpartition(-body.max(axis=0), k - 1, axis=0)[:k]  # (k, m) group rows
    rows = (top[None, :, :] + height * np.arange(GROUP)[:, None, None]).reshape(-1, m)
    tail = np.broadcast_to(np.arange(height * GROUP, n)[:, None], (n - height * GROUP, m))
    rows = np.vstack([rows, tail])
    values = np.take_along_axis(block, rows, axis=0)
    return best(np.ascontiguousarray(values.T), np.ascontiguousarray(rows.T), k)


def merge(kept: TopK, values: np.ndarray, index: np.ndarray) -> TopK:
    """`kept` with more candidates (one row of candidates per firm) merged in."""
    return TopK(*best(np.hstack([kept.values, values]), np.hstack([kept.index, index]), kept.k))
