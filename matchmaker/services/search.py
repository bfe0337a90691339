"""Directory search that understands English, Russian and Urdu, ranked by relevance.

A search word matches a profile's word when it is the same whole word, an inflection of it
(one is the other plus at most two letters: "tractor" / "tractors", «трактор» / «тракторы»;
"tractors" never matches "contractors"), one typo away (words of five letters or more), or
names the same glossary concept in another language ("tractor" / «трактор» / «ٹریکٹر»).
Every word of the search must match. Matches are ranked by how well their words match (the
firm's name counts double) plus how close the search is in meaning to what the firm offers
and seeks (the stored sentence embeddings, e5's query side for the search).

The words of every firm are indexed in process, rebuilt when what it reads of a firm or its
sectors changes (a count kept by the database, checked with one small query per search, or by
the statement that reads the page's firms: `rank`, `STAMP`), with the firms' stored vectors
as they are then; search works the same on SQLite and PostgreSQL. Each index keeps the
rankings of its last searches (`_ranked`), gone with it when a write builds the next.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Engine, Row, func, select
from sqlalchemy.orm import Session

from matchmaker.matching.embedding import default_embedder
from matchmaker.matching.glossary import default_glossary, tokens
from matchmaker.models import Firm, FirmSector, SearchChanges
from matchmaker.services import embeddings
from matchmaker.services.reads import read

MAX_RESULTS = 1000
INFLECTION = 2  # letters a word may add to another and still be the same word
MEANING_WEIGHT = 1.0
EXACT, INFLECTED, TYPO, CONCEPT = 1.0, 0.9, 0.7, 0.6
GATHER_SHARE = 3  # gather the matches' vectors when they are under a third of the firms
RANKINGS_HELD = 256  # searches whose ranking an index keeps (`_Index.rankings`)


@dataclass
class _Index:
    stamp: int
    ids: np.ndarray
    country: np.ndarray
    sectors: dict[str, np.ndarray]  # sector code -> whether each row has it
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # word -> (rows, weights)
    deletes: dict[str, set[str]]  # word with one letter deleted -> words
    concepts: dict[str, set[str]]  # glossary concept -> words naming it
    vectors: np.ndarray  # (n, 2, dim) offers and seeks embeddings (zero when missing)
    sorted_words: list[str] = field(default_factory=list)
    # The rankings of the last searches, by (words, sector, country): an index never changes
    # once built, and a write makes a new one, so a ranking held here is never stale (the
    # query result cache of a search engine, kept per index as Lucene's searchers keep theirs).
    rankings: dict[tuple[tuple[str, ...], str, str], np.ndarray] = field(default_factory=dict)


_lock = threading.Lock()  # the indexes held, by engine
_building = threading.Lock()  # one build at a time
_indexes: dict[object, _Index] = {}


# What the index follows: the count of writes to the firms' searched columns and to their
# sectors (kept by triggers: models.SearchChanges), as a column of another statement
# (uncorrelated: read once per statement) or a statement of its own.
STAMP = (
    select(func.coalesce(func.sum(SearchChanges.total), 0)).scalar_subquery().label("index_stamp")
)
_STAMP = select(STAMP)


def _stamp(session: Session) -> int:
    """The count of writes the index follows (models.SearchChanges; 0 before any). It is read
    before the firms an index is built from, so a write between the two is seen again, never
    missed."""
    return int(read(session, _STAMP).scalar_one())


def _index(session: Session, checked: bool = True) -> _Index:
    """The held index, checked against the database's stamp first, or not (`rank`). An index
    is built on a connection of its own (`_build`), one build at a time: a request that waited
    for another's build takes it when it has the stamp it read."""
    engine = session.get_bind().engine
    with _lock:
        held = _indexes.get(engine)
    if held is not None and not checked:
        return held
    stamp = _stamp(session)
    if held is not None and held.stamp == stamp:
        return held
    with _building:
        with _lock:
            held = _indexes.get(engine)
        if held is not None and held.stamp == stamp:
            return held
        built = _build(engine)
        with _lock:
            _indexes[engine] = built
    return built


def warm(session: Session) -> None:
    """Build the word index before the first search. gunicorn builds it in its master before
    forking (jobs/matching.warm_engine), so every worker, a recycled one too, starts with it:
    built in the first search of each new worker it held that search and the ones behind it
    for 2.8-4.6 s at 20,000 firms (benchmarks/load.py, directory search p95 4,058 ms in a
    round where workers were recycled)."""
    _index(session)


