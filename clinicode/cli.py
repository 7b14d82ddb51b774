"""The ``clinicode`` command line: one command per lifecycle stage, plus the demo.

Stage commands run the Prefect flows (Prefect's local, ephemeral mode unless ``PREFECT_API_URL``
points at a server). ``clinicode stage NAME`` runs the same stage function without Prefect; DVC
calls that.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clinicode.config import Params, Workspace, load_params
from clinicode.errors import ClinicodeError
from clinicode.runtime import configure_logging, prepare_environment

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

    def load(self) -> tuple[Params, Workspace]:
        workspace = Workspace(self.home).ensure()
        prepare_environment(workspace.state_dir)
        return load_params(self.params_path), workspace


_ctx = _Context(None, None)


@app.callback()
def main(
    params: Annotated[Path | None, typer.Option(help="params.yaml to use.")] = None,
    home: Annotated[
        Path | None, typer.Option(help="Project folder (default: $CLINICODE_HOME or cwd).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING...")] = "INFO",
) -> None:
    """Global options shared by every command."""
    configure_logging(log_level)
    _ctx.params_path, _ctx.home = params, home


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
    _print_json(_run(stages.run_evaluate, params, ws, model))


@app.command()
def revalidate(
    model: Annotated[
        str | None,
        typer.Option(
            help="Version or alias, e.g. 3 or champion (default: candidate, else champion)."
        ),
    ] = None,
) -> None:
    """Run the revalidation gate now (also the annual check) and record its verdict."""
    from flows.revalidate import revalidate_flow

    params, ws = _ctx.load()
    verdict = _run(revalidate_flow, params, str(ws.root), model)
    _print_json(verdict)
    if not verdict["passed"]:
        raise typer.Exit(code=1)


@app.command()
def promote(
    approver: Annotated[str, typer.Option(help="Governance-board member approving.")],
    reason: Annotated[str, typer.Option(help="Why this version should serve.")],
    model: Annotated[str | None, typer.Option(help="Model version (default: candidate).")] = None,
) -> None:
    """Promote a version whose gate passed to ``champion``."""
    from flows.promote import promote_flow

    params, ws = _ctx.load()
    _print_json(_run(promote_flow, params, approver, reason, str(ws.root), model))


@app.command()
def monitor(
    quarter: Annotated[str | None, typer.Option(help="Quarter to check, e.g. 2026Q3.")] = None,
    drift: Annotated[bool, typer.Option(help="Generate the synthetic sample with drift.")] = False,
) -> None:
    """Run the quarterly check of the champion against a gold-coded sample."""
    from flows.monitor import monitor_flow

    params, ws = _ctx.load()
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
    uvicorn.run(api, host=host or params.serve.host, port=port or params.serve.port)


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


@app.command()
def demo(
    drift_quarter: Annotated[str, typer.Option(help="Quarter monitored with drift on.")] = "2026Q3",
) -> None:
    """Run the whole lifecycle on the embedded synthetic corpus and say where everything is."""
    from flows.lifecycle import lifecycle_flow

    params, ws = _ctx.load()
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
    console.print(f"MLflow UI        mlflow ui --backend-store-uri {ws.mlflow_uri}")


if __name__ == "__main__":  # pragma: no cover
    app()
