"""The similarity engine: pure Python over numpy, scipy and scikit-learn (no Flask, no SQL)."""

from matchmaker.matching.features import FirmProfile
from matchmaker.matching.model import (
    ENGINE_VERSION,
    SIGNALS,
    DefaultWeights,
    LearnedWeights,
    MatchEngine,
)

__all__ = [
    "ENGINE_VERSION",
    "SIGNALS",
    "DefaultWeights",
    "FirmProfile",
    "LearnedWeights",
    "MatchEngine",
]
