"""Turning firm profiles into vectors: words, glossary concepts, sectors and cooperation types."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from matchmaker.matching.glossary import Glossary, default_glossary, tokens
from matchmaker.matching.taxonomy import COOPERATION_TYPES, SECTORS, relatedness_matrix

# Words that every profile uses and that say nothing about fit.
STOP_WORDS = frozenset(
    """a an and are as at be been by can for from has have in into is it its of on or our
    ours per the their them these they this those to up us we with will would also about
    any all other such than that which who whose what where when while both each more most
    over under year years per cent a year partner partners company companies firm firms
    pakistan pakistani belarus belarusian minsk lahore karachi want wants looking look seek
    seeks need needs interested offer offers provide provides able own us ltd pvt llc ojsc
    и в во на с со по для из к от до о об а но или что как это мы наш наша наши наших нам
    нас их его её они year лет год года тыс также ищем нужен нужна нужны готовы беларусь
    белорусск пакистан пакистанск партнер партнёр партнёра партнера компания компании
    ہم ہیں ہے کے کی کا میں سے کو اور کہ ایک یہ وہ پر بھی لیے چاہتے
    hum hain hai ke ki ka mein se ko aur keh ek yeh woh par bhi liye chahte""".split()
)


SENTINEL = "zzsentinelzz"
SENTENCE_END = re.compile(r"(?<=[.!?۔])\s+|\n+")


def split_sentences(text: str) -> list[str]:
    return [p.strip() for p in SENTENCE_END.split(text or "") if p and p.strip()]


@dataclass(frozen=True)
class FirmProfile:
    """What the engine needs to know of a firm. Lists keep the firm's own order."""

    ref: str
    country: str
    sectors: tuple[str, ...]
    offers: str
    seeks: str
    description: str = ""
    offer_types: tuple[str, ...] = ()
    seek_types: tuple[str, ...] = ()
    name: str = ""


@dataclass
class TextMatrix:
    """Texts as two blocks: sparse word TF-IDF and dense glossary-concept TF-IDF, each row of
    unit length and scaled so that a row's dot product with another is
    word_share * word cosine + (1 - word_share) * concept cosine."""

    words: sp.csr_matrix
    concepts: np.ndarray

    def __len__(self) -> int:
        return self.words.shape[0]

    def take(self, rows: np.ndarray) -> TextMatrix:
        return TextMatrix(self.words[rows], self.concepts[rows])

    def cross(self, other: TextMatrix, other_words_t: sp.csr_matrix | None = None) -> np.ndarray:
        """All dot products, (len(self), len(other)), float32."""
        words_t = other_words_t if other_words_t is not None else other.words.T.tocsr()
        out = (self.words @ words_t).toarray()
        out += self.concepts @ other.concepts.T
        return out

    def pair_dot(self, other: TextMatrix) -> np.ndarray:
        """Row i of self with row i of other."""
        words = np.asarray(self.words.multiply(other.words).sum(axis=1)).ravel()
        return words + np.einsum("ij,ij->i", self.concepts, other.concepts)

    def replaced(self, index: int | None, row: TextMatrix) -> TextMatrix:
        """A copy with row `index` replaced by `row`, or `row` appended when index is None."""
        if index is None:
            return TextMatrix(
                sp.vstack([self.words, row.words], format="csr"),
                np.vstack([self.concepts, row.concepts]),
            )
        words = sp.vstack([self.words[:index], row.words, self.words[index + 1 :]], format="csr")
        concepts = self.concepts.copy()
        concepts[index] = row.concepts[0]
        return TextMatrix(words, concepts)


@dataclass
class SideMatrices:
    """Vectors of the firms of one country, row i = firms[i]."""

    offer: TextMatrix
    seek: TextMatrix
    profile: TextMatrix
    sector: np.ndarray
    offer_types: np.ndarray
    seek_types: np.ndarray

    def __len__(self) -> int:
        return len(self.sector)


