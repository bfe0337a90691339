"""Fitting the signal weights to EDB decisions (approve = 1, reject = 0).

Below MIN_DECISIONS decisions, or with too few of either kind, the documented default
weights stay. Above, a logistic regression is cross-validated against the defaults on the
same decisions; it is used only when it ranks held-out decisions better (ROC AUC).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from matchmaker.matching.scoring import DefaultWeights, LearnedWeights

MIN_DECISIONS = 30
MIN_PER_CLASS = 5


@dataclass
class LearningReport:
    decisions: int
    weights: LearnedWeights | None = None
    auc_default: float | None = None
    auc_learned: float | None = None

    @property
    def gain(self) -> float | None:
        if self.auc_default is None or self.auc_learned is None:
            return None
        return self.auc_learned - self.auc_default

    def summary(self) -> str:
        if self.auc_learned is None:
            return (
                f"{self.decisions} staff decisions (fewer than {MIN_DECISIONS} of both kinds "
                "needed): default weights"
            )
        verdict = "fitted weights in use" if self.weights else "default weights kept"
        return (
            f"{self.decisions} staff decisions: cross-validated ROC AUC {self.auc_learned:.3f} "
            f"fitted vs {self.auc_default:.3f} default (gain {self.gain:+.3f}); {verdict}"
        )


def fit_weights(signals: np.ndarray, approved: np.ndarray) -> LearningReport:
    report = LearningReport(decisions=len(approved))
    positives = int(approved.sum())
    if len(approved) < MIN_DECISIONS or min(positives, len(approved) - positives) < MIN_PER_CLASS:
        return report
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    default = DefaultWeights()
    learned_scores = np.zeros(len(approved))
    for train, test in folds.split(signals, approved):
        model = _model().fit(signals[train], approved[train])
        learned_scores[test] = model.decision_function(signals[test])
    report.auc_learned = float(roc_auc_score(approved, learned_scores))
    report.auc_default = float(roc_auc_score(approved, default.score(signals)))
    if report.auc_learned > report.auc_default:
        model = _model().fit(signals, approved)
        report.weights = LearnedWeights(
            coef=tuple(float(c) for c in model.coef_[0]), intercept=float(model.intercept_[0])
        )
    return report


def _model() -> LogisticRegression:
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
