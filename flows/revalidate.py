"""Prefect flow: the revalidation gate against acceptance criteria and the champion."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import publish, workspace_of


@task(name="revalidation-gate", cache_policy=NO_CACHE)
def gate_task(params: Params, root: str | None, version: str | None) -> dict:
    """Evaluate, compare, write the validation report and record the verdict."""
    return stages.run_revalidate(params, workspace_of(root), version)


@flow(name="revalidate", validate_parameters=False)
def revalidate_flow(params: Params, root: str | None = None, version: str | None = None) -> dict:
    """Gate ``version`` (default: the candidate); returns the verdict with its reasons."""
    verdict = gate_task(params, root, version)
    publish(
        "gate-verdict",
        "Revalidation gate",
        {
            "version": verdict["version"],
            "verdict": verdict["verdict"],
            "reasons": verdict["reasons"],
            "report": verdict["report"],
        },
    )
    return verdict
