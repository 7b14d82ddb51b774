"""Batch scoring with a registered or saved model.

* ``load_model(model_uri, runtime)``: the MLflow pyfunc (what serving calls); ``runtime``
  ``"auto"`` runs the encoder with ONNX Runtime when the model was saved with an ONNX graph.
* ``load_coder(model, runtime)``: the ``CodingModel`` itself, from a model URI or a local folder.
* ``predict_frame``: a frame of notes with the prediction columns added.
* ``predict_codiesp``: one CodiEsp split folder to a ranked ``articleID code score suggested``
  TSV (the format of ``clinicode predict``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from clinicode.errors import InputError
from clinicode.io import write_text_atomic
from clinicode.schema import TEXT

logger = logging.getLogger(__name__)

PREDICTION_COLUMNS = ("suggested_codes", "confidences", "ranked_codes", "ranked_scores", "evidence")
# Codes written per case by predict_codiesp: the CodiEsp-D evaluation reads a ranking.
RANKED_CODES = 100


@lru_cache(maxsize=4)
def load_model(model_uri: str, runtime: str = "torch"):
    """Load (once per process and runtime) the MLflow pyfunc behind ``model_uri``.

    Args:
        model_uri: MLflow model URI, e.g. ``models:/clinicode-icd10@champion``.
        runtime: ``"torch"``, ``"onnx"`` or ``"auto"`` (ONNX Runtime when the model carries an
            ONNX graph of its encoder, else torch).

    Raises:
        ModelError: ``runtime`` is unknown, or ``"onnx"`` for a model without a graph.
    """
    import mlflow

    logger.info("loading model %s (runtime %s)", model_uri, runtime)
    model = mlflow.pyfunc.load_model(model_uri)
    wrapper = model.unwrap_python_model()
    if hasattr(wrapper, "set_runtime"):
        wrapper.set_runtime(runtime)
    return model


def load_coder(model: str, runtime: str = "torch") -> Any:
    """A ``CodingModel`` from a saved model folder or from an MLflow model URI.

    Raises:
        ModelError: The folder or URI does not hold a coding model.
    """
    from training.model import CodingModel

    folder = Path(model)
    if (folder / "config.json").is_file():
        coder = CodingModel.load(folder)
        coder.set_runtime(runtime)
        return coder
    return load_model(model, runtime).unwrap_python_model().model


def predict_frame(model_uri: str, frame: pd.DataFrame, batch_size: int = 64) -> pd.DataFrame:
    """Score every note of ``frame`` and return it with the prediction columns added.

    Args:
        model_uri: MLflow model URI, e.g. ``models:/clinicode-icd10@champion``.
        frame: Notes with a ``text`` column (other columns are kept).
        batch_size: Notes per call to the model, bounding memory on large frames.

    Returns:
        A copy of ``frame`` with ``suggested_codes``, ``confidences``, ``ranked_codes``,
        ``ranked_scores`` and ``evidence``.
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
        if column in predictions.columns:
            out[column] = predictions[column].tolist() if len(out) else []
    logger.info("scored %d notes with %s", len(out), model_uri)
    return out


def read_codiesp_texts(split_dir: Path) -> tuple[list[str], list[str]]:
    """Article ids and texts of a CodiEsp split folder (``text_files_en/<articleID>.txt``).

    Raises:
        InputError: No such folder, no text file, or a file that is empty or not UTF-8.
    """
    text_dir = Path(split_dir) / "text_files_en"
    if not text_dir.is_dir():
        raise InputError(str(split_dir), "no text_files_en/ folder (expected a CodiEsp split)")
    files = sorted(text_dir.glob("*.txt"))
    if not files:
        raise InputError(str(text_dir), "no .txt files; expected one file per case")
    articles, texts = [], []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), f"unreadable ({exc.__class__.__name__})", path.stem,
                             "text") from exc  # fmt: skip
        if not text.strip():
            raise InputError(str(path), "empty text; expected the case report", path.stem, "text")
        articles.append(path.stem)
        texts.append(text)
    return articles, texts


def ranked_rows(articles: Sequence[str], records: Sequence[dict]) -> list[str]:
    """TSV lines ``articleID code score suggested`` ranked by score within each case."""
    lines = []
    for article, record in zip(articles, records, strict=True):
        suggested = set(record["suggested_codes"])
        for code, score in zip(record["ranked_codes"], record["ranked_scores"], strict=True):
            lines.append(f"{article}\t{code}\t{score:.6f}\t{int(code in suggested)}")
    return lines


def write_predictions(path: Path, articles: Sequence[str], records: Sequence[dict]) -> Path:
    """Write the ranked predictions TSV atomically (no header, one row per case and code)."""
    lines = ranked_rows(articles, records)
    write_text_atomic(Path(path), "\n".join(lines) + ("\n" if lines else ""))
    return Path(path)


def predict_texts(coder: Any, texts: Sequence[str], top_k: int, batch_size: int = 16) -> list:
    """Prediction records of ``texts`` in batches, with a progress bar."""
    records: list[dict] = []
    for start in tqdm(range(0, len(texts), batch_size), desc="notes", unit="batch", disable=None):
        records.extend(coder.predict(list(texts[start : start + batch_size]), top_k=top_k))
    return records


def predict_codiesp(
    model: str, split_dir: Path, out: Path, runtime: str = "torch", top_k: int = RANKED_CODES
) -> dict[str, Any]:
    """Rank codes for every case of a CodiEsp split and write ``out`` (see module docstring).

    Returns:
        ``cases``, ``rows``, ``suggested`` (rows marked 1) and ``runtime``.
    """
    coder = load_coder(model, runtime)
    articles, texts = read_codiesp_texts(split_dir)
    records = predict_texts(coder, texts, top_k)
    write_predictions(out, articles, records)
    suggested = sum(len(r["suggested_codes"]) for r in records)
    logger.info("%d cases ranked, %d codes suggested, written to %s", len(articles), suggested,
                out)  # fmt: skip
    return {
        "cases": len(articles),
        "rows": sum(len(r["ranked_codes"]) for r in records),
        "suggested": suggested,
        "runtime": getattr(getattr(coder, "encoder", None), "runtime", "torch"),
    }
