"""Training entry points against a real MLflow store (SQLite) in a fresh workspace."""

from __future__ import annotations

import mlflow
import pandas as pd
import pytest
from coding_data import FAKE_DIGEST, write_dataset
from mlflow import MlflowClient

from clinicode.config import TrainParams
from clinicode.errors import InputError
from clinicode.tracking import EXPERIMENT
from training.pyfunc import OUTPUT_COLUMNS, CodingPyfunc
from training.train import (
    MLFLOW_DIGEST_CHARS,
    flatten,
    pip_requirements,
    read_manifest,
    train_baseline,
    train_model,
)

TINY = TrainParams(
    max_length=64, epochs=2, batch_size=8, threads=1, top_k=4, registered_model="test-coder"
)


def test_flatten_nested_params() -> None:
    assert flatten({"a": 1, "b": {"c": 2, "d": {"e": 3}}}) == {"a": 1, "b.c": 2, "b.d.e": 3}


def test_pip_requirements_are_exact_pins_without_local_labels() -> None:
    pins = pip_requirements()
    assert all("==" in pin and "+" not in pin for pin in pins)
    assert {pin.split("==")[0] for pin in pins} >= {"torch", "transformers", "mlflow"}


def test_manifest_without_digest_is_refused(tmp_path) -> None:
    (tmp_path / "manifest.json").write_text('{"source": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match="digest"):
        read_manifest(tmp_path)


@pytest.mark.slow
def test_train_model_logs_registers_and_aliases(workspace) -> None:
    dataset_dir = write_dataset(workspace.data_dir / "dataset")
    result = train_model(dataset_dir, TINY, workspace)
    client = MlflowClient(workspace.mlflow_uri)

    # Run: params, tags, per-epoch metrics, dataset input, artifacts.
    run = client.get_run(result["run_id"])
    assert run.data.params["max_length"] == "64"
    assert run.data.params["baseline.C"] == str(TINY.baseline.C)
    assert run.data.tags["model_kind"] == "transformer"
    assert run.data.tags["code_system"] == "icd10cm"
    assert run.data.tags["dataset_digest"] == FAKE_DIGEST
    assert run.data.tags["dataset_source"] == "synthetic-test"
    losses = client.get_metric_history(result["run_id"], "train_loss")
    assert sorted(m.step for m in losses) == [1, 2]
    assert "val_micro_f1" in run.data.metrics and "threshold" in run.data.metrics
    (dataset_input,) = run.inputs.dataset_inputs
    assert dataset_input.dataset.digest == FAKE_DIGEST[:MLFLOW_DIGEST_CHARS]
    assert dataset_input.tags[0].value == "training"
    artifacts = {a.path for a in client.list_artifacts(result["run_id"])}
    assert {"labels.json", "thresholds.json"} <= artifacts
    assert (workspace.models_dir / "transformer" / "labels.json").is_file()

    # Registry: new version, alias and version tags.
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == EXPERIMENT
    assert experiment.artifact_location == workspace.mlflow_artifacts.as_uri()
    version = client.get_model_version_by_alias(TINY.registered_model, "candidate")
    assert str(version.version) == result["version"]
    assert result["model_uri"] == f"models:/{TINY.registered_model}/{result['version']}"
    assert version.tags == {
        "run_id": result["run_id"],
        "dataset_digest": FAKE_DIGEST,
        "model_kind": "transformer",
    }

    # The served form: pyfunc from the alias.
    mlflow.set_tracking_uri(workspace.mlflow_uri)
    model = mlflow.pyfunc.load_model(f"models:/{TINY.registered_model}@candidate")
    notes = pd.DataFrame({"text": ["Assessment: pneumonia.", "Assessment: hypertension."]})
    output = model.predict(notes)
    assert list(output.columns) == list(OUTPUT_COLUMNS)
    assert len(output) == 2
    assert all(len(codes) == TINY.top_k for codes in output["ranked_codes"])
    assert len(model.predict(notes, params={"top_k": 2})["ranked_codes"][0]) == 2


def test_train_baseline_is_a_reference_run(workspace) -> None:
    dataset_dir = write_dataset(workspace.data_dir / "dataset")
    result = train_baseline(dataset_dir, TINY, workspace)
    client = MlflowClient(workspace.mlflow_uri)
    run = client.get_run(result["run_id"])
    assert run.data.tags["model_kind"] == "tfidf_logreg"
    assert run.data.params["baseline.ngram_max"] == "2"
    assert result["version"] is None
    assert client.search_registered_models() == []

    mlflow.set_tracking_uri(workspace.mlflow_uri)
    output = mlflow.pyfunc.load_model(result["model_uri"]).predict(
        pd.DataFrame({"text": ["Assessment: asthma."]})
    )
    assert output["ranked_codes"][0][0] == "J45.909"


def test_pickled_wrapper_holds_no_weights() -> None:
    import pickle

    wrapper = CodingPyfunc()
    wrapper.model = object()  # as after load_context on the input example
    assert pickle.loads(pickle.dumps(wrapper)).model is None


@pytest.mark.slow
def test_hybrid_registers_thresholds_calibration_evidence_and_onnx(workspace) -> None:
    from clinicode.config import HybridParams
    from training.predict import load_model

    dataset_dir = write_dataset(workspace.data_dir / "dataset")
    params = TrainParams(
        kind="hybrid", threads=1, top_k=4, registered_model="test-hybrid",
        hybrid=HybridParams(max_candidates=60, onnx="int8"),
    )  # fmt: skip
    result = train_model(dataset_dir, params, workspace)
    client = MlflowClient(workspace.mlflow_uri)
    run = client.get_run(result["run_id"])
    assert run.data.tags["model_kind"] == "hybrid"
    assert run.data.tags["onnx_graph"] == "encoder.int8.onnx"
    assert {"val_map", "val_ece", "threshold"} <= set(run.data.metrics)
    artifacts = {a.path for a in client.list_artifacts(result["run_id"])}
    assert {"labels.json", "thresholds.json", "calibration.png"} <= artifacts

    # The registered pyfunc runs on ONNX Runtime and returns codes, scores and evidence.
    mlflow.set_tracking_uri(workspace.mlflow_uri)
    model = load_model(result["model_uri"], runtime="onnx")
    assert model.unwrap_python_model().model.encoder.runtime == "onnx"
    note = "Labs were drawn this morning. Assessment: type 2 diabetes. Follow up in four weeks."
    (row,) = model.predict(pd.DataFrame({"text": [note]})).to_dict("records")
    assert "E11.9" in row["suggested_codes"]
    spans = row["evidence"][row["suggested_codes"].index("E11.9")]
    assert spans and "diabetes" in note[spans[0]["start"] : spans[0]["end"]]
    assert len(row["ranked_codes"]) == len(row["ranked_scores"]) == 4
