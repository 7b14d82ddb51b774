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

from clinicode.config import Params, Workspace
from clinicode.errors import GovernanceError, ModelError
from clinicode.schema import NoteRecord
from clinicode.tracking import MONITORING_EXPERIMENT, mlflow_client, use_experiment

logger = logging.getLogger(__name__)

USER_ENV = "CLINICODE_USER"
DEMO_CODER = "demo-coder"
SERVE_CHECK_USER = "demo-serve-check"  # the lifecycle's own coder for its serving check


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
    """Fit the coding model and the TF-IDF baseline; register the model.

    Under ``torchrun`` (``training.distributed``) rank 0 does all of this while the other
    ranks only share the fine-tuning.
    """
    from training.distributed import context
    from training.train import train_baseline, train_model

    if not context().is_main:  # torchrun helper rank: joins the fit, records nothing
        return train_model(workspace.dataset_dir, params.train, workspace)
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
            "dataset_digest": _dataset_digest(workspace),
        },
    )
    return result


def _dataset_digest(workspace: Workspace) -> str | None:
    """Digest of the assembled dataset a training run read (for the audit trail)."""
    import json

    manifest = workspace.dataset_dir / "manifest.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("digest")


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
    """Gate a version on a gold sample against the acceptance criteria and the champion.

    Args:
        params: All parameters (``revalidate`` section; sample and bootstrap settings).
        workspace: Project folder.
        version: A version number, or an alias name (``candidate``, ``champion``); default the
            candidate, else the champion (the annual revalidation of the serving model).

    Returns:
        The verdict (``passed``, ``verdict``, ``reasons``, ``warnings``, ``notes``, ``checks``)
        with ``version``, ``champion_version``, ``metrics`` and ``report``.
    """
    from validation.gate import evaluate_gate, write_validation_report

    rv = params.revalidate
    version = _revalidation_version(params, workspace, version)
    champion_v = resolve_version(params, workspace, params.promote.alias)

    # one sample, scored by each model
    sample, source, digest, team = _revalidation_sample(params, workspace, str(version))
    scored = _score_versions(params, workspace, sample, digest, [version, champion_v])
    candidate = scored[version]
    champion = scored[champion_v]["metrics"] if champion_v not in (None, version) else None

    # gate and report
    out_dir = workspace.reports_dir / "validation"
    evidence = _gate_evidence(params, workspace, out_dir, version, candidate)
    verdict = evaluate_gate(candidate["metrics"], champion, rv, evidence)
    run_id = mlflow_client(workspace).get_model_version(params.train.registered_model, version)
    context = _report_context(
        params, workspace, {**candidate, "version": version, "run_id": run_id.run_id},
        champion_v if champion else None, champion,
    )  # fmt: skip
    context.update(
        sample_digest=digest, sample_source=source, team=team, deid=evidence["deid"],
        previous_metrics=evidence["previous"],
    )  # fmt: skip
    report = write_validation_report(verdict, context, out_dir)
    _record_revalidation(params, workspace, version, verdict, report, source, digest)
    return {
        **verdict,
        "version": version,
        "champion_version": champion_v,
        "metrics": candidate["metrics"],
        "report": str(report),
    }


def _score_versions(
    params: Params, workspace: Workspace, sample, digest: str, versions: list[str | None]
) -> dict[str, dict]:
    """Score each registered version on the same gold sample (metrics with intervals)."""
    from validation.gate import score_sample

    rv = params.revalidate
    settings = params.monitor.model_copy(
        update={"bootstrap_samples": rv.bootstrap_samples, "confidence": rv.confidence}
    )
    counts = _train_counts(workspace)
    scored = {}
    for v in dict.fromkeys(v for v in versions if v):
        scored[v] = score_sample(_predicted(params, sample, v), settings, counts, rv.seed)
        scored[v]["metrics"]["dataset_digest"] = digest
    return scored


def _record_revalidation(
    params: Params,
    workspace: Workspace,
    version: str,
    verdict: dict,
    report: Path,
    source: str,
    digest: str,
) -> None:
    """Tag the verdict on the model version and write the audit event."""
    from governance.registry import record_gate_verdict

    name = params.train.registered_model
    record_gate_verdict(
        mlflow_client(workspace), name, version, verdict, str(report), sample=source
    )
    entity = {
        "model": name,
        "version": version,
        "verdict": verdict["verdict"],
        "report": str(report),
        "sample_digest": digest,
    }
    outcome = "success" if verdict["passed"] else "failure"
    audit_log(workspace).append(
        "revalidation-gate", "E", current_user(), "operations", entity, outcome=outcome
    )


