"""Evaluate a logged coding model on a held-out split.

The model is loaded through MLflow (``models:/<name>/<version>``, ``models:/<name>@<alias>`` or a
logged-model URI), exactly as serving will load it. Metrics come from ``validation.metrics`` at
two levels: full codes and their 3-character categories (a category hit still saves a coder
time), with per-code and per-chapter tables. The report names codes and counts only; it never
contains note text.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient

from clinicode.config import EvaluateParams, Workspace
from clinicode.errors import InputError, ModelError
from clinicode.io import write_json_atomic, write_text_atomic
from clinicode.schema import GOLD_CODES, TEXT
from training.train import read_manifest, read_split
from validation.metrics import evaluate_codes, per_chapter_metrics, per_code_metrics, to_categories

logger = logging.getLogger(__name__)

METRICS_FILE = "metrics.json"
REPORT_FILE = "index.html"
ARTIFACT_DIR = "evaluation"
SUMMARY_KEYS = (
    "micro_precision",
    "micro_recall",
    "micro_f1",
    "macro_precision",
    "macro_recall",
    "macro_f1",
    "map",
)


def predict_split(model_uri: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Suggestions of the MLflow model at ``model_uri`` for the notes of ``frame``.

    Raises:
        ModelError: The model cannot be loaded or does not return the documented columns.
    """
    try:
        model = mlflow.pyfunc.load_model(model_uri)
    except mlflow.exceptions.MlflowException as exc:
        raise ModelError(f"{model_uri}: cannot load model ({exc.message})") from exc
    predictions = model.predict(frame[[TEXT]])
    for column in ("suggested_codes", "ranked_codes"):
        if column not in predictions.columns:
            raise ModelError(f"{model_uri}: predictions lack column '{column}'")
    return predictions


def score_predictions(
    gold: Sequence[list[str]], predictions: pd.DataFrame, k: int
) -> dict[str, Any]:
    """Code- and category-level summaries, per-code and per-chapter metrics."""
    suggested = [list(codes) for codes in predictions["suggested_codes"]]
    ranked = [list(codes) for codes in predictions["ranked_codes"]]
    return {
        "code": evaluate_codes(gold, suggested, ranked, k),
        "category": evaluate_codes(
            to_categories(gold), to_categories(suggested), to_categories(ranked), k
        ),
        "per_code": per_code_metrics(gold, suggested),
        "per_chapter": per_chapter_metrics(gold, suggested),
    }


def evaluate_uri(model_uri: str, frame: pd.DataFrame, k: int) -> dict[str, Any]:
    """Load, predict and score one model on one split."""
    gold = [list(codes) for codes in frame[GOLD_CODES]]
    report = score_predictions(gold, predict_split(model_uri, frame), k)
    logger.info(
        "%s on %d notes: micro-F1 %.3f (category %.3f), MAP %.3f",
        model_uri,
        len(frame),
        report["code"]["micro_f1"],
        report["category"]["micro_f1"],
        report["code"]["map"],
    )
    return {"model_uri": model_uri, **report}


def flat_metrics(payload: dict[str, Any]) -> dict[str, float]:
    """The summary metrics as MLflow metric names (``test_`` prefix; baseline and category
    levels marked in the name)."""
    flat: dict[str, float] = {}
    for who in ("model", "baseline"):
        report = payload.get(who)
        if not report:
            continue
        prefix = "test_" if who == "model" else "test_baseline_"
        for level in ("code", "category"):
            infix = "" if level == "code" else "category_"
            for name, value in report[level].items():
                if name != "n_cases":
                    flat[f"{prefix}{infix}{name}"] = float(value)
    return flat


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return html.escape(str(value))


def html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain HTML table; every cell is escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_rows(payload: dict[str, Any]) -> list[list[Any]]:
    """One row per (model, level) with the headline metrics."""
    rows = []
    for who in ("model", "baseline"):
        report = payload.get(who)
        for level in ("code", "category") if report else ():
            values = report[level]
            rank_key = f"p_at_{payload['k']}"
            rows.append(
                [
                    who,
                    level,
                    *(values[key] for key in SUMMARY_KEYS[:-1]),
                    values[rank_key],
                    values["map"],
                ]
            )
    return rows


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
    "table{border-collapse:collapse;margin:0.5rem 0 1.5rem}"
    "th,td{border:1px solid #ccc;padding:0.25rem 0.6rem;text-align:right}"
    "th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}"
    ".note{color:#555;font-size:0.9rem}"
)


