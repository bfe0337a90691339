"""The k best of a block's rows and columns: numpy's argpartition against matching/topk.py.

    .venv/bin/python benchmarks/topk.py [--rows 1200] [--cols 10000] [--k 20] [--rounds 5]

A block of random scores of the shape `MatchEngine.propose` scores at 10,000 firms per country
(BLOCK_CELLS = 12,000,000), with k = 2 x top 10 as it keeps. Interleaved rounds; prints the
median CPU milliseconds of each selection, and checks that both find the same k best scores.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.matching.topk import TopK, col_best, merge, row_best  # noqa: E402


def plain_rows(block: np.ndarray, k: int) -> np.ndarray:
    return np.argpartition(-block, k - 1, axis=1)[:, :k]


def plain_cols(kept: TopK, block: np.ndarray, start: int) -> TopK:
    part = np.argpartition(-block, kept.k - 1, axis=0)[: kept.k].T
    values = np.take_along_axis(block.T, part, axis=1)
    return merge(kept, values, part + start)


def grouped_cols(kept: TopK, block: np.ndarray, start: int) -> TopK:
    values, index = col_best(block, kept.k)
    return merge(kept, values, index + start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1200)
    parser.add_argument("--cols", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    block = rng.random((args.rows, args.cols), dtype=np.float32)
    # The best so far of an earlier block: lower scores, so that the new block's count.
    values = -np.sort(-rng.random((args.cols, args.k), dtype=np.float32), axis=1) * 0.5
    kept = TopK(values, rng.integers(0, args.rows, (args.cols, args.k)))
    steps = {
        "rows: argpartition": lambda: plain_rows(block, args.k),
        "rows: row_best": lambda: row_best(block, args.k),
        "columns: argpartition + merge": lambda: plain_cols(kept, block, args.rows),
        "columns: col_best + merge": lambda: grouped_cols(kept, block, args.rows),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            started = time.process_time()
            step()
            times[name].append(time.process_time() - started)
    # The same k best values (which of equal scores is kept may differ).
    plain = np.take_along_axis(block, plain_rows(block, args.k), axis=1)
    same_rows = np.array_equal(-np.sort(-plain, axis=1), row_best(block, args.k)[0])
    same_cols = np.array_equal(
        plain_cols(kept, block, args.rows).values, grouped_cols(kept, block, args.rows).values
    )
    print(f"block {args.rows} x {args.cols}, k = {args.k}, {args.rounds} rounds (CPU, median)")
    for name, found in times.items():
        print(f"  {name:<32} {statistics.median(found) * 1000:7.1f} ms")
    print(f"same k best: rows {same_rows}, columns {same_cols}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
