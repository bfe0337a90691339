"""Properties of the matching engine (pure: no Flask, no database)."""

import subprocess
import sys

import numpy as np
import pytest

from matchmaker.matching import FirmProfile, MatchEngine
from matchmaker.matching.evaluate import (
    baseline_scores,
    cached_vectors,
    engine_scores,
    evaluate,
    load_firms,
    load_pairs,
)
from matchmaker.matching.explain import explain
from matchmaker.matching.glossary import default_glossary
from matchmaker.matching.learning import MIN_DECISIONS, fit_weights
from matchmaker.matching.reasons import english, render
from matchmaker.matching.scoring import SIGNALS
from tests.helpers import NO_SHARED_DATA, SHARED_DATA

DATA = SHARED_DATA


def firm(ref, country, sectors, offers, seeks, offer_types=(), seek_types=(), name=""):
    return FirmProfile(
        ref=ref,
        country=country,
        sectors=tuple(sectors),
        offers=offers,
        seeks=seeks,
        offer_types=tuple(offer_types),
        seek_types=tuple(seek_types),
        name=name or ref,
    )


FIRMS = [
    firm(
        "PK-tractor",
        "PK",
        ["tractors"],
        "Assembly hall and dealer network for farm tractors",
        "Tractor kits CKD under licence",
        ["assembly", "distribution"],
        ["licensing"],
    ),
    firm(
        "PK-rice",
        "PK",
        ["rice"],
        "Basmati rice milling and export",
        "Rice importers and grocery chains",
        ["export"],
        ["distribution"],
    ),
    firm(
        "PK-leather",
        "PK",
        ["leather"],
        "Leather jackets and gloves sewn in our factory",
        "Fashion retailers for leather apparel",
        ["manufacturing", "export"],
        ["distribution"],
    ),
    firm(
        "BY-tractor",
        "BY",
        ["tractors"],
        "Tractor kits CKD and licence for assembly",
        "Assembler with dealer network for farm tractors",
        ["licensing"],
        ["assembly", "distribution"],
    ),
    firm(
        "BY-grocer",
        "BY",
        ["rice", "food-processing"],
        "Grocery chain importing rice",
        "Exporters of basmati rice",
        ["distribution"],
        ["export"],
    ),
    firm(
        "BY-fashion",
        "BY",
        ["leather", "textiles"],
        "Fashion stores selling jackets",
        "Makers of leather jackets and gloves",
        ["distribution"],
        ["manufacturing"],
    ),
]


@pytest.mark.slow
def test_engine_imports_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, matchmaker.matching, matchmaker.matching.evaluate;"
        "import matchmaker.matching.explain, matchmaker.matching.learning;"
        "bad = {'flask', 'sqlalchemy', 'flask_sqlalchemy'} & set(sys.modules);"
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_proposals_hold_each_firms_best_partners_once_with_scores_in_range():
    engine = MatchEngine().fit(FIRMS)
    pairs = engine.propose(top_k=2)
    n_pk, n_by = len(engine.pk_firms), len(engine.by_firms)
    every = engine.score_pairs(np.repeat(np.arange(n_pk), n_by), np.tile(np.arange(n_by), n_pk))
    score = np.zeros((n_pk, n_by))
    score[every.pk, every.by] = every.score
    found = set(zip(pairs.pk.tolist(), pairs.by.tolist(), strict=True))
    assert len(found) == len(pairs)  # no pair twice
    for i in range(n_pk):  # each PK firm's two best BY partners, by exact scores
        assert {(i, int(j)) for j in np.argsort(-score[i])[:2]} <= found
    for j in range(n_by):  # and each BY firm's two best PK partners
        assert {(int(i), j) for i in np.argsort(-score[:, j])[:2]} <= found
    assert np.all((pairs.score >= 0) & (pairs.score <= 1))


def test_every_firm_finds_its_complement_first():
    engine = MatchEngine().fit(FIRMS)
    for i, pk in enumerate(engine.pk_firms):
        ranked = engine.rank_for(i, "PK")
        best = engine.by_firms[ranked.by[np.argmax(ranked.score)]]
        assert best.ref == pk.ref.replace("PK-tractor", "BY-tractor").replace(
            "PK-rice", "BY-grocer"
        ).replace("PK-leather", "BY-fashion")