def _build(engine: Engine) -> _Index:
    """The index of what is committed, read on a connection of its own: built in a request's
    session, it would hold what that request wrote and then perhaps rolled back, under the
    stamp of the database without it (a transaction counts as it commits)."""
    with Session(engine) as session:
        stamp = _stamp(session)
        return _built(session, stamp)


def _built(session: Session, stamp: int) -> _Index:
    rows = session.execute(
        select(
            Firm.id, Firm.country, Firm.name, Firm.city, Firm.offers, Firm.seeks, Firm.description
        ).order_by(Firm.id)
    ).all()
    sectors: dict[int, set[str]] = defaultdict(set)
    for firm_id, code in session.execute(select(FirmSector.firm_id, FirmSector.sector_code)):
        sectors[firm_id].add(code)
    postings: dict[str, dict[int, float]] = defaultdict(dict)
    for row_number, row in enumerate(rows):
        counts = Counter(tokens(" ".join(t or "" for t in row[3:])))
        for word in tokens(row.name or ""):
            counts[word] += 1
        named = set(tokens(row.name or ""))
        for word, tf in counts.items():
            # A word in the name counts double; repeats count less and less (1 + log tf).
            postings[word][row_number] = (2.0 if word in named else 1.0) * (1.0 + np.log(tf))
    arrays = {
        word: (
            np.fromiter(rows_of, dtype=np.int64, count=len(rows_of)),
            np.fromiter(rows_of.values(), dtype=np.float32, count=len(rows_of)),
        )
        for word, rows_of in postings.items()
    }
    deletes: dict[str, set[str]] = defaultdict(set)
    concepts: dict[str, set[str]] = defaultdict(set)
    glossary = default_glossary()
    for word in postings:
        if len(word) >= 5:
            for variant in _deletions(word):
                deletes[variant].add(word)
        for concept in glossary.token_concepts(word):
            concepts[concept].add(word)
    ids = np.array([r.id for r in rows], dtype=np.int64)
    in_sector: dict[str, np.ndarray] = {}
    for row_number, row in enumerate(rows):
        for code in sectors.get(row.id, ()):
            in_sector.setdefault(code, np.zeros(len(rows), dtype=bool))[row_number] = True
    embedder = default_embedder()
    found = embeddings.load_vectors(session, embedder)
    vectors = np.zeros((len(rows), 2, embedder.dim), dtype=np.float32)
    for n, firm_id in enumerate(ids.tolist()):
        if firm_id in found:
            vectors[n] = found[firm_id]
    return _Index(
        stamp,
        ids,
        np.array([r.country for r in rows]),
        in_sector,
        arrays,
        dict(deletes),
        dict(concepts),
        vectors,
        sorted(postings),
    )


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Whether a and b differ by one substitution, insertion or deletion."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _word_rows(index: _Index, word: str) -> np.ndarray:
    """How strongly each row matches one search word (0: not at all)."""
    out = np.zeros(len(index.ids), dtype=np.float32)
    seen: set[str] = set()

    def add(candidate: str, strength: float) -> None:
        # Each distinct word of a profile counts once, at its strongest match.
        if candidate in seen or candidate not in index.postings:
            return
        seen.add(candidate)
        rows, weights = index.postings[candidate]
        out[rows] += weights * np.float32(strength)

    def expand(term: str, strength: float) -> None:
        add(term, strength)
        if len(term) >= 4:  # "tractor" -> "tractors", «трактор» -> «тракторы»
            at = bisect_left(index.sorted_words, term)
            while at < len(index.sorted_words) and index.sorted_words[at].startswith(term):
                candidate = index.sorted_words[at]
                if candidate != term and len(candidate) <= len(term) + INFLECTION:
                    add(candidate, strength * INFLECTED)
                at += 1
        for cut in range(1, INFLECTION + 1):  # "tractors" -> "tractor"
            if len(term) - cut >= 4:
                add(term[:-cut], strength * INFLECTED)
        for concept in default_glossary().token_concepts(term):
            for candidate in index.concepts.get(concept, ()):
                add(candidate, strength * CONCEPT)

    expand(word, EXACT)
    if len(word) >= 5:
        for candidate in _near(index.deletes, word) | _near(_glossary_deletes(), word):
            if _one_edit(word, candidate):
                expand(candidate, TYPO)
    return out


