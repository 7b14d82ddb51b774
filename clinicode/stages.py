"""The lifecycle stages as plain functions: Prefect flows and DVC stages both call these.

Each stage reads its own ``params.yaml`` section, calls the libraries in ``training/``,
``validation/``, ``governance/`` and ``serving/``, and writes one audit event. None of them
configures logging or talks to Prefect; orchestration lives in ``flows/``.
"""

from __future__ import annotations

import getpass
import logging
import os
from pathlib import Path
from typing import Any

from clinicode.config import Params, Workspace
from clinicode.errors import GovernanceError, ModelError
from clinicode.schema import NoteRecord
from clinicode.tracking import MONITORING_EXPERIMENT, mlflow_client, use_experiment

logger = logging.getLogger(__name__)

USER_ENV = "CLINICODE_USER"


def current_user() -> str:
    """Who is acting: ``$CLINICODE_USER`` or the login name."""
    return os.environ.get(USER_ENV) or getpass.getuser()


def audit_log(workspace: Workspace):
    """The workspace's audit log."""
    from governance.audit import AuditLog

    return AuditLog(workspace.audit_url)


def run_assemble(params: Params, workspace: Workspace, allow_demo_key: bool = False) -> dict:
    """Assemble the training dataset from the configured source.

    Returns:
        The dataset manifest (digest, counts, code frequencies, de-identification counts).
    """
    from training.assemble import assemble_from_source
    from training.deid import Deidentifier, load_key

    deidentifier = Deidentifier(load_key(allow_demo_key=allow_demo_key))
    manifest = assemble_from_source(
        params.assemble,
        params.corpus,
        deidentifier,
        out_dir=workspace.dataset_dir,
        report_dir=workspace.reports_dir / "data",
    )
    audit_log(workspace).append(
        "dataset-assembly",
        "C",
        current_user(),
        "ml-engineer",
        {
            "dataset_digest": manifest["digest"],
            "source": params.assemble.source,
            "rows": sum(s["rows"] for s in manifest["splits"].values()),
        },
    )
    return manifest


def run_train(params: Params, workspace: Workspace) -> dict:
    """Fine-tune the transformer and fit the TF-IDF baseline; register the transformer."""
    from training.train import train_baseline, train_model

    baseline = train_baseline(workspace.dataset_dir, params.train, workspace)
    result = train_model(workspace.dataset_dir, params.train, workspace)
    result["baseline"] = baseline
    audit_log(workspace).append(
        "model-training",
        "C",
        current_user(),
        "ml-engineer",
        {
            "run_id": result["run_id"],
            "model": params.train.registered_model,
            "version": str(result["version"]),
            "baseline_run_id": baseline["run_id"],
        },
    )
    return result


def _version_uri(params: Params, version: str) -> str:
    return f"models:/{params.train.registered_model}/{version}"


def resolve_version(params: Params, workspace: Workspace, alias: str) -> str | None:
    """The registered version that ``alias`` points to, or None."""
    from governance.registry import champion_version

    return champion_version(mlflow_client(workspace), params.train.registered_model, alias)


def run_evaluate(
    params: Params,
    workspace: Workspace,
    version: str | None = None,
    out_dir: Path | None = None,
    baseline_uri: str | None = None,
    log_to_run: bool = True,
) -> dict:
    """Evaluate a registered version (default: the candidate) on the held-out split.

    Args:
        params: All parameters (``evaluate`` section; model name from ``train``).
        workspace: Project folder.
        version: Registered version; default the one aliased ``candidate``.
        out_dir: Report folder; default ``reports/evaluation`` (the DVC-tracked metrics).
        baseline_uri: The TF-IDF reference model, reported side by side when given.
        log_to_run: Log the test metrics to the version's training run.

    Returns:
        ``version``, ``run_id``, ``report`` and ``metrics``: the code-level summary metrics
        plus ``n_cases`` and ``dataset_digest`` (the full payload is in the report folder).
    """
    from validation.evaluate import evaluate_model

    client = mlflow_client(workspace)
    version = version or resolve_version(params, workspace, params.promote.candidate_alias)
    if version is None:
        raise ModelError("no candidate model is registered; run `clinicode train` first")
    run_id = client.get_model_version(params.train.registered_model, version).run_id
    out_dir = out_dir or workspace.reports_dir / "evaluation"
    payload = evaluate_model(
        _version_uri(params, version),
        workspace.dataset_dir,
        params.evaluate,
        out_dir,
        run_id=run_id if log_to_run else None,
        workspace=workspace,
        baseline_uri=baseline_uri,
    )
    metrics = {
        **payload["model"]["code"],
        "n_cases": payload["n_cases"],
        "dataset_digest": payload["dataset_digest"],
    }
    return {"version": version, "run_id": run_id, "metrics": metrics, "report": str(out_dir)}


