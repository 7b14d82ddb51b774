"""The ``clinicode`` command line: one command per lifecycle stage, plus the demo.

Stage commands run the Prefect flows (Prefect's local, ephemeral mode unless ``PREFECT_API_URL``
points at a server). ``clinicode stage NAME`` runs the same stage function without Prefect; DVC
calls that.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clinicode import stages
from clinicode.config import Params, Workspace, load_params
from clinicode.errors import ClinicodeError
from clinicode.runtime import configure_logging, prepare_environment
from clinicode.servers import apply_servers, resolve_servers

app = typer.Typer(
    help="clinicode: MLOps lifecycle for ICD-10-CM coding models (administrative coding "
    "support; every suggestion is reviewed by a coder).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="Inspect and verify the hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
console = Console()
logger = logging.getLogger("clinicode")


@dataclass
class _Context:
    params_path: Path | None
    home: Path | None
    token: str | None = None

    def load(self) -> tuple[Params, Workspace]:
        workspace = Workspace(self.home).ensure()
        prepare_environment(workspace.state_dir)
        params = load_params(self.params_path)
        apply_servers(resolve_servers(params.servers))  # before any library reads an address
        return params, workspace


_ctx = _Context(None, None)


@app.callback()
def main(
    params: Annotated[Path | None, typer.Option(help="params.yaml to use.")] = None,
    home: Annotated[
        Path | None, typer.Option(help="Project folder (default: $CLINICODE_HOME or cwd).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING...")] = "INFO",
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CLINICODE_TOKEN",
            help="Your API token (`clinicode users add`); needed by commands that change "
            "governance state.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Global options shared by every command."""
    configure_logging(log_level)
    _ctx.params_path, _ctx.home, _ctx.token = params, home, token


def _run(fn, *args, **kwargs):
    """Run a command body; turn our own errors into a one-line message and exit code 2."""
    try:
        return fn(*args, **kwargs)
    except ClinicodeError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from exc


def _print_json(data: dict) -> None:
    console.print_json(json.dumps(data, default=str))


@app.command()
def assemble() -> None:
    """De-identify, validate, split and save the dataset of the configured source."""
    from flows.assemble import assemble_flow

    params, ws = _ctx.load()
    _guard(ws, STAGE_ROLES["assemble"], "dataset.assemble")
    manifest = _run(
        assemble_flow, params, str(ws.root), allow_demo_key=params.assemble.source == "synthetic"
    )
    _print_json(
        {
            "dataset": str(ws.dataset_dir),
            "digest": manifest["digest"],
            "splits": {k: v["rows"] for k, v in manifest["splits"].items()},
        }
    )


@app.command()
def train() -> None:
    """Fine-tune the coding model and the baseline; register the model as ``candidate``."""
    from flows.train import train_flow

    params, ws = _ctx.load()
    _guard(ws, STAGE_ROLES["train"], "model.train")
    result = _run(train_flow, params, str(ws.root))
    _print_json(
        {
            "run_id": result["run_id"],
            "version": result["version"],
            "test_metrics": result["evaluation"]["metrics"],
        }
    )


@app.command()
def evaluate(
    model: Annotated[str | None, typer.Option(help="Model version (default: candidate).")] = None,
) -> None:
    """Evaluate a registered model version on the held-out split."""
    from clinicode import stages

    params, ws = _ctx.load()
    _guard(ws, STAGE_ROLES["evaluate"], "model.evaluate")
    _print_json(_run(stages.run_evaluate, params, ws, model))


@app.command()
def predict(
    input: Annotated[Path, typer.Option(help="Split folder, e.g. DIR/dev (CodiEsp layout).")],
    model: Annotated[str, typer.Option(help="MLflow model URI or a saved model folder.")],
    out: Annotated[Path, typer.Option(help="TSV to write: articleID, code, score, suggested.")],
    source: Annotated[str, typer.Option(help="Input layout; only 'codiesp' for now.")] = "codiesp",
    runtime: Annotated[str, typer.Option(help="auto, torch or onnx (encoder runtime).")] = "auto",
    top_k: Annotated[int, typer.Option(help="Ranked codes written per case.")] = 100,
) -> None:
    """Rank codes for every case of a split and write them as TSV (suggested=1 above threshold)."""
    from clinicode.errors import ConfigError
    from clinicode.tracking import mlflow_client
    from training.predict import predict_codiesp

    if source != "codiesp":
        _run(_raise, ConfigError(f"--source {source!r}: expected 'codiesp'"))
    _, ws = _ctx.load()
    mlflow_client(ws)
    _print_json(_run(predict_codiesp, model, input, out, runtime, top_k))


