"""Prefect flow: the quarterly check of the champion (drift and accuracy on a gold sample)."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from clinicode import stages
from clinicode.config import Params
from flows._common import publish, workspace_of


@task(name="quarterly-check", cache_policy=NO_CACHE)
def check_task(
    params: Params, root: str | None, quarter: str | None, drift: bool, allow_demo_key: bool
) -> dict:
    """Score the quarter's gold sample and compare it with the reference quarter."""
    return stages.run_monitor(params, workspace_of(root), quarter, drift, allow_demo_key)


@flow(name="monitor", validate_parameters=False)
def monitor_flow(
    params: Params,
    root: str | None = None,
    quarter: str | None = None,
    drift: bool = False,
    allow_demo_key: bool = False,
) -> dict:
    """Run the quarterly check; a failing verdict also emits a Prefect event."""
    result = check_task(params, root, quarter, drift, allow_demo_key)
    publish(
        f"quarterly-check-{result['quarter'].lower()}",
        f"Quarterly check {result['quarter']}",
        {
            "verdict": result["verdict"],
            "reasons": result["reasons"],
            "version": result["version"],
            "report": result.get("html"),
        },
    )
    if result["verdict"] == "fail":
        emit_event(
            event="clinicode.monitoring.failed",
            resource={"prefect.resource.id": f"clinicode.model.{params.train.registered_model}"},
            payload={"quarter": result["quarter"], "reasons": result["reasons"]},
        )
    return result
