"""Calibration of the confidences shown to coders: does "0.9" mean right nine times in ten?

Only suggested codes are judged (the ones a coder sees); a suggestion is correct when the code is
in the case's gold codes. The expected calibration error (ECE) is the support-weighted mean gap
between mean confidence and share correct over equal-width confidence bins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def suggestion_outcomes(
    gold: Sequence[Iterable[str]],
    suggested: Sequence[Sequence[str]],
    confidences: Sequence[Sequence[float]],
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence and correctness (1/0) of every suggested code, flattened over cases."""
    conf, correct = [], []
    for g_codes, s_codes, c_values in zip(gold, suggested, confidences, strict=True):
        g = set(g_codes)
        for code, value in zip(s_codes, c_values, strict=True):
            conf.append(float(value))
            correct.append(1.0 if code in g else 0.0)
    return np.asarray(conf, dtype=float), np.asarray(correct, dtype=float)


def reliability(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> list[dict]:
    """Per non-empty bin: ``{"low", "high", "n", "mean_confidence", "accuracy"}``.

    Bins are ``[k/n, (k+1)/n)``; a confidence of exactly 1.0 falls in the last bin.
    """
    index = np.minimum((np.asarray(confidence) * n_bins).astype(int), n_bins - 1)
    bins = []
    for k in range(n_bins):
        mask = index == k
        if mask.any():
            bins.append(
                {
                    "low": k / n_bins,
                    "high": (k + 1) / n_bins,
                    "n": int(mask.sum()),
                    "mean_confidence": float(confidence[mask].mean()),
                    "accuracy": float(correct[mask].mean()),
                }
            )
    return bins


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10
) -> float:
    """ECE in [0, 1]; 0.0 when there is nothing to judge."""
    total = len(confidence)
    if total == 0:
        return 0.0
    return float(
        sum(
            b["n"] * abs(b["mean_confidence"] - b["accuracy"])
            for b in reliability(confidence, correct, n_bins)
        )
        / total
    )


def reliability_figure(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10):
    """Reliability diagram: share correct against mean confidence per bin, with the ECE.

    Returns:
        A matplotlib ``Figure`` (Agg backend; the caller closes it).
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.5, 4.5))
    axes = figure.subplots()
    bins = reliability(confidence, correct, n_bins)
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    axes.plot(
        [b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o",
        label=f"suggested codes (n={len(confidence)})",
    )  # fmt: skip
    ece = expected_calibration_error(confidence, correct, n_bins)
    axes.set(xlabel="confidence", ylabel="share correct", xlim=(0, 1), ylim=(0, 1),
             title=f"Reliability (ECE {ece:.3f})")  # fmt: skip
    axes.legend(loc="upper left")
    return figure