def _raise(error: Exception) -> None:
    raise error


@app.command()
def revalidate(
    model: Annotated[
        str | None,
        typer.Option(
            help="Version or alias, e.g. 3 or champion (default: candidate, else champion)."
        ),
    ] = None,
    via_deployment: Annotated[
        bool, typer.Option(help="Start it as a run of the 'revalidation' deployment (server).")
    ] = False,
    wait: Annotated[
        float, typer.Option(help="With --via-deployment: seconds to wait for the run (0: none).")
    ] = 0,
) -> None:
    """Run the revalidation gate now (also the annual check) and record its verdict."""
    from flows.revalidate import revalidate_flow

    params, ws = _ctx.load()
    _guard(ws, STAGE_ROLES["revalidate"], "model.revalidate")
    if via_deployment:
        _trigger_revalidation(params, model, wait)
        return
    verdict = _run(revalidate_flow, params, str(ws.root), model)
    _print_json(verdict)
    if not verdict["passed"]:
        raise typer.Exit(code=1)


# Roles that may run each lifecycle stage from the command line (DVC: set CLINICODE_TOKEN).
STAGE_ROLES = {
    "assemble": ("ml-engineer",),
    "train": ("ml-engineer",),
    "evaluate": ("ml-engineer",),
    "revalidate": ("ml-engineer", "operations"),
    "monitor": ("operations", "ml-engineer"),
}


def _guard(ws: Workspace, roles: tuple[str, ...], action: str) -> None:
    """Check the token's role for a stage command once the workspace has users.

    A workspace with no users yet (a fresh project) runs unchecked, with a warning: the first
    `clinicode users add` turns the checks on. The stage's audit events then name the token's
    user.
    """
    if not stages.access_store(ws).users():
        logger.warning("no users registered: role checks are off until `clinicode users add`")
        return
    who = _run(_principal, ws, roles, action)
    os.environ[stages.USER_ENV] = who.user


def _principal(ws: Workspace, roles: tuple[str, ...], action: str):
    """The token holder, if their role may do ``action`` (refusals are audited)."""
    from governance.access import AccessDenied, require_role

    store, audit = stages.access_store(ws), stages.audit_log(ws)
    try:
        who = store.authenticate(_ctx.token)
    except AccessDenied:
        who = None
    return require_role(who, roles, action, audit)


@app.command()
def promote(
    reason: Annotated[str, typer.Option(help="Why this version should serve.")],
    model: Annotated[str | None, typer.Option(help="Model version (default: candidate).")] = None,
    approver: Annotated[
        str | None, typer.Option(help="Must match the token's user when given.")
    ] = None,
) -> None:
    """Promote a version whose gate passed to ``champion`` (governance-board token)."""
    from flows.promote import promote_flow

    params, ws = _ctx.load()
    who = _run(_principal, ws, stages.PROMOTE_ROLES, "model.promote")
    if approver and approver != who.user:
        console.print(f"[red]error:[/red] --approver '{approver}' is not the token's user")
        raise typer.Exit(code=2)
    _print_json(_run(promote_flow, params, who.user, reason, str(ws.root), model))


@app.command()
def rollback(
    reason: Annotated[str, typer.Option(help="Why the previous champion should serve again.")],
) -> None:
    """Return ``champion`` to the previous version (governance-board or operations token)."""
    params, ws = _ctx.load()
    who = _run(_principal, ws, stages.ROLLBACK_ROLES, "model.rollback")
    _print_json(_run(stages.run_rollback, params, ws, who.user, reason))


