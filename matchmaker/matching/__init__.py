"""The similarity engine: pure Python over numpy, scipy and scikit-learn (no Flask, no SQL)."""

from matchmaker.matching.features import FirmProfile
from matchmaker.matching.model import ENGINE_VERSION, MatchEngine
from matchmaker.matching.scoring import SIGNALS, DefaultWeights, LearnedWeights, Scorer

__all__ = [
    "ENGINE_VERSION",
    "SIGNALS",
    "DefaultWeights",
    "FirmProfile",
    "LearnedWeights",
    "MatchEngine",
    "Scorer",
]
