"""The hubness correction's neighbour lists: one pass equals the plain computation, and one
changed, new or removed firm leaves them as a full computation on the same firms would."""

import numpy as np
import pytest

from matchmaker.matching import FirmProfile, MatchEngine
from matchmaker.matching.hubness import Neighbours, neighbours_of, top_k


def unit(rng, n, dim=16):
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize(("n", "m", "k"), [(7, 3, 5), (40, 40, 5), (300, 500, 5), (600, 20, 3)])
def test_one_pass_equals_each_side_computed_alone(n, m, k):
    rng = np.random.default_rng(n + m)
    a, b = unit(rng, n), unit(rng, m)
    rows, cols = neighbours_of(a, b, k)
    assert np.array_equal(rows.index, top_k(a, b, k).index)
    assert np.array_equal(cols.index, top_k(b, a, k).index)
    assert np.allclose(rows.values, top_k(a, b, k).values)


def test_changes_keep_the_lists_of_a_full_computation():
    rng = np.random.default_rng(3)
    a, b = unit(rng, 60), unit(rng, 45)
    kept = Neighbours.fit(a, b, 5)
    # A hub: a vector near everything of the other side, then edited away again.
    a[7] = b.mean(axis=0) / np.linalg.norm(b.mean(axis=0))
    kept.changed("rows", 7, a, b)
    a[7] = unit(rng, 1)[0]
    kept.changed("rows", 7, a, b)
    b = np.vstack([b, unit(rng, 1)])
    kept.changed("cols", len(b) - 1, b, a)
    b = np.delete(b, 3, axis=0)
    kept.removed("cols", 3, b, a)
    full = Neighbours.fit(a, b, 5)
    for mine, theirs in ((kept.rows, full.rows), (kept.cols, full.cols)):
        assert np.array_equal(mine.index, theirs.index)
        assert np.allclose(mine.hub(), theirs.hub(), atol=1e-6)


def test_a_firm_put_into_the_engine_scores_as_in_a_full_fit():
    rng = np.random.default_rng(5)

    def firm(ref, country):
        return FirmProfile(ref, country, ("textiles",), f"offers {ref}", f"seeks {ref}")

    firms = [firm(f"PK-{n:02d}", "PK") for n in range(14)]
    firms += [firm(f"BY-{n:02d}", "BY") for n in range(12)]
    vectors = {f.ref: unit(rng, 2, 384) for f in firms}
    engine = MatchEngine().fit(firms, vectors)
    before = engine.rank_for(engine.index_of("PK-03", "PK"), "PK").score
    edited = firm("PK-03", "PK")
    vectors["PK-03"] = unit(rng, 2, 384)
    engine.upsert_firm(edited, vectors["PK-03"])
    newcomer = firm("BY-99", "BY")
    vectors["BY-99"] = unit(rng, 2, 384)
    engine.upsert_firm(newcomer, vectors["BY-99"])
    full = MatchEngine().fit(firms + [newcomer], vectors)
    for ref, country in (("PK-03", "PK"), ("BY-99", "BY"), ("BY-04", "BY"), ("PK-10", "PK")):
        mine = engine.rank_for(engine.index_of(ref, country), country)
        theirs = full.rank_for(full.index_of(ref, country), country)
        partners = engine.by_firms if country == "PK" else engine.pk_firms
        full_partners = full.by_firms if country == "PK" else full.pk_firms
        got = {
            partners[n].ref: s
            for n, s in zip(mine.by if country == "PK" else mine.pk, mine.score, strict=True)
        }
        for n, s in zip(theirs.by if country == "PK" else theirs.pk, theirs.score, strict=True):
            assert got[full_partners[n].ref] == pytest.approx(s, abs=1e-6)
    after = engine.rank_for(engine.index_of("PK-03", "PK"), "PK").score
    assert not np.allclose(before, after[: len(before)])