def test_scores_are_the_same_from_both_sides():
    engine = MatchEngine().fit(FIRMS)
    from_pk = engine.rank_for(0, "PK")
    for j, score in zip(from_pk.by, from_pk.score, strict=True):
        from_by = engine.rank_for(int(j), "BY")
        assert from_by.score[list(from_by.pk).index(0)] == pytest.approx(score)


def test_results_are_deterministic():
    first = MatchEngine().fit(FIRMS).propose(top_k=2)
    second = MatchEngine().fit(list(reversed(FIRMS))).propose(top_k=2)
    assert np.array_equal(first.pk, second.pk) and np.array_equal(first.by, second.by)
    assert np.array_equal(first.score, second.score)


def test_one_way_fit_ranks_below_two_way_fit():
    a = firm(
        "PK-a",
        "PK",
        ["transformers"],
        "transformer tanks and enclosures fabrication",
        "power transformer design licence",
    )
    two_way = firm(
        "BY-two",
        "BY",
        ["transformers"],
        "power transformer design licence",
        "transformer tanks and enclosures fabrication",
    )
    one_way = firm(
        "BY-one",
        "BY",
        ["transformers"],
        "power transformer design licence",
        "citrus juice concentrate buyers",
    )
    engine = MatchEngine().fit([a, two_way, one_way])
    ranked = engine.rank_for(0, "PK")
    scores = {engine.by_firms[j].ref: s for j, s in zip(ranked.by, ranked.score, strict=True)}
    assert scores["BY-two"] > scores["BY-one"]


def test_reasons_are_never_empty_and_name_what_fits():
    engine = MatchEngine().fit(FIRMS)
    pairs = engine.propose(top_k=3)
    reasons = explain(engine, pairs)
    assert len(reasons) == len(pairs)
    assert all(r and all(render(code) for code in r) for r in reasons)
    tractor = next(
        n
        for n, (i, j) in enumerate(zip(pairs.pk, pairs.by, strict=True))
        if engine.pk_firms[i].ref == "PK-tractor" and engine.by_firms[j].ref == "BY-tractor"
    )
    assert {"code": "sectors_shared", "sectors": ("tractors",)} in reasons[tractor]
    # BY offers licensing, which PK seeks: named with the type's label in English.
    text = " ".join(english(reasons[tractor], type_labels={"licensing": "Technology licence"}))
    assert "BY-tractor offers Technology licence, which PK-tractor is looking for." in text


def test_a_firm_with_nothing_in_common_still_gets_a_reason():
    lonely = [
        firm("PK-x", "PK", ["medical-instruments"], "aaa bbb", "ccc ddd"),
        firm("BY-y", "BY", ["concrete"], "eee fff", "ggg hhh"),
    ]
    engine = MatchEngine().fit(lonely)
    pairs = engine.rank_for(0, "PK")
    assert all(english(r) for r in explain(engine, pairs))


def test_glossary_maps_russian_urdu_and_roman_urdu_to_shared_concepts():
    glossary = default_glossary()
    assert "tractor" in glossary.concepts_of("Производим тракторы")
    assert "tractor" in glossary.concepts_of("ٹریکٹروں کی اسمبلی")
    assert "rice" in glossary.concepts_of("basmati chawal ki export")
    assert "leather" in glossary.concepts_of("кожаные куртки")
    assert "leather" in glossary.concepts_of("چمڑے کی جیکٹیں")


