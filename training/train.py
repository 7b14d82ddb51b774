"""Train the coding models and record them in MLflow.

``train_model`` fine-tunes the transformer, logs one MLflow run (parameters, dataset digest, the
training dataset as a tracked input, per-epoch and validation metrics, label map, thresholds and
the pyfunc model), registers the model and points the ``candidate`` alias at the new version.
``train_baseline`` fits the TF-IDF reference in the same experiment; it is logged as a model of
its run but not registered, so the registry only holds versions meant for deployment.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient

from clinicode.config import TrainParams, Workspace
from clinicode.errors import InputError, ModelError
from clinicode.schema import CODE_SYSTEM, GOLD_CODES, TEXT
from clinicode.tracking import use_experiment
from training.assemble import read_manifest as read_dataset_manifest
from training.baseline import BaselineCoder, fit_baseline
from training.distributed import context as distributed_context
from training.model import CodingModel, fit_transformer
from training.pyfunc import MODEL_DIR_ARTIFACT, CodingPyfunc
from validation.metrics import evaluate_codes

logger = logging.getLogger(__name__)

CANDIDATE_ALIAS = "candidate"
MANIFEST_FILE = "manifest.json"
# MLflow's dataset table holds digests of at most 36 characters; the full one goes in a tag.
MLFLOW_DIGEST_CHARS = 32
INPUT_EXAMPLE = "Assessment: essential hypertension, stable on current medication."
# Packages the pyfunc needs, pinned to the versions trained with. torch is pinned without its
# local "+cpu" label, which pip cannot resolve from PyPI.
REQUIRED_PACKAGES = (
    "torch",
    "transformers",
    "tokenizers",
    "safetensors",
    "mlflow",
    "pandas",
    "numpy",
    "scikit-learn",
    "scipy",
    "onnxruntime",
)


def read_manifest(dataset_dir: Path) -> dict[str, Any]:
    """The dataset's manifest, which must carry a ``digest`` (``source`` defaults to unknown).

    Raises:
        InputError: The manifest is missing, not JSON, or has no ``digest``.
    """
    manifest = read_dataset_manifest(Path(dataset_dir))
    if not isinstance(manifest, dict) or not manifest.get("digest"):
        path = Path(dataset_dir) / MANIFEST_FILE
        raise InputError(str(path), "manifest has no 'digest'", field="digest")
    manifest.setdefault("source", "unknown")
    return manifest


def read_split(dataset_dir: Path, split: str) -> pd.DataFrame:
    """One split of the saved ``DatasetDict`` as a DataFrame, gold codes as lists.

    Raises:
        InputError: The folder is not a saved dataset, or lacks the split or a column.
    """
    from datasets import load_from_disk

    folder = Path(dataset_dir)
    try:
        dataset = load_from_disk(str(folder))
    except (FileNotFoundError, ValueError) as exc:
        raise InputError(str(folder), f"not a saved dataset ({exc.__class__.__name__})") from exc
    if split not in dataset:
        raise InputError(str(folder), f"no split '{split}' (have {sorted(dataset)})")
    frame = dataset[split].to_pandas()
    for column in (TEXT, GOLD_CODES):
        if column not in frame.columns:
            raise InputError(str(folder), f"split '{split}' has no column", field=column)
    frame[GOLD_CODES] = [list(codes) for codes in frame[GOLD_CODES]]
    return frame


def pip_requirements() -> list[str]:
    """Exact pins of the packages the logged pyfunc imports."""
    return [f"{name}=={installed_version(name).split('+')[0]}" for name in REQUIRED_PACKAGES]


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested parameters as ``{"a.b": value}``."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _drop_pickle_notice(record: logging.LogRecord) -> bool:
    return "CloudPickle" not in record.getMessage()


@contextmanager
def quiet_mlflow() -> Iterator[None]:
    """Hide MLflow notices that are expected here, and only those.

    The wrapper is cloudpickled on purpose (it holds no state; the model is a folder of
    safetensors and JSON), and the dataset source is a plain local path.
    """
    pyfunc_logger = logging.getLogger("mlflow.pyfunc")
    pyfunc_logger.addFilter(_drop_pickle_notice)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The specified dataset source can be")
            yield
    finally:
        pyfunc_logger.removeFilter(_drop_pickle_notice)


def log_run_context(
    kind: str,
    params: dict[str, Any],
    manifest: dict[str, Any],
    train: pd.DataFrame,
    dataset_dir: Path,
) -> None:
    """Parameters, tags and the training dataset of the active run."""
    mlflow.log_params(params)
    mlflow.set_tags(
        {
            "model_kind": kind,
            "code_system": CODE_SYSTEM,
            "dataset_digest": manifest["digest"],
            "dataset_source": str(manifest["source"]),
        }
    )
    # The tracked input records the schema, size and digest of the split, not the notes.
    with quiet_mlflow():
        dataset = mlflow.data.from_pandas(
            train,
            source=str(Path(dataset_dir).resolve()),
            name=f"{Path(dataset_dir).name}-train",
            digest=manifest["digest"][:MLFLOW_DIGEST_CHARS],
        )
    mlflow.log_input(dataset, context="training")


def fit_inputs(train: pd.DataFrame, validation: pd.DataFrame) -> tuple[list, list, list, list]:
    """Train notes, train codes, validation notes, validation codes (as ``fit_*`` take them)."""
    return (
        train[TEXT].tolist(), train[GOLD_CODES].tolist(),
        validation[TEXT].tolist(), validation[GOLD_CODES].tolist(),
    )  # fmt: skip


def validation_metrics(model: CodingModel, validation: pd.DataFrame) -> dict[str, float]:
    """Set and ranking metrics of the model on the validation split, at its threshold."""
    records = model.predict(validation[TEXT].tolist())
    metrics = evaluate_codes(
        validation[GOLD_CODES].tolist(),
        [r["suggested_codes"] for r in records],
        [r["ranked_codes"] for r in records],
    )
    return {f"val_{name}": float(value) for name, value in metrics.items()}


def log_model_files(model: CodingModel, model_dir: Path, registered_name: str | None) -> Any:
    """Label map, thresholds and the pyfunc model of the active run.

    Returns:
        MLflow's ``ModelInfo`` (``registered_model_version`` is set when registered).
    """
    mlflow.log_dict(model.label_map(), "labels.json")
    mlflow.log_dict(model.thresholds(), "thresholds.json")
    with quiet_mlflow():
        return mlflow.pyfunc.log_model(
            name="model",
            python_model=CodingPyfunc(),
            artifacts={MODEL_DIR_ARTIFACT: str(model_dir)},
            pip_requirements=pip_requirements(),
            # With params in the example, the signature accepts ``params={"top_k": n}``.
            input_example=(pd.DataFrame({TEXT: [INPUT_EXAMPLE]}), {"top_k": model.top_k}),
            registered_model_name=registered_name,
        )


def tag_candidate(
    name: str, version: str, alias: str, run_id: str, manifest: dict[str, Any], kind: str
) -> None:
    """Point ``alias`` at the new version and tag it with its run, dataset and kind."""
    client = MlflowClient()
    client.set_registered_model_alias(name, alias, version)
    tags = {"run_id": run_id, "dataset_digest": manifest["digest"], "model_kind": kind}
    for key, value in tags.items():
        client.set_model_version_tag(name, version, key, value)
    logger.info("registered %s version %s with alias '%s'", name, version, alias)


def log_history(history: list[dict[str, float]]) -> None:
    """Per-epoch metrics of the active run, with the epoch as step."""
    for record in history:
        mlflow.log_metrics(
            {
                "train_loss": record["train_loss"],
                "epoch_val_micro_f1": record["val_micro_f1"],
                "epoch_seconds": record["seconds"],
                "epoch_windows_per_s": record["windows_per_s"],
            },
            step=int(record["epoch"]),
        )


def fit_kind(
    params: TrainParams,
    train: pd.DataFrame,
    validation: pd.DataFrame,
    checkpoint_dir: Path | None = None,
) -> tuple[CodingModel, list[dict[str, float]], dict[str, float], tuple]:
    """Fit the model kind of ``train.kind`` (the transformer checkpoints in ``checkpoint_dir``).

    Returns:
        The model, its per-epoch records (none for the hybrid coder), validation metrics and
        the ``(confidence, correct)`` arrays of its validation suggestions. The hybrid coder's
        are measured before it is refitted on the validation notes, since afterwards they
        would be in-sample.
    """
    if params.kind == "hybrid":
        from training.hybrid import fit_hybrid

        model, summary = fit_hybrid(params, *fit_inputs(train, validation))
        metrics = {f"val_{k}": float(v) for k, v in summary["validation"].items()}
        metrics.update(threshold=model.threshold, val_map_tuned=summary["val_map_tuned"])
        return model, [], metrics, summary["outcomes"]
    model, history = fit_transformer(params, *fit_inputs(train, validation), checkpoint_dir)
    metrics = {**validation_metrics(model, validation), "threshold": model.threshold}
    return model, history, metrics, outcomes_of(model, validation)


def outcomes_of(model: CodingModel, validation: pd.DataFrame) -> tuple:
    """``(confidence, correct)`` of every code the model suggests on the validation notes."""
    from validation.calibration import suggestion_outcomes

    records = model.predict(validation[TEXT].tolist())
    return suggestion_outcomes(
        validation[GOLD_CODES].tolist(),
        [r["suggested_codes"] for r in records],
        [r["confidences"] for r in records],
    )


def onnx_files(model_dir: Path) -> list[str]:
    """Names of the ONNX graphs saved in a model folder."""
    return sorted(path.name for path in Path(model_dir).glob("*.onnx"))


def log_calibration(outcomes: tuple) -> None:
    """ECE and reliability diagram (``calibration.png``) of the validation suggestions."""
    from validation.calibration import expected_calibration_error, reliability_figure

    confidence, correct = outcomes
    mlflow.log_metric("val_ece", expected_calibration_error(confidence, correct))
    figure = reliability_figure(confidence, correct)
    mlflow.log_figure(figure, "calibration.png")


def checkpoint_folder(params: TrainParams, workspace: Workspace) -> Path | None:
    """Where the fine-tuning checkpoint of this registered model lives (None: switched off)."""
    if not params.checkpoints:
        return None
    return workspace.state_dir / "checkpoints" / params.registered_model


def train_model(
    dataset_dir: Path,
    params: TrainParams,
    workspace: Workspace,
    run_name: str = "train",
    alias: str = CANDIDATE_ALIAS,
) -> dict[str, Any]:
    """Fit the coding model of ``params.kind``, log it to MLflow, register it and alias it.

    Args:
        dataset_dir: Saved ``DatasetDict`` (train and validation splits) with ``manifest.json``.
        params: The ``train`` section.
        workspace: Where the MLflow store and local model copies live.
        run_name: Name of the MLflow run.
        alias: Registry alias set on the new version.

    Returns:
        ``run_id``, ``model_uri`` (``models:/<name>/<version>``), ``version``, ``metrics``
        (validation metrics and threshold) and ``history`` (one record per epoch). Under
        ``torchrun``, ranks other than 0 return ``{"rank": N}`` only.

    Raises:
        InputError: The dataset or its manifest is unreadable.
        ModelError: Training failed (bad encoder, empty label space, bad notes).
    """
    manifest = read_manifest(dataset_dir)
    train, validation = read_split(dataset_dir, "train"), read_split(dataset_dir, "validation")
    checkpoints = checkpoint_folder(params, workspace)
    ranks = distributed_context()
    if ranks.distributed and params.kind != "transformer":
        raise ModelError(f"train.kind '{params.kind}' trains in one process; run without torchrun")
    if not ranks.is_main:  # a helper rank: same fit, rank 0 logs and registers
        fit_kind(params, train, validation, checkpoints)
        return {"rank": ranks.rank}
    use_experiment(workspace)
    with mlflow.start_run(run_name=run_name) as run:
        log_run_context(params.kind, flatten(params.model_dump()), manifest, train, dataset_dir)
        mlflow.set_tag("ranks", str(ranks.world_size))

        # Fitting; validation metrics measured before any refit on the validation notes.
        model, history, metrics, outcomes = fit_kind(params, train, validation, checkpoints)
        log_history(history)
        mlflow.log_metrics(metrics)
        log_calibration(outcomes)

        # Local copy (with the ONNX graph, if any) and the registered model.
        model_dir = model.save(workspace.models_dir / model.kind)
        mlflow.set_tag("onnx_graph", "none" if not onnx_files(model_dir) else
                       ",".join(onnx_files(model_dir)))  # fmt: skip
        info = log_model_files(model, model_dir, params.registered_model)
        version = str(info.registered_model_version)
        tag_candidate(
            params.registered_model, version, alias, run.info.run_id, manifest, model.kind
        )
    return {
        "run_id": run.info.run_id,
        "model_uri": f"models:/{params.registered_model}/{version}",
        "version": version,
        "metrics": metrics,
        "history": history,
    }


def train_baseline(
    dataset_dir: Path, params: TrainParams, workspace: Workspace, run_name: str = "baseline"
) -> dict[str, Any]:
    """Fit the TF-IDF + logistic regression reference and log it (not registered).

    Args:
        dataset_dir: Saved ``DatasetDict`` with ``manifest.json``.
        params: The ``train`` section (``params.baseline`` plus the shared label-space limits).
        workspace: Where the MLflow store and local model copies live.
        run_name: Name of the MLflow run.

    Returns:
        ``run_id``, ``model_uri`` (MLflow's logged-model URI, loadable with
        ``mlflow.pyfunc.load_model``), ``version`` (``None``) and ``metrics``.
    """
    manifest = read_manifest(dataset_dir)
    train, validation = read_split(dataset_dir, "train"), read_split(dataset_dir, "validation")
    use_experiment(workspace)
    shared = {k: getattr(params, k) for k in ("min_code_count", "top_k", "max_note_chars")}
    run_params = {**flatten(params.baseline.model_dump(), "baseline."), **shared}
    with mlflow.start_run(run_name=run_name) as run:
        log_run_context(BaselineCoder.kind, run_params, manifest, train, dataset_dir)
        mlflow.set_tag("reference", "true")
        model = fit_baseline(params, *fit_inputs(train, validation))
        metrics = {**validation_metrics(model, validation), "threshold": model.threshold}
        mlflow.log_metrics(metrics)
        model_dir = model.save(workspace.models_dir / model.kind)
        info = log_model_files(model, model_dir, registered_name=None)
    if not info.model_uri:
        raise ModelError(f"MLflow returned no model URI for baseline run {run.info.run_id}")
    return {
        "run_id": run.info.run_id,
        "model_uri": info.model_uri,
        "version": None,
        "metrics": metrics,
    }
