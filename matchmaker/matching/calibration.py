"""Match strength people can read, and how the default weights were chosen.

`Calibration` maps a raw score to a percentage (Platt scaling: a logistic function of the
score fitted to labelled pairs, with both classes weighted alike) and a label (strong, good,
possible) that mean the same on every page and in the API. The shipped calibration is fitted
on the development set by

    python -m matchmaker.matching.calibration FIRMS.jsonl [FIRMS2.jsonl ...] PAIRS.csv [--write]

which also fits the signal weights (a logistic regression, negative weights dropped), prints
the leave-pairs-out figures beside the in-sample ones, and with `--write` stores the
calibration in data/calibration.json. A labelled pair is held out in every file at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data" / "calibration.json"
STRONG, GOOD = 70, 45  # percent from which a proposal is called strong / good


@dataclass(frozen=True)
class Calibration:
    slope: float
    intercept: float
    source: str = ""

    def percent(self, score: float) -> int:
        z = self.slope * float(score) + self.intercept
        return int(round(100.0 / (1.0 + np.exp(-z))))

    @staticmethod
    def label(percent: int) -> str:
        if percent >= STRONG:
            return "strong"
        return "good" if percent >= GOOD else "possible"


@lru_cache(maxsize=1)
def shipped() -> Calibration:
    return Calibration(**json.loads(DATA.read_text(encoding="utf-8")))


def fit_calibration(scores: np.ndarray, labels: np.ndarray, source: str) -> Calibration:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(class_weight="balanced", C=1.0, max_iter=1000)
    model.fit(np.asarray(scores).reshape(-1, 1), labels)
    return Calibration(float(model.coef_[0, 0]), float(model.intercept_[0]), source)


def _pair_table(path: str, pairs):
    from matchmaker.matching.evaluate import cached_vectors, load_firms
    from matchmaker.matching.model import MatchEngine

    firms = load_firms(path)
    engine = MatchEngine().fit(firms, cached_vectors(firms))
    n_pk, n_by = len(engine.pk_firms_), len(engine.by_firms_)
    i, j = np.divmod(np.arange(n_pk * n_by), n_by)
    scored = engine.score_pairs(i, j)
    pk_refs = [f.ref for f in engine.pk_firms_]
    by_refs = [f.ref for f in engine.by_firms_]
    wanted = set(pairs)
    label = np.array([(pk_refs[a], by_refs[b]) in wanted for a, b in zip(i, j, strict=True)])
    sectors = [
        (set(engine.pk_firms_[a].sectors), set(engine.by_firms_[b].sectors))
        for a, b in zip(i, j, strict=True)
    ]
    return scored, label, pk_refs, by_refs, i, j, sectors


def _ranks(score: np.ndarray, label: np.ndarray, i: np.ndarray, j: np.ndarray, held) -> list[int]:
    ranks = []
    for p in np.flatnonzero(label):
        if held is not None and not held[p]:
            continue
        for mine, group in ((i, i[p]), (j, j[p])):
            same = mine == group
            ranks.append(1 + int(np.sum(score[same] >= score[p])) - 1)
    return ranks


def _fit_weights(signals: np.ndarray, labels: np.ndarray, c: float) -> np.ndarray:
    """Logistic regression over the signals; signals with a negative weight are dropped."""
    from sklearn.linear_model import LogisticRegression

    use = np.ones(signals.shape[1], dtype=bool)
    while True:
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit(signals[:, use], labels)
        coef = np.zeros(signals.shape[1])
        coef[use] = model.coef_[0]
        if (coef[use] >= 0).all():
            return coef / coef.sum()
        use &= coef > 0


def _line(name: str, ranks: list[int]) -> str:
    r = np.array(ranks)
    return (
        f"{name:<34} n={len(r):<4} hits@1={np.mean(r <= 1):.3f} hits@3={np.mean(r <= 3):.3f} "
        f"MRR={np.mean(1.0 / r):.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    from matchmaker.matching.evaluate import load_pairs
    from matchmaker.matching.scoring import SIGNALS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="FIRMS.jsonl ... PAIRS.csv")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=0.3, help="inverse regularisation")
    parser.add_argument("--write", action="store_true", help="store the calibration")
    args = parser.parse_args(argv)
    pairs = load_pairs(args.files[-1])
    tables = [_pair_table(path, pairs) for path in args.files[:-1]]
    order = np.random.default_rng(0).permutation(len(pairs))
    fold_of = {pairs[p]: n % args.folds for n, p in enumerate(order)}
    print("weights fitted on all pairs (leave-pairs-out figures below):")
    signals = np.vstack([t[0].signals for t in tables])
    labels = np.concatenate([t[1] for t in tables])
    weights = _fit_weights(signals, labels, args.c)
    print("  " + ", ".join(f"{s}={w:.3f}" for s, w in zip(SIGNALS, weights, strict=True)))
    for path, (scored, label, pk_refs, by_refs, i, j, _) in zip(args.files, tables, strict=False):
        held_ranks: list[int] = []
        for fold in range(args.folds):
            held_pairs = {p for p, f in fold_of.items() if f == fold}
            train = [
                ~np.isin(t[4], [t[2].index(a) for a, _ in held_pairs if a in t[2]])
                & ~np.isin(t[5], [t[3].index(b) for _, b in held_pairs if b in t[3]])
                for t in tables
            ]
            w = _fit_weights(
                np.vstack([t[0].signals[m] for t, m in zip(tables, train, strict=True)]),
                np.concatenate([t[1][m] for t, m in zip(tables, train, strict=True)]),
                args.c,
            )
            held = np.array(
                [(pk_refs[a], by_refs[b]) in held_pairs for a, b in zip(i, j, strict=True)]
            )
            held_ranks += _ranks(scored.signals @ w, label, i, j, held)
        print(_line(f"{Path(path).name} leave-pairs-out", held_ranks))
        print(
            _line(
                f"{Path(path).name} in-sample", _ranks(scored.signals @ weights, label, i, j, None)
            )
        )
    # The calibration of the engine's own scores (its weights as shipped).
    scores = np.concatenate([t[0].score for t in tables])
    calibration = fit_calibration(
        scores, labels, "development set: " + ", ".join(Path(f).name for f in args.files)
    )
    print(f"calibration: slope={calibration.slope:.3f} intercept={calibration.intercept:.3f}")
    for path, (scored, label, *_rest, sectors) in zip(args.files, tables, strict=False):
        shown = np.array([calibration.percent(s) for s in scored.score])
        unrelated = np.array([not _related(a, b) for a, b in sectors])
        partners, others = shown[label], shown[unrelated]
        print(
            f"  {Path(path).name}: intended partners' median shown score "
            f"{np.median(partners):.0f}% (lowest {partners.min()}%); unrelated sectors: median "
            f"{np.median(others):.0f}%, 95th percentile {np.percentile(others, 95):.0f}%, "
            f"max {others.max()}%, share below 25%: {np.mean(others < 25):.3f}"
        )
    if args.write:
        DATA.write_text(json.dumps(asdict(calibration), indent=1) + "\n", encoding="utf-8")
        print(f"written to {DATA}")
    return 0


def _related(a: set[str], b: set[str]) -> bool:
    from matchmaker.matching.taxonomy import relatedness

    return any(relatedness(x, y) > 0 for x in a for y in b)


if __name__ == "__main__":
    sys.exit(main())