def run_revalidate(params: Params, workspace: Workspace, version: str | None = None) -> dict:
    """Gate a version against the acceptance criteria and the current champion."""
    from governance.registry import record_gate_verdict
    from validation.gate import evaluate_gate, write_validation_report

    candidate = run_evaluate(params, workspace, version)
    champion_v = resolve_version(params, workspace, params.promote.alias)
    champion = None
    if champion_v is not None and champion_v != candidate["version"]:
        champion_dir = workspace.reports_dir / "validation" / f"champion-v{champion_v}"
        champion = run_evaluate(
            params, workspace, champion_v, champion_dir, log_to_run=False
        )["metrics"]
    verdict = evaluate_gate(candidate["metrics"], champion, params.revalidate)
    context = _report_context(params, workspace, candidate, champion_v, champion)
    out_dir = workspace.reports_dir / "validation"
    report = write_validation_report(verdict, context, out_dir)
    record_gate_verdict(
        mlflow_client(workspace),
        params.train.registered_model,
        candidate["version"],
        verdict,
        str(report),
    )
    audit_log(workspace).append(
        "revalidation-gate",
        "E",
        current_user(),
        "operations",
        {
            "model": params.train.registered_model,
            "version": candidate["version"],
            "verdict": verdict["verdict"],
            "report": str(report),
        },
        outcome="success" if verdict["passed"] else "failure",
    )
    return {**verdict, "version": candidate["version"], "report": str(report)}


def _report_context(
    params: Params,
    workspace: Workspace,
    candidate: dict,
    champion_v: str | None,
    champion: dict | None,
) -> dict:
    import json

    manifest_file = workspace.dataset_dir / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {}
    return {
        "model_name": params.train.registered_model,
        "version": candidate["version"],
        "run_id": candidate["run_id"],
        "dataset_digest": manifest.get("digest", "unknown"),
        "dataset_source": manifest.get("source", "unknown"),
        "metrics": candidate["metrics"],
        "champion_version": champion_v,
        "champion_metrics": champion,
        "criteria": params.revalidate.model_dump(),
    }


def run_promote(
    params: Params, workspace: Workspace, version: str | None, approver: str, reason: str
) -> dict:
    """Move the serving alias to a gated version, with a named approver and a reason."""
    from governance.registry import promote

    version = version or resolve_version(params, workspace, params.promote.candidate_alias)
    audit = audit_log(workspace)
    entity = {
        "model": params.train.registered_model,
        "version": str(version),
        "approver": approver,
        "reason": reason,
    }
    try:
        if version is None:
            raise GovernanceError("no candidate model version to promote")
        result = promote(
            mlflow_client(workspace),
            params.train.registered_model,
            version,
            approver,
            reason,
            params.promote,
        )
    except GovernanceError:
        audit.append("promotion", "U", current_user(), "governance-board", entity, "failure")
        raise
    audit.append(
        "promotion",
        "U",
        current_user(),
        "governance-board",
        {**entity, "previous": str(result.get("previous"))},
    )
    return result


def quarter_records(params: Params, quarter: str, drift: bool) -> list[NoteRecord]:
    """A synthetic, gold-coded sample of one quarter (the default gold-sample source)."""
    from training.corpus import generate_corpus

    # A different seed per quarter: the sample is new notes, not the training notes again.
    seed = params.corpus.seed + sum(ord(ch) for ch in quarter)
    corpus = params.corpus.model_copy(
        update={"seed": seed, "drift": drift, "start_quarter": quarter, "n_quarters": 1}
    )
    records = list(generate_corpus(corpus, quarters=[quarter]))
    return records[: params.monitor.sample_size]


