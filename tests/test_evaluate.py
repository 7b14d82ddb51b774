"""Evaluation of logged models: metrics file, HTML report and MLflow logging."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from coding_data import FAKE_DIGEST, write_dataset
from mlflow import MlflowClient

from clinicode.config import EvaluateParams, TrainParams
from clinicode.errors import InputError
from training.train import train_baseline, train_model
from validation.evaluate import evaluate_model, flat_metrics, score_predictions

TINY = TrainParams(
    max_length=64, epochs=1, batch_size=8, threads=1, top_k=4, registered_model="eval-coder"
)
REPORT_KEYS = {"model_uri", "code", "category", "per_code", "per_chapter"}


def test_scores_by_hand() -> None:
    gold = [["E11.9", "I11.9"], ["J18.9"]]
    predictions = pd.DataFrame(
        {"suggested_codes": [["E11.9", "I10"], []], "ranked_codes": [["E11.9", "I10"], ["J18.1"]]}
    )
    report = score_predictions(gold, predictions, k=2)
    # Codes: 1 TP (E11.9), 1 FP (I10), 2 FN (I11.9, J18.9).
    assert report["code"]["micro_precision"] == pytest.approx(1 / 2)
    assert report["code"]["micro_recall"] == pytest.approx(1 / 3)
    # Categories: E11 hit, I10 is not I11, J18 missed: 1 TP, 1 FP, 2 FN again.
    assert report["category"]["micro_f1"] == pytest.approx(report["code"]["micro_f1"])
    # MAP: codes (1/2 + 0) / 2; categories (1/2 + 1) / 2, as J18.1 falls in gold J18.
    assert report["code"]["map"] == pytest.approx(0.25)
    assert report["category"]["map"] == pytest.approx(0.75)
    assert report["per_code"]["E11.9"]["tp"] == 1
    assert report["per_chapter"]["Chapter 4"]["tp"] == 1


def test_flat_metrics_are_prefixed() -> None:
    summary = {"micro_f1": 0.5, "n_cases": 3.0}
    flat = flat_metrics({"model": {"code": summary, "category": summary}, "baseline": None})
    assert flat == {"test_micro_f1": 0.5, "test_category_micro_f1": 0.5}


def test_missing_split_is_refused(workspace) -> None:
    dataset_dir = write_dataset(workspace.data_dir / "dataset", sizes={"train": 4})
    with pytest.raises(InputError, match="no split 'test'"):
        evaluate_model(
            "models:/x/1", dataset_dir, EvaluateParams(), workspace.reports_dir, workspace=workspace
        )


@pytest.mark.slow
def test_evaluate_writes_report_and_logs_to_run(workspace) -> None:
    dataset_dir = write_dataset(workspace.data_dir / "dataset")
    trained = train_model(dataset_dir, TINY, workspace)
    baseline = train_baseline(dataset_dir, TINY, workspace)
    out_dir = workspace.reports_dir / "evaluation"

    payload = evaluate_model(
        trained["model_uri"],
        dataset_dir,
        EvaluateParams(k=3),
        out_dir,
        run_id=trained["run_id"],
        workspace=workspace,
        baseline_uri=baseline["model_uri"],
    )

    # metrics.json
    saved = json.loads((out_dir / "metrics.json").read_text(encoding="utf-8"))
    assert saved["split"] == "test" and saved["n_cases"] == 12 and saved["k"] == 3
    assert saved["dataset_digest"] == FAKE_DIGEST
    assert REPORT_KEYS <= set(saved["model"]) and REPORT_KEYS <= set(saved["baseline"])
    assert {"micro_f1", "macro_f1", "p_at_3", "map"} <= set(saved["model"]["code"])
    assert saved["baseline"]["code"]["micro_f1"] > 0
    assert payload["model"]["code"] == saved["model"]["code"]

    # index.html: tables, no note text.
    page = (out_dir / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<table>") == 3
    assert "Assessment:" not in page and "Vital signs" not in page

    # MLflow run: test_ metrics and both files.
    client = MlflowClient(workspace.mlflow_uri)
    metrics = client.get_run(trained["run_id"]).data.metrics
    assert {"test_micro_f1", "test_category_map", "test_baseline_micro_f1"} <= set(metrics)
    logged = {a.path for a in client.list_artifacts(trained["run_id"], "evaluation")}
    assert logged == {"evaluation/metrics.json", "evaluation/index.html"}