def _gate_evidence(
    params: Params, workspace: Workspace, out_dir: Path, version: str, candidate: dict
) -> dict:
    """Per-chapter recall, calibration sample size, de-identification recall, previous run."""
    from validation.gate import deid_evidence, previous_validation

    rv = params.revalidate
    previous = previous_validation(out_dir, version)
    deid_path = workspace.root / rv.deid_report if rv.deid_report else None
    return {
        "per_chapter": candidate["detail"]["per_chapter"],
        "n_suggestions": candidate["n_suggestions"],
        "deid": deid_evidence(deid_path, rv.deid_sample_notes, rv.seed),
        "previous": (previous or {}).get("metrics"),
    }


def _revalidation_version(params: Params, workspace: Workspace, version: str | None) -> str:
    """A version number from a number or an alias; default the candidate, else the champion."""
    promote = params.promote
    if version in (promote.alias, promote.candidate_alias):
        version = resolve_version(params, workspace, version)
    version = version or resolve_version(params, workspace, promote.candidate_alias)
    version = version or resolve_version(params, workspace, promote.alias)
    if version is None:
        raise ModelError("no model version to revalidate; run `clinicode train` first")
    return str(version)


def _revalidation_sample(params: Params, workspace: Workspace, version: str):
    """The gold sample of a revalidation: ``(frame, source label, digest, team figures)``."""
    from training.train import read_split
    from validation.gold import frame_digest, human_ai_team, read_gold_sample

    rv = params.revalidate
    if rv.sample == "file":
        if not rv.gold_path:
            raise ModelError("revalidate.sample is 'file' but revalidate.gold_path is not set")
        frame = read_gold_sample(rv.gold_path)
        source = f"gold sample {Path(rv.gold_path).name}"
    elif rv.sample == "synthetic":
        quarter = params.monitor.current_quarter
        frame = score_quarter(
            params, workspace, quarter, False, _version_uri(params, version),
            allow_demo_key=params.assemble.source == "synthetic",
        )  # fmt: skip
        frame = frame.drop(columns=["suggested_codes", "confidences"])
        source = f"fresh synthetic sample of {quarter}"
    else:
        frame = read_split(workspace.dataset_dir, params.evaluate.split)
        source = f"held-out {params.evaluate.split} split"
    return frame, source, frame_digest(frame), human_ai_team(frame)


def _predicted(params: Params, sample, version: str):
    """``sample`` with this version's suggestions (recorded suggestions set aside)."""
    from training.predict import PREDICTION_COLUMNS, predict_frame

    base = sample.drop(columns=[c for c in PREDICTION_COLUMNS if c in sample.columns])
    return predict_frame(_version_uri(params, version), base)


def _train_counts(workspace: Workspace) -> dict | None:
    """Code frequencies of the assembled corpus (for frequency buckets), if assembled."""
    import json

    manifest_file = workspace.dataset_dir / "manifest.json"
    if not manifest_file.exists():
        return None
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    rows = manifest.get("rows")
    if not manifest.get("code_frequencies") or not rows:
        return None
    return {"codes": manifest["code_frequencies"], "n_cases": int(rows)}