@app.command()
def monitor(
    quarter: Annotated[str | None, typer.Option(help="Quarter to check, e.g. 2026Q3.")] = None,
    drift: Annotated[bool, typer.Option(help="Generate the synthetic sample with drift.")] = False,
) -> None:
    """Run the quarterly check of the champion against a gold-coded sample."""
    from flows.monitor import monitor_flow

    params, ws = _ctx.load()
    _guard(ws, STAGE_ROLES["monitor"], "model.monitor")
    result = _run(
        monitor_flow, params, str(ws.root), quarter, drift, params.assemble.source == "synthetic"
    )
    keys = ("quarter", "verdict", "reasons", "warnings", "version", "html", "notified")
    _print_json({k: result.get(k) for k in keys})
    if result["verdict"] == "fail":
        raise typer.Exit(code=1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Serve the champion's suggestions over HTTP (FastAPI; OpenAPI at /docs)."""
    import uvicorn

    from serving.app import create_app

    params, ws = _ctx.load()
    api = _run(create_app, params, ws, allow_demo_key=params.assemble.source == "synthetic")
    # No access log: request paths carry case references.
    uvicorn.run(
        api, host=host or params.serve.host, port=port or params.serve.port, access_log=False,
        ssl_certfile=params.serve.ssl_certfile, ssl_keyfile=params.serve.ssl_keyfile,
        proxy_headers=True,
    )  # fmt: skip


@app.command()
def stage(
    name: Annotated[str, typer.Argument(help="assemble, train, evaluate or revalidate.")],
) -> None:
    """Run one stage without Prefect (what ``dvc repro`` calls)."""
    from clinicode import stages

    params, ws = _ctx.load()
    demo_key = params.assemble.source == "synthetic"
    runners = {
        "assemble": lambda: stages.run_assemble(params, ws, allow_demo_key=demo_key),
        "train": lambda: stages.run_train(params, ws),
        "evaluate": lambda: stages.run_evaluate(params, ws),
        "revalidate": lambda: stages.run_revalidate(params, ws),
    }
    if name not in runners:
        console.print(f"[red]error:[/red] unknown stage '{name}'; choose from {sorted(runners)}")
        raise typer.Exit(code=2)
    _guard(ws, STAGE_ROLES[name], f"stage.{name}")
    result = _run(runners[name])
    console.print(f"stage {name} done ({len(json.dumps(result, default=str))} bytes of summary)")


@app.command()
def deid(
    input_path: Annotated[Path, typer.Argument(help="JSONL: id, text, identifier fields...")],
    output_path: Annotated[Path, typer.Argument(help="JSONL written (replaced atomically).")],
) -> None:
    """De-identify a JSONL file of notes; print replacement counts per PHI type (no values)."""
    from training.deid import Deidentifier, deidentify_jsonl, load_key

    params, ws = _ctx.load()
    if params.deid.cache_dir is None:
        params = params.model_copy(
            update={"deid": params.deid.model_copy(update={"cache_dir": str(ws.state_dir)})}
        )
    deidentifier = _run(lambda: Deidentifier(load_key(allow_demo_key=False), params.deid))
    counts = _run(deidentify_jsonl, input_path, output_path, deidentifier)
    _print_json({"output": str(output_path), "replacements": dict(sorted(counts.items()))})


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 and say where when a record was altered."""
    from clinicode import stages

    _, ws = _ctx.load()
    result = stages.audit_log(ws).verify()
    if result.ok:
        console.print(f"[green]audit chain intact[/green]: {result.n_records} records")
        return
    for problem in result.problems:
        console.print(f"[red]{problem}[/red]")
    raise typer.Exit(code=1)


@audit_app.command("list")
def audit_list(limit: Annotated[int, typer.Option(help="Newest records to show.")] = 20) -> None:
    """Print the newest audit records as JSON lines."""
    from clinicode import stages

    _, ws = _ctx.load()
    for record in stages.audit_log(ws).records()[-limit:]:
        sys.stdout.write(json.dumps(record, default=str) + "\n")


def _trigger_revalidation(params: Params, model: str | None, wait: float) -> None:
    from clinicode.deploy import trigger

    parameters = {"version": model} if model else {}
    servers = resolve_servers(params.servers)
    run = _run(trigger, servers, "revalidation", parameters, wait_s=wait or 0)
    _print_json(run)
    if wait and run["state"] not in ("COMPLETED",):
        raise typer.Exit(code=1)


@app.command()
def deploy() -> None:
    """Register the Prefect deployments (schedules from params.yaml) on the server."""
    from clinicode.deploy import deploy as register

    params, ws = _ctx.load()
    registered = _run(register, params, ws, resolve_servers(params.servers))
    _print_json({"work_pool": params.deploy.work_pool, "deployments": registered})
    console.print(f"start a worker: prefect worker start --pool {params.deploy.work_pool}")


@app.command()
def doctor() -> None:
    """Check each server (Prefect, MLflow, artifacts, audit, Dask) and say what is missing."""
    from rich.table import Table

    from clinicode.doctor import FAIL, run_doctor

    params, ws = _ctx.load()
    checks = run_doctor(params, ws, resolve_servers(params.servers))
    table = Table("check", "target", "status", "detail", "hint")
    colour = {"ok": "green", "embedded": "cyan", "fail": "red"}
    for c in checks:
        status = f"[{colour[c.status]}]{c.status}[/{colour[c.status]}]"
        table.add_row(c.name, c.target, status, c.detail, c.hint)
    console.print(table)
    if any(c.status == FAIL for c in checks):
        raise typer.Exit(code=1)


@app.command()
def backup(
    dest: Annotated[Path, typer.Argument(help="Folder the backup folder is created in.")],
) -> None:
    """Back up MLflow's database, the artifact folder and the audit log."""
    from clinicode.backup import backup as run_backup
    from clinicode.backup import stores_of

    params, ws = _ctx.load()
    stores = _run(stores_of, ws, resolve_servers(params.servers))
    manifest = _run(run_backup, stores, dest)
    _print_json({"path": manifest["path"], "files": manifest["files"], "audit": manifest["audit"]})


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="A folder written by `clinicode backup`.")],
) -> None:
    """Restore a backup (stop the servers first), then verify the audit chain."""
    from clinicode.backup import restore as run_restore
    from clinicode.backup import stores_of

    params, ws = _ctx.load()
    stores = _run(stores_of, ws, resolve_servers(params.servers))
    _print_json(_run(run_restore, stores, source))


