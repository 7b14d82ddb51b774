"""Batch scoring with a registered model: add the model's suggestions to a frame of notes."""

from __future__ import annotations

import logging
from functools import lru_cache

import pandas as pd

from clinicode.schema import TEXT

logger = logging.getLogger(__name__)

PREDICTION_COLUMNS = ("suggested_codes", "confidences", "ranked_codes", "ranked_scores")


@lru_cache(maxsize=4)
def load_model(model_uri: str):
    """Load (once per process) the MLflow pyfunc behind ``model_uri``."""
    import mlflow

    logger.info("loading model %s", model_uri)
    return mlflow.pyfunc.load_model(model_uri)


def predict_frame(model_uri: str, frame: pd.DataFrame, batch_size: int = 64) -> pd.DataFrame:
    """Score every note of ``frame`` and return it with the prediction columns added.

    Args:
        model_uri: MLflow model URI, e.g. ``models:/clinicode-icd10@champion``.
        frame: Notes with a ``text`` column (other columns are kept).
        batch_size: Notes per call to the model, bounding memory on large frames.

    Returns:
        A copy of ``frame`` with ``suggested_codes``, ``confidences``, ``ranked_codes`` and
        ``ranked_scores``.
    """
    model = load_model(model_uri)
    parts = []
    for start in range(0, len(frame), batch_size):
        batch = frame.iloc[start : start + batch_size]
        parts.append(model.predict(pd.DataFrame({TEXT: batch[TEXT].tolist()})))
    predictions = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=PREDICTION_COLUMNS)
    )
    out = frame.reset_index(drop=True).copy()
    for column in PREDICTION_COLUMNS:
        out[column] = predictions[column].tolist() if len(out) else []
    logger.info("scored %d notes with %s", len(out), model_uri)
    return out
