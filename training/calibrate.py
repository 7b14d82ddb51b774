"""Confidence calibration (Platt scaling) and per-code decision thresholds.

The hybrid coder's mixed score ranks codes well but is not a probability. A one-feature logistic
regression fitted on the validation split maps it to one (Platt scaling: two parameters, so it
does not overfit a few hundred notes the way isotonic regression would). Per-code thresholds are
tuned only for codes with enough positive validation notes; the others use the global one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from training.model import THRESHOLD_GRID, codes_above, multi_hot, tune_threshold

logger = logging.getLogger(__name__)

# Pairs kept per note to fit the calibration: the top of the ranking, where the decisions are.
CALIBRATION_TOP = 100


def fit_platt(scores: np.ndarray, targets: np.ndarray, top: int = CALIBRATION_TOP) -> tuple:
    """Slope and intercept of ``P(gold | score) = sigmoid(a * score + b)``.

    Args:
        scores: ``(notes, labels)`` raw scores on the validation split.
        targets: ``(notes, labels)`` 0/1 gold matrix.
        top: Highest-scoring codes per note used in the fit.

    Returns:
        ``(a, b)``; ``(1.0, 0.0)`` when the validation data has a single class.
    """
    from sklearn.linear_model import LogisticRegression

    if scores.size == 0:
        return 1.0, 0.0
    k = min(top, scores.shape[1])
    columns = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # (notes, k)
    x = np.take_along_axis(scores, columns, axis=1).reshape(-1, 1)
    y = np.take_along_axis(targets, columns, axis=1).reshape(-1)
    if y.min() == y.max():
        logger.warning("calibration skipped: the validation pairs hold a single class")
        return 1.0, 0.0
    model = LogisticRegression(C=100.0).fit(x, y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def apply_platt(scores: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """Calibrated probabilities of raw scores (float32, same shape)."""
    z = np.clip(slope * scores + intercept, -50.0, 50.0)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def per_code_thresholds(
    probabilities: np.ndarray,
    labels: Sequence[str],
    gold: Sequence[Sequence[str]],
    min_positives: int,
) -> tuple[float, dict[str, float]]:
    """A global threshold, plus one per code where the validation data supports it.

    A code gets its own threshold when it has at least ``min_positives`` gold notes in the
    validation split and its own best threshold beats the global one on that code's F1.

    Returns:
        ``(global_threshold, {code: threshold})``.
    """
    global_threshold, _ = tune_threshold(probabilities, labels, gold)
    targets = multi_hot(gold, labels).astype(bool)  # (notes, labels)
    own: dict[str, float] = {}
    for column in np.flatnonzero(targets.sum(axis=0) >= min_positives):
        truth = targets[:, column]
        best = (_f1(probabilities[:, column] >= global_threshold, truth), global_threshold)
        for threshold in THRESHOLD_GRID:
            f1 = _f1(probabilities[:, column] >= threshold, truth)
            if f1 > best[0] + 1e-12:
                best = (f1, threshold)
        if best[1] != global_threshold:
            own[labels[column]] = best[1]
    logger.info(
        "thresholds: global %.2f, %d codes with their own (>= %d validation notes)",
        global_threshold,
        len(own),
        min_positives,
    )
    return global_threshold, own


def _f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    tp = float(np.sum(predicted & truth))
    denominator = float(predicted.sum() + truth.sum())
    return 2 * tp / denominator if denominator else 0.0


def threshold_vector(
    labels: Sequence[str], global_threshold: float, per_code: dict[str, float]
) -> np.ndarray:
    """``(labels,)`` thresholds: the code's own where it has one, else the global one."""
    return np.array([per_code.get(code, global_threshold) for code in labels], dtype=np.float32)


def suggested_at(
    probabilities: np.ndarray, labels: Sequence[str], thresholds: np.ndarray
) -> list[list[str]]:
    """Per note, the codes at or above their threshold (a vector, or one global value)."""
    if np.ndim(thresholds) == 0:
        return codes_above(probabilities, labels, float(thresholds))
    return [[labels[j] for j in np.flatnonzero(row >= thresholds)] for row in probabilities]