@audit_app.command("trace")
def audit_trace(case_id: Annotated[str, typer.Argument(help="The case reference.")]) -> None:
    """Print a case's story: suggestions, model lineage, coder actions, final codes (auditor)."""
    from governance.audit import case_pseudonym, trace_case
    from training.deid import load_key

    params, ws = _ctx.load()
    who = _run(_principal, ws, ("auditor", "governance-board"), "audit.trace")
    key = _run(load_key, allow_demo_key=params.assemble.source == "synthetic")
    case_ref = case_pseudonym(case_id, key)
    audit = stages.audit_log(ws)
    audit.append(
        "report-access", "R", who.user, who.role, {"report": "case-trace", "case_ref": case_ref}
    )
    _print_json(trace_case(audit, case_ref))


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Argument(help="JSON file written (replaced atomically).")],
) -> None:
    """Export the log as a FHIR Bundle of AuditEvent resources (auditor or board token)."""
    from clinicode.io import write_json_atomic
    from governance.audit import fhir_bundle

    _, ws = _ctx.load()
    who = _run(_principal, ws, ("auditor", "governance-board"), "audit.export")
    audit = stages.audit_log(ws)
    records = audit.records()
    write_json_atomic(out, fhir_bundle(records))
    audit.append("report-access", "R", who.user, who.role,
                 {"report": "audit-export", "n_records": len(records)})  # fmt: skip
    console.print(f"{len(records)} AuditEvent resources written to {out}")


users_app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
app.add_typer(users_app, name="users")
USER_ADMIN_ROLES = ("operations",)


@users_app.command("add")
def users_add(
    user: Annotated[str, typer.Argument(help="Staff log-in (letters, digits, . _ @ -).")],
    role: Annotated[str, typer.Argument(help="coder, ml-engineer, governance-board, ...")],
) -> None:
    """Add a user and print their token once (operations token; none for the first user)."""
    _, ws = _ctx.load()
    store = stages.access_store(ws)
    # The very first user bootstraps the store; every later one needs an operations token.
    who = _run(_principal, ws, USER_ADMIN_ROLES, "user.add") if store.users() else None
    token = _run(store.add_user, user, role)
    stages.audit_log(ws).append(
        "user-admin", "C", who.user if who else stages.current_user(),
        who.role if who else "bootstrap", {"action": "add", "user": user, "role": role},
    )  # fmt: skip
    console.print(f"user {user} ({role}) added; token (shown once, store it safely):")
    sys.stdout.write(token + "\n")


