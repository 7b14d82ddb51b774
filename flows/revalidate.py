"""Prefect flow: the revalidation gate, before promotion and once a year on the champion."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import IO_RETRIES, params_of, publish, workspace_of


@task(name="revalidation-gate", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def gate_task(params: Params, root: str | None, version: str | None) -> dict:
    """Score the gold sample, compare, write the validation report and record the verdict."""
    return stages.run_revalidate(params, workspace_of(root), version)


@flow(name="revalidate", validate_parameters=False, persist_result=True)
def revalidate_flow(
    params: Params | None = None, root: str | None = None, version: str | None = None
) -> dict:
    """Gate ``version`` (a number or an alias; default the candidate, else the champion).

    Args:
        params: All parameters; None reads ``params.yaml`` at run time (scheduled runs).
        root: Project folder.
        version: Version number or alias name (``champion`` for the annual revalidation).
    """
    params = params_of(params, root)
    verdict = gate_task(params, root, version)
    publish(
        "gate-verdict",
        "Revalidation gate",
        {
            "version": verdict["version"],
            "verdict": verdict["verdict"],
            "reasons": verdict["reasons"],
            "warnings": verdict.get("warnings", []),
            "report": verdict["report"],
        },
    )
    return verdict
