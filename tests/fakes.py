"""A small deterministic embedder for tests about plumbing only (jobs, transactions, faults):
the quality and end-to-end tests use the real model. Select it in a subprocess with
MATCHMAKER_EMBEDDER=tests.fakes:HashingEmbedder; set MATCHMAKER_EMBED_LOG to a file to have
every embedded text's hash appended to it (one line each, after the id of the parent
process: an RQ worker runs each job in a child), and
MATCHMAKER_EMBED_DELAY to seconds per text to make it as slow as a real model."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence

import numpy as np


class HashingEmbedder:
    name = "hashing-test/1"
    dim = 16
    neighbour_cosine = 0.5

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        log = os.environ.get("MATCHMAKER_EMBED_LOG")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, text in enumerate(texts):
            digest = hashlib.sha256(f"{kind}\0{text}".encode()).digest()
            out[n] = np.frombuffer(digest[: self.dim], dtype=np.uint8) - 127.5
            if log:
                with open(log, "a", encoding="utf-8") as stream:
                    stream.write(f"{os.getppid()} {hashlib.sha256(text.encode()).hexdigest()}\n")
            time.sleep(float(os.environ.get("MATCHMAKER_EMBED_DELAY", "0")))
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def rescale(self, cosines: np.ndarray) -> np.ndarray:
        return np.clip(cosines, 0.0, 1.0)
