"""Prefect deployments of the lifecycle flows, with the schedules of ``params.yaml``.

| deployment | flow | schedule |
| --- | --- | --- |
| ``training`` | retrain (assemble, train) | on demand, or ``deploy.train_cron`` |
| ``quarterly-check`` | monitor | ``monitor.cron`` (first day of each quarter) |
| ``annual-revalidation`` | revalidate | ``revalidate.cron`` |
| ``revalidation`` | revalidate | on demand (``clinicode revalidate --via-deployment``) |
| ``promotion`` | promote | on demand; pauses for the governance approval form |

``build_deployments`` returns the two scheduled checks as ``RunnerDeployment`` objects without
contacting a server (for ``prefect.serve``). ``work_pool_deployments`` returns all five bound to
the code folder, for a work pool; ``clinicode.deploy`` registers them. Runs read ``params.yaml``
when they start, so a changed threshold applies from the next run without redeploying.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.deployments.runner import RunnerDeployment

from clinicode.config import Params
from flows.monitor import PREVIOUS_QUARTER, monitor_flow
from flows.revalidate import revalidate_flow

TRAINING = "training"
QUARTERLY_CHECK = "quarterly-check"
ANNUAL_REVALIDATION = "annual-revalidation"
REVALIDATION = "revalidation"
PROMOTION = "promotion"

# deployment -> (entrypoint relative to the code folder, tags, description)
_SPECS: dict[str, tuple[str, list[str], str]] = {
    TRAINING: (
        "flows/train.py:retrain_flow",
        ["clinicode", "training"],
        "Fine-tune, register as candidate and evaluate on the held-out split.",
    ),
    QUARTERLY_CHECK: (
        "flows/monitor.py:monitor_flow",
        ["clinicode", "monitoring"],
        "Quarterly check of the champion on the quarter that just ended.",
    ),
    ANNUAL_REVALIDATION: (
        "flows/revalidate.py:revalidate_flow",
        ["clinicode", "governance"],
        "Annual revalidation of the serving champion against the criteria.",
    ),
    REVALIDATION: (
        "flows/revalidate.py:revalidate_flow",
        ["clinicode", "governance", "operations"],
        "Revalidation on demand (operations): gate a version or alias now.",
    ),
    PROMOTION: (
        "flows/promote.py:promote_flow",
        ["clinicode", "governance"],
        "Promote a gated version; waits for the governance-board approval form.",
    ),
}


def code_folder() -> Path:
    """The folder holding ``flows/`` (what a process worker runs the entrypoints from)."""
    return Path(__file__).resolve().parent.parent


def build_deployments(params: Params, root: str | None = None) -> list[RunnerDeployment]:
    """The quarterly check (``monitor.cron``) and annual revalidation (``revalidate.cron``).

    Args:
        params: Parameters whose crons are used (the runs themselves re-read ``params.yaml``).
        root: Project folder the scheduled runs work in.

    Returns:
        Two deployments: the check of the quarter that just ended, and the revalidation of the
        serving champion.
    """
    quarterly = monitor_flow.to_deployment(
        name=QUARTERLY_CHECK,
        cron=params.monitor.cron,
        parameters={"root": root, "quarter": PREVIOUS_QUARTER},
        tags=_SPECS[QUARTERLY_CHECK][1],
        description=_SPECS[QUARTERLY_CHECK][2],
    )
    annual = revalidate_flow.to_deployment(
        name=ANNUAL_REVALIDATION,
        cron=params.revalidate.cron,
        parameters={"root": root, "version": params.promote.alias},
        tags=_SPECS[ANNUAL_REVALIDATION][1],
        description=_SPECS[ANNUAL_REVALIDATION][2],
    )
    return [quarterly, annual]


def schedules_of(params: Params) -> dict[str, str | None]:
    """The cron of each deployment (None: on demand only)."""
    return {
        TRAINING: params.deploy.train_cron,
        QUARTERLY_CHECK: params.monitor.cron,
        ANNUAL_REVALIDATION: params.revalidate.cron,
        REVALIDATION: None,
        PROMOTION: None,
    }


def parameters_of(params: Params, root: str) -> dict[str, dict[str, Any]]:
    """Default run parameters of each deployment (runs triggered by hand may override them)."""
    return {
        TRAINING: {"root": root},
        QUARTERLY_CHECK: {"root": root, "quarter": PREVIOUS_QUARTER},
        ANNUAL_REVALIDATION: {"root": root, "version": params.promote.alias},
        REVALIDATION: {"root": root},
        PROMOTION: {"root": root},
    }


def work_pool_deployments(
    params: Params,
    root: str,
    env: dict[str, str] | None = None,
    source: Path | None = None,
) -> list[RunnerDeployment]:
    """All five deployments, loaded from the code folder, for a work pool.

    Args:
        params: Parameters (schedules, work pool name).
        root: Project folder the runs work in (its ``params.yaml`` is read at run time).
        env: Environment of the runs (server addresses, ``CLINICODE_HOME``); never secrets.
        source: Code folder the worker runs from (default: this checkout).

    Returns:
        The deployments, in the order of the module table.
    """
    from prefect import Flow

    source = source or code_folder()
    crons, parameters = schedules_of(params), parameters_of(params, root)
    job_variables = {"env": dict(env or {}), "working_dir": str(source)}
    deployments = []
    for name, (entrypoint, tags, description) in _SPECS.items():
        flow = Flow.from_source(source=str(source), entrypoint=entrypoint)
        deployments.append(
            flow.to_deployment(
                name=name,
                cron=crons[name],
                parameters=parameters[name],
                tags=tags,
                description=description,
                work_pool_name=params.deploy.work_pool,
                job_variables=job_variables,
            )
        )
    return deployments