@dataclass
class FeatureSpace:
    """Fitted vocabulary and IDF weights; `word_share` is how much plain words count beside
    glossary concepts.

    Texts are counted once over their raw tokens (one C-level regex and one counting pass);
    the content words are then a column selection of those counts, and the concept counts a
    product with a token-to-concept matrix built once per distinct token."""

    word_share: float = 0.5
    glossary: Glossary = field(default_factory=default_glossary)
    counter: CountVectorizer | None = None
    word_columns: np.ndarray | None = None  # content words kept (not in most profiles)
    token_concepts: sp.csr_matrix | None = None  # raw vocabulary x glossary concepts
    word_idf: TfidfTransformer | None = None
    concept_idf: TfidfTransformer | None = None

    def concept_names(self) -> list[str]:
        return list(self.glossary.concepts)

    def fit_sides(
        self, pk_firms: Sequence[FirmProfile], by_firms: Sequence[FirmProfile]
    ) -> tuple[SideMatrices, SideMatrices]:
        """Fit on every firm and return both sides' vectors."""
        firms = [*pk_firms, *by_firms]
        n = len(firms)
        documents = [f.offers for f in firms] + [f.seeks for f in firms]
        documents += [f.description for f in firms] + [SENTINEL]
        self.counter = CountVectorizer(analyzer=tokens, dtype=np.float32)
        counts = self.counter.fit_transform(documents).tocsr()
        vocabulary = self.counter.get_feature_names_out()
        content = np.array(
            [t not in STOP_WORDS and not t.isdigit() and len(t) > 1 for t in vocabulary]
        )
        self.token_concepts = self._concept_map(vocabulary)
        parts = [counts[k * n : (k + 1) * n] for k in range(3)]
        profile = parts[0] + parts[1] + parts[2]
        # Words found in most profiles say little; with few firms every word is kept.
        df = np.asarray((profile > 0).sum(axis=0)).ravel()
        keep = content & (df <= 0.5 * n) if n >= 20 else content
        keep[self.counter.vocabulary_[SENTINEL]] = True
        self.word_columns = np.flatnonzero(keep)
        fit_rows = sp.vstack([profile, counts[-1:]]).tocsr()
        self.word_idf = TfidfTransformer(sublinear_tf=True).fit(fit_rows[:, self.word_columns])
        self.concept_idf = TfidfTransformer(sublinear_tf=True).fit(fit_rows @ self.token_concepts)
        matrices = [self._matrix(m) for m in (parts[0], parts[1], profile)]
        cut = len(pk_firms)
        sides = []
        for rows, group in ((np.arange(cut), pk_firms), (np.arange(cut, n), by_firms)):
            offer, seek, whole = (m.take(rows) for m in matrices)
            sides.append(self._side(group, offer, seek, whole))
        return sides[0], sides[1]

    def _concept_map(self, vocabulary: Sequence[str]) -> sp.csr_matrix:
        index = {name: i for i, name in enumerate(self.glossary.concepts)}
        rows, cols = [], []
        for row, token in enumerate(vocabulary):
            for concept in self.glossary.token_concepts(token):
                rows.append(row)
                cols.append(index[concept])
        return sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(vocabulary), len(index)),
        )

    def _matrix(self, counts: sp.csr_matrix) -> TextMatrix:
        """TF-IDF text vectors from raw token counts."""
        assert self.word_idf is not None and self.concept_idf is not None, "fit first"
        assert self.word_columns is not None and self.token_concepts is not None
        if counts.shape[0] == 0:
            return TextMatrix(
                sp.csr_matrix((0, len(self.word_columns)), dtype=np.float32),
                np.zeros((0, self.token_concepts.shape[1]), dtype=np.float32),
            )
        words = normalize(self.word_idf.transform(counts[:, self.word_columns]))
        words = (words * np.float32(np.sqrt(self.word_share))).astype(np.float32).tocsr()
        concepts = normalize(self.concept_idf.transform(counts @ self.token_concepts)).toarray()
        concepts *= np.float32(np.sqrt(1 - self.word_share))
        return TextMatrix(words, concepts.astype(np.float32))

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        assert self.counter is not None, "fit first"
        return self.counter.transform(list(texts)).tocsr()

    def text_vectors(self, texts: Sequence[str]) -> TextMatrix:
        """Vectors of texts in the fitted space (words unseen at fit time are left out)."""
        return self._matrix(self._counts(texts))

    def side(self, firms: Sequence[FirmProfile]) -> SideMatrices:
        """Vectors of a few firms in the fitted space (for one new or edited firm)."""
        offers = self._counts([f.offers for f in firms])
        seeks = self._counts([f.seeks for f in firms])
        about = self._counts([f.description for f in firms])
        return self._side(
            firms, self._matrix(offers), self._matrix(seeks), self._matrix(offers + seeks + about)
        )

    @staticmethod
    def _side(
        firms: Sequence[FirmProfile], offer: TextMatrix, seek: TextMatrix, profile: TextMatrix
    ) -> SideMatrices:
        return SideMatrices(
            offer=offer,
            seek=seek,
            profile=profile,
            sector=sector_vectors(firms),
            offer_types=_type_vectors([f.offer_types for f in firms]),
            seek_types=_type_vectors([f.seek_types for f in firms]),
        )


_SECTOR_INDEX = {code: i for i, code in enumerate(SECTORS)}
_TYPE_INDEX = {code: i for i, code in enumerate(COOPERATION_TYPES)}
_RELATED = relatedness_matrix()


def sector_vectors(firms: Sequence[FirmProfile]) -> np.ndarray:
    """Sector memberships smoothed by relatedness, unit length: a dot product is a soft overlap."""
    onehot = np.zeros((len(firms), len(SECTORS)), dtype=np.float32)
    for row, firm in enumerate(firms):
        for code in firm.sectors:
            if code in _SECTOR_INDEX:
                onehot[row, _SECTOR_INDEX[code]] = 1.0
    return _unit_rows(onehot @ _RELATED.astype(np.float32))


def _type_vectors(lists: Sequence[Sequence[str]]) -> np.ndarray:
    onehot = np.zeros((len(lists), len(COOPERATION_TYPES)), dtype=np.float32)
    for row, codes in enumerate(lists):
        for code in codes:
            if code in _TYPE_INDEX:
                onehot[row, _TYPE_INDEX[code]] = 1.0
    return _unit_rows(onehot)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
