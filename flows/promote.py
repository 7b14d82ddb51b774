"""Prefect flow: promote a gated version to ``champion`` with a recorded approval."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import publish, workspace_of


@task(name="promote-version", cache_policy=NO_CACHE)
def promote_task(
    params: Params, root: str | None, version: str | None, approver: str, reason: str
) -> dict:
    """Move the alias; refused unless the gate passed and approver and reason are given."""
    return stages.run_promote(params, workspace_of(root), version, approver, reason)


@flow(name="promote", validate_parameters=False)
def promote_flow(
    params: Params,
    approver: str,
    reason: str,
    root: str | None = None,
    version: str | None = None,
) -> dict:
    """Promote ``version`` (default: the candidate) to the serving alias."""
    result = promote_task(params, root, version, approver, reason)
    publish("promotion", "Promotion", {**result, "approver": approver, "reason": reason})
    return result