def score_quarter(
    params: Params,
    workspace: Workspace,
    quarter: str,
    drift: bool,
    model_uri: str,
    allow_demo_key: bool = False,
):
    """De-identify a quarter's gold sample, save it, and add the model's suggestions."""
    from training.assemble import assemble_dataset, load_dataset
    from training.deid import Deidentifier, load_key

    from training.predict import predict_frame

    out_dir = workspace.data_dir / "quarters" / quarter
    assemble_dataset(
        quarter_records(params, quarter, drift),
        params.assemble,
        Deidentifier(load_key(allow_demo_key=allow_demo_key)),
        out_dir=out_dir,
        report_dir=workspace.reports_dir / "data" / quarter,
        split=False,
    )
    frame = load_dataset(out_dir)["all"].to_pandas()
    return predict_frame(model_uri, frame)


def run_monitor(
    params: Params,
    workspace: Workspace,
    quarter: str | None = None,
    drift: bool = False,
    allow_demo_key: bool = False,
) -> dict:
    """Quarterly check of the champion: drift and accuracy of ``quarter`` against the reference."""
    from validation.monitor import run_quarterly_check

    monitor = params.monitor
    quarter = quarter or monitor.current_quarter
    version = resolve_version(params, workspace, params.promote.alias)
    if version is None:
        raise ModelError("no champion model is registered; promote a version first")
    uri = _version_uri(params, version)
    reference = score_quarter(
        params, workspace, monitor.reference_quarter, False, uri, allow_demo_key
    )
    current = score_quarter(params, workspace, quarter, drift, uri, allow_demo_key)
    out_dir = workspace.reports_dir / "monitoring" / quarter
    result = run_quarterly_check(reference, current, monitor, out_dir, quarter)
    result.update(version=version, quarter=quarter)
    _log_monitoring_run(params, workspace, result, quarter, out_dir)
    audit_log(workspace).append(
        "quarterly-check",
        "E",
        current_user(),
        "operations",
        {
            "model": params.train.registered_model,
            "version": version,
            "quarter": quarter,
            "verdict": result["verdict"],
        },
        outcome="success" if result["verdict"] != "fail" else "failure",
    )
    return result


def _log_monitoring_run(
    params: Params, workspace: Workspace, result: dict, quarter: str, out_dir: Path
) -> None:
    import mlflow

    use_experiment(workspace, MONITORING_EXPERIMENT)
    with mlflow.start_run(run_name=f"monitor-{quarter}"):
        mlflow.set_tags(
            {
                "quarter": quarter,
                "model_version": result["version"],
                "model_name": params.train.registered_model,
                "verdict": result["verdict"],
            }
        )
        numeric = {k: float(v) for k, v in _flatten(result.get("metrics", {})).items()}
        mlflow.log_metrics({k.replace("@", "_at_")[:250]: v for k, v in numeric.items()})
        mlflow.log_artifacts(str(out_dir), artifact_path="monitoring")


def _flatten(data: dict, prefix: str = "") -> dict[str, float]:
    flat: dict[str, float] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            flat[name] = value
    return flat


def with_overrides(params: Params, **sections: dict) -> Params:
    """A copy of ``params`` with some keys of some sections replaced (validated again)."""
    data = params.model_dump()
    for section, values in sections.items():
        data[section] = {**data[section], **values}
    return Params.model_validate(data)


__all__ = [
    "current_user",
    "run_assemble",
    "run_train",
    "run_evaluate",
    "run_revalidate",
    "run_promote",
    "run_monitor",
    "score_quarter",
    "with_overrides",
]


def run_serve_check(params: Params, workspace: Workspace, port: int = 0) -> dict:
    """Start the API on loopback, ask it for suggestions on one synthetic note, stop it."""
    import socket

    import httpx

    from serving.app import create_app, running_server

    if port == 0:  # let the OS choose a free loopback port
        with socket.socket() as sock:
            sock.bind((params.serve.host, 0))
            port = sock.getsockname()[1]
    note = quarter_records(params, params.monitor.current_quarter, drift=False)[0]
    app = create_app(params, workspace, allow_demo_key=True)
    with running_server(app, params.serve.host, port) as base_url:
        response = httpx.post(
            f"{base_url}/v1/suggestions",
            timeout=60,
            json={"text": note.text, "note_type": note.note_type},
        )
        response.raise_for_status()
        health = httpx.get(f"{base_url}/health", timeout=10).json()
    body = response.json()
    return {
        "url": base_url,
        "health": health,
        "model_version": body["model_version"],
        "suggested_codes": [s["code"] for s in body["suggestions"]],
        "gold_codes": note.codes,
    }