def _report_context(
    params: Params,
    workspace: Workspace,
    candidate: dict,
    champion_v: str | None,
    champion: dict | None,
) -> dict:
    """What the validation report shows besides the verdict (numbers, codes, fixed labels)."""
    import json

    from validation.monitor import history_row

    manifest_file = workspace.dataset_dir / "manifest.json"
    manifest = json.loads(manifest_file.read_text()) if manifest_file.exists() else {}
    history = []
    for path in sorted((workspace.reports_dir / "monitoring").glob("*/summary.json")):
        try:
            history.append(history_row(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("skipping unreadable monitoring summary %s", path)
    return {
        "model_name": params.train.registered_model,
        "version": candidate["version"],
        "run_id": candidate["run_id"],
        "code_commit": _code_commit(),
        "dataset_digest": manifest.get("digest", "unknown"),
        "dataset_source": manifest.get("source", "unknown"),
        "splits": {k: v.get("rows") for k, v in (manifest.get("splits") or {}).items()},
        "datasheet": _datasheet_lines(workspace),
        "metrics": candidate["metrics"],
        "detail": candidate["detail"],
        "reliability": candidate["reliability"],
        "history": history,
        "champion_version": champion_v,
        "champion_metrics": champion,
        "criteria": params.revalidate.model_dump(),
    }


def _code_commit() -> str:
    """Commit of the code that ran (not of the project folder, which may not be a repository)."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).resolve().parents[1],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def _datasheet_lines(workspace: Workspace) -> list[str]:
    # Only the summary bullets of the datasheet: they are generated from counts.
    sheet = workspace.reports_dir / "data" / "datasheet.md"
    if not sheet.is_file():
        return []
    lines = []
    for line in sheet.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            break
        if line.startswith("- "):
            lines.append(line[2:].replace("`", ""))
    return lines


PROMOTE_ROLES = ("governance-board",)
# Rolling back is the on-call way out of a bad release, so operations may do it too.
ROLLBACK_ROLES = ("governance-board", "operations")


def access_store(workspace: Workspace):
    """The workspace's users, roles and token hashes (beside the audit log)."""
    from governance.access import AccessStore

    return AccessStore(workspace.audit_url)


def run_promote(
    params: Params, workspace: Workspace, version: str | None, approver: str, reason: str
) -> dict:
    """Move the serving alias to a gated version, approved by a governance-board member.

    Args:
        params: All parameters (model name, aliases).
        workspace: Project folder.
        version: Version to promote (default: the candidate).
        approver: User id of the approving governance-board member (checked in the access
            store; the CLI takes it from the approver's token).
        reason: Why the version should serve.

    Returns:
        ``{"model", "version", "previous"}``.

    Raises:
        GovernanceError: The approver is unknown or not on the board (``AccessDenied``), no
            passing gate, no reason, or no candidate. Every refusal is audited.
    """
    from governance.access import require_user_role
    from governance.registry import promote

    version = version or resolve_version(params, workspace, params.promote.candidate_alias)
    audit = audit_log(workspace)
    entity = {"model": params.train.registered_model, "version": str(version),
              "approver": approver, "reason": reason, "requested_by": current_user()}  # fmt: skip
    try:
        require_user_role(access_store(workspace), approver, PROMOTE_ROLES, "model.promote", audit)
        if version is None:
            raise GovernanceError("no candidate model version to promote")
        result = promote(
            mlflow_client(workspace), params.train.registered_model, version, approver, reason,
            params.promote,
        )  # fmt: skip
    except GovernanceError as exc:
        _audit_refusal(audit, "promotion", approver, entity, exc)
        raise
    entity["previous"] = str(result.get("previous"))
    audit.append("promotion", "U", approver, "governance-board", entity)
    return result


def run_rollback(params: Params, workspace: Workspace, approver: str, reason: str) -> dict:
    """Return the serving alias to the previous champion (board or operations; audited).

    Raises:
        GovernanceError: The approver's role is not allowed, no reason, no champion or no
            previous champion. Every refusal is audited.
    """
    from governance.access import require_user_role
    from governance.registry import rollback

    audit = audit_log(workspace)
    name = params.train.registered_model
    entity = {"model": name, "approver": approver, "reason": reason,
              "requested_by": current_user()}  # fmt: skip
    try:
        who = require_user_role(
            access_store(workspace), approver, ROLLBACK_ROLES, "model.rollback", audit
        )
        result = rollback(mlflow_client(workspace), name, approver, reason, params.promote)
    except GovernanceError as exc:
        _audit_refusal(audit, "rollback", approver, entity, exc)
        raise
    entity.update(version=result["version"], previous=result["previous"])
    audit.append("rollback", "U", who.user, who.role, entity)
    return result


def _audit_refusal(audit, event_type: str, approver: str, entity: dict, exc: Exception) -> None:
    """A refused promotion or rollback, with the reason it was refused."""
    who = approver.strip()[:100] if approver and approver.strip() else "anonymous"
    entity = {**entity, "refusal": str(exc)[:500]}
    audit.append(event_type, "U", who, "unverified", entity, outcome="refused")


DEMO_USERS = {
    "governance-board": None,  # params.demo.approver
    "coder": DEMO_CODER,
    "operations": "demo-operations",
    "ml-engineer": "demo-ml-engineer",
}
DEMO_TOKENS_FILE = "demo-tokens.json"


def ensure_demo_users(params: Params, workspace: Workspace) -> list[str]:
    """Register the demo's staff (one user per working role) if they are missing.

    Only the demo calls this (``clinicode demo``): it runs unattended, so its approver must
    exist before the promotion step asks for one, and whoever tries the workspace afterwards
    needs tokens to run ``train``, ``users add`` or ``promote``. The tokens of users created now
    are added to ``.clinicode/demo-tokens.json`` (owner-only permissions). This is for the
    synthetic demo workspace only; real users get their token from ``clinicode users add``.

    Returns:
        The user ids created now.
    """
    import json

    from clinicode.io import write_text_atomic

    store, created = access_store(workspace), {}
    for role, user in DEMO_USERS.items():
        user = user or params.demo.approver
        if store.principal(user) is None:
            created[user] = {"role": role, "token": store.add_user(user, role)}
    if not created:
        return []
    path = workspace.state_dir / DEMO_TOKENS_FILE
    known = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    write_text_atomic(path, json.dumps({**known, **created}, indent=2, sort_keys=True))
    path.chmod(0o600)
    audit_log(workspace).append(
        "user-admin", "C", current_user(), "operations",
        {"action": "demo-users", "users": sorted(created)},
    )  # fmt: skip
    return sorted(created)


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
    """Quarterly check of the champion: drift and accuracy of ``quarter`` against the reference.

    Gold samples come from ``monitor.gold_dir`` when set (files named after the quarter, with
    the suggestions recorded at coding time), else from the synthetic source scored now. The
    current quarter's pool is cut down by the sampling plan, whose seed is recorded.
    """
    from validation.gold import quarter_file, read_gold_sample
    from validation.monitor import planned_size, run_quarterly_check
    from validation.sampling import draw_sample

    monitor = params.monitor
    quarter = quarter or monitor.current_quarter
    version = resolve_version(params, workspace, params.promote.alias)
    if version is None:
        raise ModelError("no champion model is registered; promote a version first")
    uri = _version_uri(params, version)

    def gold_sample(label: str, drifted: bool):
        if monitor.gold_dir:
            return read_gold_sample(quarter_file(monitor.gold_dir, label))
        return score_quarter(params, workspace, label, drifted, uri, allow_demo_key)

    # samples and plan
    reference = gold_sample(monitor.reference_quarter, False)
    seed = monitor.sampling_seed + sum(ord(ch) for ch in quarter)
    current, plan = draw_sample(gold_sample(quarter, drift), planned_size(monitor), seed)
    plan.update(
        quarter=quarter, ci_width=monitor.ci_width, confidence=monitor.confidence,
        assumed_f1=monitor.assumed_f1, assumed_variance=monitor.assumed_variance,
    )  # fmt: skip

    # check
    out_dir = workspace.reports_dir / "monitoring" / quarter
    run_id = mlflow_client(workspace).get_model_version(params.train.registered_model, version)
    context = {"model_name": params.train.registered_model, "version": version,
               "run_id": run_id.run_id}  # fmt: skip
    result = run_quarterly_check(
        reference, current, monitor, out_dir, quarter, plan, _train_counts(workspace), context
    )
    result.update(version=version, quarter=quarter, sampling_plan=plan)
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
    """A monitoring run linked to the model version, and the version's monitoring tags."""
    import mlflow

    from governance.registry import record_monitoring

    use_experiment(workspace, MONITORING_EXPERIMENT)
    summary = result.get("metrics", {})
    headline = {
        "current": summary.get("current", {}).get("metrics", {}),
        "reference": summary.get("reference", {}).get("metrics", {}),
        "current_interval": summary.get("current_detail", {}).get("overall", {}),
        "data_drift": summary.get("data_drift", {}),
        "code_drift": summary.get("code_drift", {}),
        "prediction_drift": summary.get("prediction_drift", {}),
        "text_drift": {"auc": summary.get("text_drift", {}).get("auc", 0.0)},
        "f1_drop": summary.get("f1_drop", 0.0),
    }
    with mlflow.start_run(run_name=f"monitor-{quarter}"):
        mlflow.set_tags(
            {
                "quarter": quarter,
                "model_version": result["version"],
                "model_name": params.train.registered_model,
                "verdict": result["verdict"],
            }
        )
        numeric = {k: float(v) for k, v in _flatten(headline).items()}
        mlflow.log_metrics({k.replace("@", "_at_")[:250]: v for k, v in numeric.items()})
        if result.get("sampling_plan"):
            mlflow.log_dict(result["sampling_plan"], "sampling_plan.json")
        mlflow.log_artifacts(str(out_dir), artifact_path="monitoring")
    record_monitoring(
        mlflow_client(workspace), params.train.registered_model, result["version"], quarter,
        result["verdict"], str(result.get("html")),
    )  # fmt: skip


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
    "run_rollback",
    "ensure_demo_users",
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
    store = access_store(workspace)
    if store.principal(SERVE_CHECK_USER) is None:
        store.add_user(SERVE_CHECK_USER, "coder")
    token = store.rotate_token(SERVE_CHECK_USER)  # tokens are shown once: the check takes a new one
    app = create_app(params, workspace, allow_demo_key=True)
    with running_server(app, params.serve.host, port) as base_url:
        response = httpx.post(
            f"{base_url}/v1/suggestions",
            timeout=60,
            json={"text": note.text, "note_type": note.note_type},
            headers={"Authorization": f"Bearer {token}"},
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