def test_russian_and_urdu_profiles_find_their_english_partners():
    firms = [
        firm(
            "PK-en",
            "PK",
            ["mining-coal"],
            "Open-pit lignite mine with a fleet of trucks",
            "Heavy dump trucks and loaders with service and spare parts",
            ["investment"],
            ["export"],
        ),
        firm(
            "PK-ur",
            "PK",
            ["leather"],
            "چمڑے کی جیکٹیں اور دستانے، اپنی فیکٹری",
            "ملبوسات کے برانڈ جو چمڑے کی جیکٹیں بنوائیں",
            ["manufacturing"],
            ["distribution"],
        ),
        firm(
            "BY-ru",
            "BY",
            ["mining-coal"],
            "Производим карьерные самосвалы и погрузчики, сервис",
            "Угольная компания для поставки самосвалов",
            ["export"],
            ["investment"],
        ),
        firm(
            "BY-en",
            "BY",
            ["leather"],
            "Fashion stores selling leather jackets",
            "Factories that sew leather jackets and gloves",
            ["distribution"],
            ["manufacturing"],
        ),
        firm("BY-other", "BY", ["concrete"], "Precast concrete panels", "Housing developers"),
    ]
    engine = MatchEngine().fit(firms)
    for i, pk in enumerate(engine.pk_firms):
        ranked = engine.rank_for(i, "PK")
        best = engine.by_firms[ranked.by[np.argmax(ranked.score)]].ref
        assert best == {"PK-en": "BY-ru", "PK-ur": "BY-en"}[pk.ref]


def test_weights_are_learned_only_from_enough_decisions():
    rng = np.random.default_rng(0)
    signals = rng.random((MIN_DECISIONS - 1, len(SIGNALS)))
    assert fit_weights(signals, signals[:, 4] > 0.5).weights is None
    signals = rng.random((200, len(SIGNALS)))
    # Staff here approve by sector fit alone: fitted weights should beat the defaults.
    approved = signals[:, 4] > 0.6
    report = fit_weights(signals, approved)
    assert report.weights is not None
    assert report.gain > 0
    assert np.argmax(report.weights.coef) == 4


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "dev_pairs.csv").exists(), reason=NO_SHARED_DATA)
def test_engine_beats_the_tfidf_baseline_on_the_development_set():
    firms = load_firms(str(DATA / "dev_firms.jsonl"))
    pairs = load_pairs(str(DATA / "dev_pairs.csv"))
    engine = evaluate(firms, pairs, engine_scores)["both sides"]
    baseline = evaluate(firms, pairs, baseline_scores)["both sides"]
    assert engine.mrr > baseline.mrr + 0.1
    assert engine.hits(3) > baseline.hits(3)


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "dev_firms.jsonl").exists(), reason=NO_SHARED_DATA)
@pytest.mark.parametrize("block_cells", [40, 400, 10**7])
def test_blockwise_proposals_equal_the_brute_force_top_k(monkeypatch, block_cells):
    from matchmaker.matching import model

    monkeypatch.setattr(model, "BLOCK_CELLS", block_cells)
    firms = load_firms(str(DATA / "dev_firms.jsonl"))
    # The texts embedded once per process (as the evaluation does), not once per block size.
    engine = MatchEngine().fit(firms, cached_vectors(firms))
    k = 3
    pairs = engine.propose(top_k=k)
    got = set(zip(pairs.pk.tolist(), pairs.by.tolist(), strict=True))
    expected = set()
    for country, firms in (("PK", engine.pk_firms), ("BY", engine.by_firms)):
        for index in range(len(firms)):
            ranked = engine.rank_for(index, country)
            partner = ranked.by if country == "PK" else ranked.pk
            order = np.lexsort((partner, -ranked.score))[:k]
            expected |= set(zip(ranked.pk[order].tolist(), ranked.by[order].tolist(), strict=True))
    assert got == expected


def test_an_unfitted_engine_says_so_and_propose_leaves_its_parameters_alone():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        MatchEngine().propose()
    engine = MatchEngine(top_k=4).fit(FIRMS)
    engine.propose(top_k=1)
    assert engine.get_params()["top_k"] == 4  # a method never changes a parameter