@users_app.command("list")
def users_list() -> None:
    """List users with role and status (never tokens)."""
    _, ws = _ctx.load()
    _run(_principal, ws, ("operations", "auditor", "governance-board"), "user.list")
    for row in stages.access_store(ws).users():
        sys.stdout.write(json.dumps(row) + "\n")


@users_app.command("disable")
def users_disable(user: Annotated[str, typer.Argument(help="User to disable.")]) -> None:
    """Stop a user's token from working (operations token)."""
    _, ws = _ctx.load()
    who = _run(_principal, ws, USER_ADMIN_ROLES, "user.disable")
    _run(stages.access_store(ws).disable, user)
    stages.audit_log(ws).append(
        "user-admin", "U", who.user, who.role, {"action": "disable", "user": user}
    )
    console.print(f"user {user} disabled")


@users_app.command("rotate")
def users_rotate(
    user: Annotated[str, typer.Argument(help="User whose token is replaced.")],
) -> None:
    """Issue a new token for a user; the old one stops working (operations token)."""
    _, ws = _ctx.load()
    who = _run(_principal, ws, USER_ADMIN_ROLES, "user.rotate")
    token = _run(stages.access_store(ws).rotate_token, user)
    stages.audit_log(ws).append(
        "user-admin", "U", who.user, who.role, {"action": "rotate", "user": user}
    )
    console.print(f"new token for {user} (shown once):")
    sys.stdout.write(token + "\n")


@app.command()
def demo(
    drift_quarter: Annotated[str, typer.Option(help="Quarter monitored with drift on.")] = "2026Q3",
) -> None:
    """Run the whole lifecycle on the embedded synthetic corpus and say where everything is."""
    from flows.lifecycle import lifecycle_flow

    params, ws = _ctx.load()
    stages.ensure_demo_users(params, ws)  # the demo's unattended promotion needs its approver
    started = time.perf_counter()
    summary = _run(lifecycle_flow, params, str(ws.root), drift_quarter)
    _print_demo_summary(summary, ws, time.perf_counter() - started)
    if not summary["audit"]["ok"]:
        raise typer.Exit(code=1)


def _print_demo_summary(summary: dict, ws: Workspace, seconds: float) -> None:
    metrics = summary["test_metrics"]
    console.rule("clinicode demo finished")
    console.print(f"took {seconds:.0f} s")
    console.print(f"dataset          {ws.dataset_dir} (digest {summary['dataset_digest'][:12]})")
    console.print(
        f"model            version {summary['version']}, run {summary['run_id']}, "
        f"test micro-F1 {metrics.get('micro_f1', 0):.3f}, MAP {metrics.get('map', 0):.3f}"
    )
    console.print(f"gate             {summary['gate']} -> {summary['gate_report']}")
    console.print(f"champion         {'promoted' if summary['promoted'] else 'NOT promoted'}")
    served = summary["served"]
    console.print(
        f"served           {served['url']} answered with "
        f"{len(served['suggested_codes'])} suggestions from v{served['model_version']}"
    )
    for quarter, verdict in summary["quarters"].items():
        console.print(f"quarter {quarter}  {verdict} -> {summary['quarter_reports'][quarter]}")
    audit = summary["audit"]
    console.print(
        f"audit log        {'verified' if audit['ok'] else 'BROKEN'}, "
        f"{audit['n_records']} records ({ws.audit_url})"
    )
    console.print(f"reports          {ws.reports_dir}")
    tokens = ws.state_dir / stages.DEMO_TOKENS_FILE
    if tokens.is_file():
        console.print(f"demo tokens      {tokens} (one user per role; synthetic demo only)")
    console.print(f"MLflow UI        mlflow ui --backend-store-uri {ws.mlflow_uri}")


if __name__ == "__main__":  # pragma: no cover
    app()
