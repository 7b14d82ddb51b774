"""Prefect flow: assemble the de-identified, validated, patient-split training dataset.

The flow picks the task runner of the parallel de-identification: none (in process) when
``assemble.workers`` is 0, else a ``DaskTaskRunner`` (local cluster of N workers, or the
scheduler at ``assemble.dask_address``). The partitioning and the map live in
``training.parallel``; the flow only chooses where they run.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import IO_RETRIES, publish, workspace_of
from training.parallel import task_runner_for, use_task_runner


@task(name="assemble-dataset", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def assemble_task(params: Params, root: str | None, allow_demo_key: bool) -> dict:
    """Load, de-identify, validate, split and save the dataset."""
    with use_task_runner(task_runner_for(params.assemble)):
        return stages.run_assemble(params, workspace_of(root), allow_demo_key=allow_demo_key)


@flow(name="assemble", validate_parameters=False, persist_result=True)
def assemble_flow(params: Params, root: str | None = None, allow_demo_key: bool = False) -> dict:
    """Assemble the dataset described by ``params.assemble``; returns its manifest."""
    manifest = assemble_task(params, root, allow_demo_key)
    publish(
        "dataset-manifest",
        "Dataset assembly",
        {
            "digest": manifest["digest"],
            "source": manifest.get("source"),
            "splits": {k: v["rows"] for k, v in manifest["splits"].items()},
            "deid_replacements": manifest.get("deid_replacements", {}),
            "rejected_records": manifest.get("rejected_records", 0),
        },
    )
    return manifest