def test_an_upserted_firm_scores_exactly_as_in_a_fit_on_the_same_firms():
    # New words, a new firm and an edit: the word frequencies follow, so nothing is stale.
    edited = firm(
        "BY-grocer",
        "BY",
        ["citrus"],
        "Supermarket chain importing kinnow mandarins and fresh oranges",
        "Citrus packers with cold storage and reefers",
        ["distribution"],
        ["export"],
    )
    newcomer = firm(
        "PK-kinnow",
        "PK",
        ["citrus"],
        "Kinnow grading, waxing and packing line in Sargodha, reefers to Europe",
        "Importers of kinnow in supermarkets",
        ["export"],
        ["distribution"],
    )
    incremental = MatchEngine().fit(FIRMS)
    for changed in (edited, newcomer):
        # Scored before each change, so that the sides' matrices are held when a change
        # comes (an edit replaces a row, the newcomer adds one): nothing held may go stale.
        incremental.propose()
        incremental.upsert_firm(changed)
    final = [f for f in FIRMS if f.ref != "BY-grocer"] + [edited, newcomer]
    full = MatchEngine().fit(final)
    for country, firms in (("PK", full.pk_firms), ("BY", full.by_firms)):
        for index, profile in enumerate(firms):
            mine = incremental.rank_for(incremental.index_of(profile.ref, country), country)
            theirs = full.rank_for(index, country)
            partners = incremental.by_firms if country == "PK" else incremental.pk_firms
            got = dict(
                zip(
                    [partners[n].ref for n in (mine.by if country == "PK" else mine.pk)],
                    mine.score,
                    strict=True,
                )
            )
            full_partners = full.by_firms if country == "PK" else full.pk_firms
            ids = theirs.by if country == "PK" else theirs.pk
            for n, score in zip(ids, theirs.score, strict=True):
                assert got[full_partners[n].ref] == pytest.approx(score, abs=1e-6)


def test_meaning_bridges_languages_without_shared_words():
    # No word and no glossary concept in common: only the embedding connects these two.
    firms = [
        firm("PK-a", "PK", ["textiles"], "Bed linen and bath towels", "Department stores abroad"),
        firm(
            "BY-ru",
            "BY",
            ["textiles"],
            "Сеть универмагов, продаём товары для дома",
            "Поставщики постельного белья и махровых полотенец",
        ),
        firm("BY-en", "BY", ["textiles"], "Diesel generators", "Buyers of diesel generators"),
    ]
    engine = MatchEngine().fit(firms)
    ranked = engine.rank_for(0, "PK")
    meaning = dict(
        zip(
            [engine.by_firms[j].ref for j in ranked.by],
            ranked.signals[:, SIGNALS.index("meaning")],
            strict=True,
        )
    )
    assert meaning["BY-ru"] > meaning["BY-en"] + 0.2


def test_sentences_are_whole_across_abbreviations():
    from matchmaker.matching.sentences import split_sentences

    russian = "Тракторы 50–90 л.с. (модели IT-522) с дизелем. До 3 тыс. единиц в год. Обучение."
    assert split_sentences(russian) == (
        "Тракторы 50–90 л.с. (модели IT-522) с дизелем.",
        "До 3 тыс. единиц в год.",
        "Обучение.",
    )
    urdu = "ہم کنو برآمد کرتے ہیں۔ ہمیں خریدار چاہیے۔"
    assert split_sentences(urdu) == ("ہم کنو برآمد کرتے ہیں۔", "ہمیں خریدار چاہیے۔")
    english_text = "We make 2.5 MVA units, e.g. for utilities. Dr. Khan leads sales."
    assert split_sentences(english_text) == (
        "We make 2.5 MVA units, e.g. for utilities.",
        "Dr. Khan leads sales.",
    )


def test_gear_is_machinery_not_clothing():
    glossary = default_glossary()
    assert "outerwear" not in glossary.concepts_of("gearbox and gear cutting")
    assert "parts" in glossary.concepts_of("gear cutting")


def test_shown_strength_is_calibrated_and_monotone():
    from matchmaker.matching.calibration import Calibration, shipped

    calibration = shipped()
    percents = [calibration.percent(s) for s in np.linspace(0, 1, 21)]
    assert percents == sorted(percents) and percents[0] < 5 and percents[-1] > 95
    assert Calibration.label(90) == "strong" and Calibration.label(10) == "possible"