def _near(deletes: dict[str, set[str]], word: str) -> set[str]:
    """Words one deletion away from `word`, or sharing a deletion with it."""
    found = set(deletes.get(word, ()))
    for variant in _deletions(word):
        found |= deletes.get(variant, set())
        found.add(variant)
    return found


@lru_cache(maxsize=1)
def _glossary_deletes() -> dict[str, set[str]]:
    """The glossary's words by their one-letter deletions (a typo of a glossary word in any
    language still finds its concept)."""
    glossary = default_glossary()
    out: dict[str, set[str]] = defaultdict(set)
    for word in [*glossary.exact, *glossary.prefix]:
        if len(word) >= 5:
            out[word].add(word)
            for variant in _deletions(word):
                out[variant].add(word)
    return dict(out)


@lru_cache(maxsize=4096)
def _query_vector(text: str) -> np.ndarray:
    return default_embedder().embed([text], "query")[0]


@dataclass(frozen=True, slots=True)
class Ranking:
    """A search's firms, best first, and the stamp of the index that ranked them."""

    ids: list[int]
    stamp: int

    def current(self, row: Row[Any]) -> bool:
        """Whether the index was current for a row read with the `STAMP` column."""
        return self.stamp == row.index_stamp


def rank(
    session: Session, text: str, sector: str = "", country: str = "", *, checked: bool
) -> Ranking:
    """`search_firm_ids`, with the stamp of the index used. Unchecked, the index held is used
    as it is and the caller checks it with the statement it reads the firms with (`STAMP`
    among its columns, `Ranking.current`), asking again checked when it was not current: one
    statement and round trip fewer for every search. benchmarks/pages.py's directory search,
    interleaved with the code before in one run: 4.94 -> 4.58 ms CPU per request (median of
    30 rounds)."""
    index = _index(session, checked)
    return Ranking(_ranked(index, text, sector, country, MAX_RESULTS), index.stamp)


def search_firm_ids(
    session: Session, text: str, sector: str = "", country: str = "", limit: int = MAX_RESULTS
) -> list[int]:
    """The ids of the firms matching every word of `text`, best first (ties by id): at most
    `limit`, and never more than MAX_RESULTS."""
    return _ranked(_index(session), text, sector, country, limit)


def _ranked(index: _Index, text: str, sector: str, country: str, limit: int) -> list[int]:
    """The ranking of a search the index has ranked lately is taken as it was: the same words
    return the same firms in the same order from the same index. A search asked again skips
    its word lookups and its 1,308 vectors' gather and product (search + sector, 20,000
    firms): benchmarks/compare.py, 30 rounds, CPU per request, search + sector 12.08 -> 9.61
    ms, directory search 12.20 -> 9.63, API firm search 8.81 -> 5.99; a search not kept costs
    what it did."""
    words = tuple(dict.fromkeys(tokens(text)))[:8]
    if not words:
        return []
    key = (words, sector, country)
    held = index.rankings.get(key)
    if held is None:
        held = _ranking(index, words, sector, country)
        if len(index.rankings) >= RANKINGS_HELD:
            index.rankings.clear()  # a bounded memory; the searches asked again come back
        index.rankings[key] = held
    return held[:limit].tolist()


def _ranking(index: _Index, words: tuple[str, ...], sector: str, country: str) -> np.ndarray:
    """Every firm matching all the words (under the filters), best first (ties by id)."""
    total = np.zeros(len(index.ids), dtype=np.float32)
    every = np.ones(len(index.ids), dtype=bool)
    for word in words:
        strength = _word_rows(index, word)
        every &= strength > 0
        total += strength
    if country:
        every &= index.country == country
    if sector:
        every &= index.sectors.get(sector, False)
    rows = np.flatnonzero(every)
    if not len(rows):
        return index.ids[:0]
    embedder = default_embedder()
    query = _query_vector(" ".join(words))
    if len(rows) * GATHER_SHARE < len(index.ids):
        # The matching firms' vectors only: 0.56 ms for 1,308 of 20,000 firms, against 1.55 ms
        # for one product over all (benchmarks/search.py, its last lines).
        cosines = index.vectors[rows] @ query
    else:
        flat = index.vectors.reshape(-1, index.vectors.shape[-1])
        cosines = (flat @ query).reshape(len(index.ids), -1)[rows]
    meaning = embedder.rescale(cosines.max(axis=1))
    score = total[rows] / len(words) + MEANING_WEIGHT * meaning
    order = np.lexsort((index.ids[rows], -score))[:MAX_RESULTS]
    return index.ids[rows[order]]