def render_html(payload: dict[str, Any]) -> str:
    """The self-contained evaluation report (no scripts, no external files, no note text)."""
    k = payload["k"]
    model = payload["model"]
    summary_headers = ["model", "level", *SUMMARY_KEYS[:-1], f"P@{k}", "MAP"]
    chapter_rows = [
        [chapter, m["support"], m["tp"], m["fp"], m["fn"], m["precision"], m["recall"], m["f1"]]
        for chapter, m in model["per_chapter"].items()
    ]
    code_rows = [
        [code, m["support"], m["tp"], m["fp"], m["fn"], m["precision"], m["recall"], m["f1"]]
        for code, m in model["per_code"].items()
    ]
    count_headers = ["support", "TP", "FP", "FN", "precision", "recall", "F1"]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            "<html lang='en'><head><meta charset='utf-8'>",
            "<title>clinicode evaluation</title>",
            f"<style>{STYLE}</style></head><body>",
            "<h1>ICD-10-CM coding model evaluation</h1>",
            f"<p>Model <code>{html.escape(model['model_uri'])}</code>, split "
            f"<b>{html.escape(payload['split'])}</b>, {payload['n_cases']} notes, dataset digest "
            f"<code>{html.escape(str(payload['dataset_digest']))}</code>.</p>",
            "<p class='note'>Suggestions support a human coder, who reviews every code. "
            "Category level compares 3-character ICD-10-CM categories.</p>",
            "<h2>Summary</h2>",
            html_table(summary_headers, summary_rows(payload)),
            "<h2>Per chapter</h2>",
            html_table(["chapter", *count_headers], chapter_rows),
            "<h2>Per code</h2>",
            html_table(["code", *count_headers], code_rows),
            "</body></html>",
        ]
    )


def log_to_run(run_id: str, payload: dict[str, Any], files: Sequence[Path]) -> None:
    """Log the ``test_`` metrics and the report files to an existing MLflow run."""
    client = MlflowClient()
    for name, value in flat_metrics(payload).items():
        client.log_metric(run_id, name, value)
    for path in files:
        client.log_artifact(run_id, str(path), artifact_path=ARTIFACT_DIR)
    logger.info("evaluation logged to run %s", run_id)


def evaluate_model(
    model_uri: str,
    dataset_dir: Path,
    params: EvaluateParams,
    out_dir: Path,
    run_id: str | None = None,
    workspace: Workspace | None = None,
    baseline_uri: str | None = None,
) -> dict[str, Any]:
    """Evaluate a logged model (and optionally the baseline) on one split and report.

    Args:
        model_uri: MLflow URI of the model to evaluate.
        dataset_dir: Saved ``DatasetDict`` with ``manifest.json``.
        params: The ``evaluate`` section (split and ``k`` of P@k).
        out_dir: Folder that receives ``metrics.json`` and ``index.html``.
        run_id: MLflow run that receives the ``test_`` metrics and both files, if given.
        workspace: Workspace whose MLflow store holds the models (default: current one).
        baseline_uri: MLflow URI of the reference model, evaluated the same way if given.

    Returns:
        The ``metrics.json`` payload: ``split``, ``k``, ``n_cases``, ``dataset_digest``,
        ``model`` and ``baseline`` (each with ``model_uri``, ``code``, ``category``,
        ``per_code``, ``per_chapter``; ``baseline`` is ``None`` without ``baseline_uri``).

    Raises:
        InputError: The dataset is unreadable or lacks the split.
        ModelError: A model cannot be loaded or scored.
    """
    workspace = workspace or Workspace()
    mlflow.set_tracking_uri(workspace.mlflow_uri)
    mlflow.set_registry_uri(workspace.mlflow_uri)
    frame = read_split(dataset_dir, params.split)
    if frame.empty:
        raise InputError(str(dataset_dir), f"split '{params.split}' has no notes")

    # Scores of the model and of the reference.
    payload: dict[str, Any] = {
        "split": params.split,
        "k": params.k,
        "n_cases": len(frame),
        "dataset_digest": read_manifest(dataset_dir)["digest"],
        "model": evaluate_uri(model_uri, frame, params.k),
        "baseline": evaluate_uri(baseline_uri, frame, params.k) if baseline_uri else None,
    }

    # Report files, then the run.
    out = Path(out_dir)
    files = [
        write_json_atomic(out / METRICS_FILE, payload),
        write_text_atomic(out / REPORT_FILE, render_html(payload)),
    ]
    if run_id:
        log_to_run(run_id, payload, files)
    return payload
