"""Reference model: TF-IDF of word 1-2 grams and one logistic regression per code.

The regressions are fitted jointly (``training.linear``: scikit-learn's objective, one L-BFGS
run for all codes), which on CodiEsp's 1,000 codes takes seconds instead of minutes.

It shares the label space, threshold tuning, input checks and suggestion records with the
transformer (``training.model.CodingModel``), so both are evaluated and served the same way.
The fitted model is saved as plain arrays and JSON rather than a pickle: loading it never runs
code from the model folder.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from clinicode.config import TrainParams
from clinicode.errors import ModelError
from clinicode.io import write_text_atomic
from training.linear import fit_logistic
from training.model import CodingModel, build_label_space, check_notes, multi_hot, sigmoid

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "weights.npz"
VOCABULARY_FILE = "vocabulary.json"


def make_vectorizer(ngram_max: int, max_features: int | None = None, **kwargs: Any):
    """The TF-IDF vectorizer of the baseline (the same settings at fit and at load)."""
    return TfidfVectorizer(
        ngram_range=(1, ngram_max),
        max_features=max_features,
        sublinear_tf=True,
        strip_accents="unicode",
        lowercase=True,
        dtype=np.float32,
        **kwargs,
    )


class BaselineCoder(CodingModel):
    """Linear scores over TF-IDF features: ``sigmoid(X @ coef.T + intercept)``.

    Args:
        labels: The label space.
        vectorizer: A fitted ``TfidfVectorizer``.
        coef: ``(labels, features)`` weights.
        intercept: ``(labels,)`` biases.
        ngram_max: Longest word n-gram of the vectorizer.
        **kwargs: ``threshold``, ``top_k``, ``max_note_chars`` of ``CodingModel``.
    """

    kind: ClassVar[str] = "tfidf_logreg"

    def __init__(
        self,
        labels: Sequence[str],
        vectorizer: TfidfVectorizer,
        coef: np.ndarray,
        intercept: np.ndarray,
        ngram_max: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(labels, **kwargs)
        self.vectorizer, self.ngram_max = vectorizer, ngram_max
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float32)

    def _score(self, notes: list[str]) -> np.ndarray:
        features = self.vectorizer.transform(notes)  # sparse (notes, features)
        return sigmoid(np.asarray(features @ self.coef.T) + self.intercept)

    def _settings(self) -> dict[str, Any]:
        return {"ngram_max": self.ngram_max, "n_features": int(self.coef.shape[1])}

    def _save_weights(self, folder: Path) -> None:
        vocabulary = {term: int(i) for term, i in self.vectorizer.vocabulary_.items()}
        write_text_atomic(folder / VOCABULARY_FILE, json.dumps(vocabulary, sort_keys=True))
        np.savez(
            folder / WEIGHTS_FILE,
            coef=self.coef,
            intercept=self.intercept,
            idf=self.vectorizer.idf_.astype(np.float32),
        )

    @classmethod
    def _from_dir(
        cls, folder: Path, config: dict, labels: list[str], threshold: float
    ) -> BaselineCoder:
        try:
            vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
            with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as weights:
                coef, intercept, idf = weights["coef"], weights["intercept"], weights["idf"]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{folder}: cannot read baseline weights ({exc})") from exc
        vectorizer = make_vectorizer(config["ngram_max"], vocabulary=vocabulary)
        vectorizer.idf_ = idf
        return cls(
            labels,
            vectorizer,
            coef,
            intercept,
            config["ngram_max"],
            threshold=threshold,
            top_k=config["top_k"],
            max_note_chars=config["max_note_chars"],
        )


def fit_baseline(
    params: TrainParams,
    train_texts: Sequence[str],
    train_codes: Sequence[Sequence[str]],
    val_texts: Sequence[str],
    val_codes: Sequence[Sequence[str]],
) -> BaselineCoder:
    """Fit TF-IDF + one-vs-rest logistic regression and tune its threshold on validation.

    Args:
        params: The ``train`` section; ``params.baseline`` holds the baseline's own settings,
            and ``min_code_count``, ``top_k`` and ``max_note_chars`` are shared with the
            transformer so that both models have the same label space and limits.
        train_texts: Training notes.
        train_codes: Their gold codes.
        val_texts: Validation notes.
        val_codes: Their gold codes.

    Returns:
        The fitted model.
    """
    started = time.perf_counter()
    settings = params.baseline
    labels = build_label_space(train_codes, params.min_code_count)
    notes = check_notes(train_texts, params.max_note_chars)
    targets = multi_hot(train_codes, labels)

    # Features and one classifier per code.
    vectorizer = make_vectorizer(settings.ngram_max, settings.max_features)
    features = vectorizer.fit_transform(notes)
    coef, intercept = fit_logistic(features, targets, settings.C)
    coder = BaselineCoder(
        labels,
        vectorizer,
        coef,
        intercept,
        settings.ngram_max,
        top_k=params.top_k,
        max_note_chars=params.max_note_chars,
    )

    # Decision threshold.
    coder.tune_threshold(val_texts, val_codes)
    logger.info(
        "baseline fitted on %d notes, %d features, %d codes in %.1f s",
        len(notes),
        features.shape[1],
        len(labels),
        time.perf_counter() - started,
    )
    return coder
