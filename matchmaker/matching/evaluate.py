"""Matching quality on a labelled set: hits@1, hits@3, hits@5 and MRR of the labelled partner.

    python -m matchmaker.matching.evaluate FIRMS.jsonl PAIRS.csv

Each labelled pair is ranked from both sides (the PK firm among all BY firms and the reverse),
for the engine and for a plain TF-IDF cosine baseline on the same firms.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from matchmaker.matching.embedding import default_embedder, embed_profiles, field_texts, text_hash
from matchmaker.matching.features import FirmProfile
from matchmaker.matching.model import MatchEngine

_VECTORS: dict[str, np.ndarray] = {}


def cached_vectors(firms: Sequence[FirmProfile]) -> dict[str, np.ndarray]:
    """Each firm's embeddings, by ref; texts embedded once per process (the same firm appears
    in both development files and in several evaluations)."""
    embedder = default_embedder()
    texts = [field_texts(f.offers, f.seeks, f.description) for f in firms]
    keys = [text_hash(t) for t in texts]
    todo = [n for n, key in enumerate(keys) if key not in _VECTORS]
    if todo:
        vectors = embed_profiles(embedder, [texts[n] for n in todo])
        _VECTORS.update({keys[n]: vectors[row] for row, n in enumerate(todo)})
    return {f.ref: _VECTORS[key] for f, key in zip(firms, keys, strict=True)}


def load_firms(path: str) -> list[FirmProfile]:
    firms = []
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                firms.append(profile_from_record(json.loads(line)))
    return firms


def profile_from_record(r: dict) -> FirmProfile:
    return FirmProfile(
        ref=r["ref"],
        country=r["country"],
        sectors=tuple(r.get("sectors") or ()),
        offers=r.get("offers") or "",
        seeks=r.get("seeks") or "",
        description=r.get("description") or "",
        offer_types=tuple(r.get("offer_types") or ()),
        seek_types=tuple(r.get("seek_types") or ()),
        name=r.get("name") or "",
    )


def load_pairs(path: str) -> list[tuple[str, str]]:
    with open(path, encoding="utf-8", newline="") as stream:
        return [(row["pk_ref"], row["by_ref"]) for row in csv.DictReader(stream)]


@dataclass
class Metrics:
    ranks: list[int]

    def hits(self, k: int) -> float:
        return float(np.mean([r <= k for r in self.ranks])) if self.ranks else 0.0

    @property
    def mrr(self) -> float:
        return float(np.mean([1.0 / r for r in self.ranks])) if self.ranks else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<28} n={len(self.ranks):<4} hits@1={self.hits(1):.3f} "
            f"hits@3={self.hits(3):.3f} hits@5={self.hits(5):.3f} MRR={self.mrr:.3f}"
        )


RankFn = Callable[[str, Sequence[str]], dict[str, float]]


def _rank_of(scores: dict[str, float], target: str) -> int:
    # Ties count against the labelled partner, so a constant scorer cannot look good.
    best = scores[target]
    return 1 + sum(1 for ref, s in scores.items() if ref != target and s >= best)


def engine_scores(firms: Sequence[FirmProfile]) -> Callable[[str], dict[str, float]]:
    engine = MatchEngine().fit(firms, cached_vectors(firms))
    pk_index = {f.ref: i for i, f in enumerate(engine.pk_firms_)}
    by_index = {f.ref: i for i, f in enumerate(engine.by_firms_)}
    pk_refs = [f.ref for f in engine.pk_firms_]
    by_refs = [f.ref for f in engine.by_firms_]

    def scores(ref: str) -> dict[str, float]:
        if ref in pk_index:
            pairs = engine.rank_for(pk_index[ref], "PK")
            return {by_refs[j]: s for j, s in zip(pairs.by, pairs.score, strict=True)}
        pairs = engine.rank_for(by_index[ref], "BY")
        return {pk_refs[i]: s for i, s in zip(pairs.pk, pairs.score, strict=True)}

    return scores


def baseline_scores(firms: Sequence[FirmProfile]) -> Callable[[str], dict[str, float]]:
    """Plain TF-IDF cosine of whole profiles, PK against BY only."""
    texts = [f"{f.offers}\n{f.seeks}\n{f.description}" for f in firms]
    vectors = normalize(TfidfVectorizer(sublinear_tf=True).fit_transform(texts))
    index = {f.ref: i for i, f in enumerate(firms)}
    sims = (vectors @ vectors.T).toarray()

    def scores(ref: str) -> dict[str, float]:
        me = firms[index[ref]]
        return {
            f.ref: float(sims[index[ref], index[f.ref]]) for f in firms if f.country != me.country
        }

    return scores


def evaluate(
    firms: Sequence[FirmProfile], pairs: Sequence[tuple[str, str]], scorer_factory
) -> dict[str, Metrics]:
    scores = scorer_factory(firms)
    pk_side, by_side = [], []
    for pk_ref, by_ref in pairs:
        pk_side.append(_rank_of(scores(pk_ref), by_ref))
        by_side.append(_rank_of(scores(by_ref), pk_ref))
    return {
        "both sides": Metrics(pk_side + by_side),
        "PK firm -> BY partner": Metrics(pk_side),
        "BY firm -> PK partner": Metrics(by_side),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("firms")
    parser.add_argument("pairs")
    parser.add_argument("--subset", help="only pairs whose firms match: 'cyrillic' or 'urdu'")
    args = parser.parse_args(argv)
    firms = load_firms(args.firms)
    pairs = load_pairs(args.pairs)
    refs = {f.ref for f in firms}
    missing = [p for p in pairs if p[0] not in refs or p[1] not in refs]
    if missing:
        print(f"pairs name unknown firms: {missing[:5]}", file=sys.stderr)
        return 1
    results = {
        "engine": evaluate(firms, pairs, engine_scores),
        "baseline tf-idf": evaluate(firms, pairs, baseline_scores),
    }
    by_ref = {f.ref: f for f in firms}
    subsets = {
        "non-English pairs": [p for p in pairs if any(_non_latin(by_ref[r]) for r in p)],
    }
    print(f"{len(firms)} firms, {len(pairs)} labelled pairs")
    for name, per_side in results.items():
        for side, metrics in per_side.items():
            print(metrics.line(f"{name} [{side}]"))
    for subset, chosen in subsets.items():
        if chosen:
            for name, factory in (("engine", engine_scores), ("baseline tf-idf", baseline_scores)):
                print(evaluate(firms, chosen, factory)["both sides"].line(f"{name} [{subset}]"))
    return 0


def _non_latin(firm: FirmProfile) -> bool:
    text = firm.offers + firm.seeks
    return sum(1 for ch in text if ord(ch) > 0x370) > len(text) // 4


if __name__ == "__main__":
    sys.exit(main())
