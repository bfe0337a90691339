"""Turning firm profiles into vectors: words, glossary concepts, sectors, cooperation types and
sentence embeddings.

Texts are kept as raw token counts; the TF-IDF weights come from document frequencies that the
space keeps up to date when one firm is added or edited (`learn` / `forget`). So the vectors
after an incremental change are exactly those a fit on the same firms would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from matchmaker.matching.glossary import Glossary, default_glossary, tokens
from matchmaker.matching.sentences import split_sentences
from matchmaker.matching.taxonomy import COOPERATION_TYPES, SECTORS, relatedness_matrix

__all__ = ["FeatureSpace", "FirmProfile", "SideCounts", "SideMatrices", "split_sentences"]

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
MOST_PROFILES = 0.5  # words in more than this share of profiles are left out (from 20 firms on)


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


@dataclass
class SideCounts:
    """Raw token counts of the firms of one country (row i = firm i): offers, seeks and the
    whole profile (offers + seeks + description)."""

    offer: sp.csr_matrix
    seek: sp.csr_matrix
    profile: sp.csr_matrix

    def __len__(self) -> int:
        return self.offer.shape[0]

    def take(self, rows) -> SideCounts:
        return SideCounts(self.offer[rows], self.seek[rows], self.profile[rows])

    def replaced(self, index: int | None, row: SideCounts) -> SideCounts:
        """A copy with row `index` replaced by `row`, or `row` appended when index is None."""
        return SideCounts(
            *(
                _replace_sparse_row(mine, index, theirs)
                for mine, theirs in zip(
                    (self.offer, self.seek, self.profile),
                    (row.offer, row.seek, row.profile),
                    strict=True,
                )
            )
        )


def _replace_sparse_row(
    matrix: sp.csr_matrix, index: int | None, row: sp.csr_matrix
) -> sp.csr_matrix:
    width = max(matrix.shape[1], row.shape[1])
    matrix, row = _widened(matrix, width), _widened(row, width)
    if index is None:
        return sp.vstack([matrix, row], format="csr")
    return sp.vstack([matrix[:index], row, matrix[index + 1 :]], format="csr")


def _widened(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    if matrix.shape[1] == width:
        return matrix
    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), (matrix.shape[0], width))


@dataclass
class SideMatrices:
    """Vectors of the firms of one country, row i = firms[i]. `profile_vec` / `seek_vec` are
    the sentence embeddings (embedding.FIELDS: unit rows, zero where a text is empty);
    `hub_ab` / `hub_ba` each firm's hub value (hubness.py) in the two directions of the
    meaning signals: PK profile against BY seeks, PK seeks against BY profile."""

    offer: TextMatrix
    seek: TextMatrix
    profile: TextMatrix
    sector: np.ndarray
    offer_types: np.ndarray
    seek_types: np.ndarray
    profile_vec: np.ndarray
    seek_vec: np.ndarray
    hub_ab: np.ndarray | None = None
    hub_ba: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.sector)

    def take(self, rows: np.ndarray) -> SideMatrices:
        return SideMatrices(
            offer=self.offer.take(rows),
            seek=self.seek.take(rows),
            profile=self.profile.take(rows),
            sector=self.sector[rows],
            offer_types=self.offer_types[rows],
            seek_types=self.seek_types[rows],
            profile_vec=self.profile_vec[rows],
            seek_vec=self.seek_vec[rows],
            hub_ab=None if self.hub_ab is None else self.hub_ab[rows],
            hub_ba=None if self.hub_ba is None else self.hub_ba[rows],
        )


@dataclass
class FeatureSpace:
    """Vocabulary and document frequencies of the fitted firms' profiles; `word_share` is how
    much plain words count beside glossary concepts.

    Fitted attributes (trailing underscore): `vocabulary_` (token -> column, grows as new words
    are seen), `content_` (the columns that are content words), `token_concepts_` (column ->
    glossary concepts), `df_` / `concept_df_` (in how many profiles a word or concept occurs)
    and `n_profiles_`."""

    word_share: float = 0.5
    glossary: Glossary = field(default_factory=default_glossary)
    vocabulary_: dict[str, int] = field(default_factory=dict)
    content_: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    token_concepts_: sp.csr_matrix | None = None
    df_: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    concept_df_: np.ndarray | None = None
    n_profiles_: int = 0

    def concept_names(self) -> list[str]:
        return list(self.glossary.concepts)

    # Counting and the document frequencies

    def count(self, firms: Sequence[FirmProfile]) -> SideCounts:
        """Token counts of firms; words never seen before get new columns."""
        offer = self._count([f.offers for f in firms], grow=True)
        seek = self._count([f.seeks for f in firms], grow=True)
        about = self._count([f.description for f in firms], grow=True)
        width = len(self.vocabulary_)
        offer, seek, about = (_widened(m, width) for m in (offer, seek, about))
        return SideCounts(offer, seek, (offer + seek + about).tocsr())

    def learn(self, profiles: sp.csr_matrix) -> None:
        """Count these profiles in the document frequencies."""
        self._add(profiles, 1)

    def forget(self, profiles: sp.csr_matrix) -> None:
        """Take these profiles out of the document frequencies (before an edit replaces them)."""
        self._add(profiles, -1)

    def _add(self, profiles: sp.csr_matrix, sign: int) -> None:
        present = _widened(profiles, len(self.vocabulary_)).astype(bool).astype(np.int64)
        self.df_ = self.df_ + sign * np.asarray(present.sum(axis=0)).ravel()
        concepts = (present @ self.token_concepts_).astype(bool).astype(np.int64)
        self.concept_df_ = self.concept_df_ + sign * np.asarray(concepts.sum(axis=0)).ravel()
        self.n_profiles_ += sign * profiles.shape[0]

    def _count(self, texts: Sequence[str], grow: bool) -> sp.csr_matrix:
        vocabulary = self.vocabulary_
        columns: list[int] = []
        indptr = [0]
        for text in texts:
            for token in tokens(text or ""):
                column = vocabulary.get(token)
                if column is None:
                    if not grow:
                        continue
                    column = vocabulary[token] = len(vocabulary)
                columns.append(column)
            indptr.append(len(columns))
        if grow:
            self._grow_columns()
        counts = sp.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), np.asarray(columns, dtype=np.int32), indptr),
            shape=(len(texts), len(vocabulary)),
        )
        counts.sum_duplicates()
        return counts

    def _grow_columns(self) -> None:
        """Per-column facts of the words added to the vocabulary since the last call."""
        known = len(self.content_)
        if self.token_concepts_ is None:
            self.token_concepts_ = sp.csr_matrix((0, len(self.glossary.concepts)), dtype=np.float32)
            self.concept_df_ = np.zeros(len(self.glossary.concepts), dtype=np.int64)
        if known == len(self.vocabulary_):
            return
        new = sorted(self.vocabulary_.items(), key=lambda item: item[1])[known:]
        words = [token for token, _ in new]
        content = [t not in STOP_WORDS and not t.isdigit() and len(t) > 1 for t in words]
        self.content_ = np.r_[self.content_, np.array(content, dtype=bool)]
        self.df_ = np.r_[self.df_, np.zeros(len(words), dtype=np.int64)]
        self.token_concepts_ = sp.vstack(
            [self.token_concepts_, self._concept_map(words)], format="csr"
        )

    def _concept_map(self, words: Sequence[str]) -> sp.csr_matrix:
        index = {name: i for i, name in enumerate(self.glossary.concepts)}
        rows, cols = [], []
        for row, token in enumerate(words):
            for concept in self.glossary.token_concepts(token):
                rows.append(row)
                cols.append(index[concept])
        return sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(words), len(index)),
        )

    # Weights and vectors

    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-column word weights (IDF, zero for words left out) and concept IDF."""
        n = self.n_profiles_
        keep = self.content_ & (self.df_ > 0)
        if n >= 20:
            keep &= self.df_ <= MOST_PROFILES * n
        idf = (np.log((1.0 + n) / (1.0 + self.df_)) + 1.0) * keep
        concept_idf = np.log((1.0 + n) / (1.0 + self.concept_df_)) + 1.0
        return idf.astype(np.float32), concept_idf.astype(np.float32)

    def text_matrix(self, counts: sp.csr_matrix, weights=None) -> TextMatrix:
        """TF-IDF text vectors from raw token counts."""
        idf, concept_idf = weights or self._weights()
        counts = _widened(counts, len(self.vocabulary_))
        if counts.shape[0] == 0:
            return TextMatrix(
                sp.csr_matrix(counts.shape, dtype=np.float32),
                np.zeros((0, len(self.glossary.concepts)), dtype=np.float32),
            )
        words = _sublinear(counts)
        words.data *= idf[words.indices]
        words.eliminate_zeros()  # left-out words: no stored zeros for the products to skip
        words = normalize(words) * np.float32(np.sqrt(self.word_share))
        concepts = _sublinear((counts @ self.token_concepts_).tocsr())
        concepts.data *= concept_idf[concepts.indices]
        dense = normalize(concepts).toarray() * np.float32(np.sqrt(1 - self.word_share))
        return TextMatrix(words.astype(np.float32).tocsr(), dense.astype(np.float32))

    def text_vectors(self, texts: Sequence[str]) -> TextMatrix:
        """Vectors of texts in the fitted space (words the space never saw are left out)."""
        return self.text_matrix(self._count(list(texts), grow=False))

    def matrices(
        self, firms: Sequence[FirmProfile], counts: SideCounts, vectors: np.ndarray
    ) -> SideMatrices:
        """Every vector of one side's firms with the current weights."""
        weights = self._weights()
        return SideMatrices(
            offer=self.text_matrix(counts.offer, weights),
            seek=self.text_matrix(counts.seek, weights),
            profile=self.text_matrix(counts.profile, weights),
            sector=sector_vectors(firms),
            offer_types=_type_vectors([f.offer_types for f in firms]),
            seek_types=_type_vectors([f.seek_types for f in firms]),
            profile_vec=np.ascontiguousarray(vectors[:, 0], dtype=np.float32),
            seek_vec=np.ascontiguousarray(vectors[:, 1], dtype=np.float32),
        )


def _sublinear(counts: sp.csr_matrix) -> sp.csr_matrix:
    out = counts.astype(np.float32, copy=True).tocsr()
    np.log(out.data, out=out.data)
    out.data += 1.0
    return out


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
