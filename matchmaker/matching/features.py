"""Turning firm profiles into vectors: words, glossary concepts, sectors and cooperation types."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
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


def _analyse_words(text: str) -> list[str]:
    return [t for t in tokens(text) if t not in STOP_WORDS and not t.isdigit() and len(t) > 1]


def _identity(items: list[str]) -> list[str]:
    return items


@dataclass
class SideMatrices:
    """Vectors of the firms of one country, row i = firms[i]."""

    offer: sp.csr_matrix
    seek: sp.csr_matrix
    profile: sp.csr_matrix
    sector: np.ndarray
    offer_types: np.ndarray
    seek_types: np.ndarray


@dataclass
class FeatureSpace:
    """Fitted vectorizers; `word_share` is how much plain words count beside concepts."""

    word_share: float = 0.5
    glossary: Glossary = field(default_factory=default_glossary)
    words: TfidfVectorizer | None = None
    concepts: TfidfVectorizer | None = None

    def fit(self, firms: Sequence[FirmProfile]) -> FeatureSpace:
        # A sentinel document keeps the vocabularies non-empty for tiny or odd registries.
        documents = [_full_text(f) for f in firms] + [SENTINEL]
        # Words in most profiles say little; with few firms every word is kept.
        max_df = 0.5 if len(documents) >= 20 else 1.0
        self.words = TfidfVectorizer(
            analyzer=_analyse_words, sublinear_tf=True, min_df=1, max_df=max_df, dtype=np.float32
        ).fit(documents)
        self.concepts = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, dtype=np.float32
        ).fit([self.glossary.concepts_of(d) or [SENTINEL] for d in documents])
        return self

    def text_vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Blend of word and concept TF-IDF; a dot product of two rows is
        word_share * word cosine + (1 - word_share) * concept cosine."""
        assert self.words is not None and self.concepts is not None, "fit first"
        if not texts:
            width = len(self.words.vocabulary_) + len(self.concepts.vocabulary_)
            return sp.csr_matrix((0, width), dtype=np.float32)
        word = normalize(self.words.transform(texts))
        concept = normalize(self.concepts.transform([self.glossary.concepts_of(t) for t in texts]))
        return sp.hstack(
            [word * np.sqrt(self.word_share), concept * np.sqrt(1 - self.word_share)],
            format="csr",
            dtype=np.float32,
        )

    def side(self, firms: Sequence[FirmProfile]) -> SideMatrices:
        return SideMatrices(
            offer=self.text_vectors([f.offers for f in firms]),
            seek=self.text_vectors([f.seeks for f in firms]),
            profile=self.text_vectors([_full_text(f) for f in firms]),
            sector=sector_vectors(firms),
            offer_types=_type_vectors([f.offer_types for f in firms]),
            seek_types=_type_vectors([f.seek_types for f in firms]),
        )


def _full_text(firm: FirmProfile) -> str:
    return f"{firm.offers}\n{firm.seeks}\n{firm.description}"


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
