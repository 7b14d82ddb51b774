"""Prefect flow: assemble the de-identified, validated, patient-split training dataset."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import publish, workspace_of


@task(name="assemble-dataset", cache_policy=NO_CACHE)
def assemble_task(params: Params, root: str | None, allow_demo_key: bool) -> dict:
    """Load, de-identify, validate, split and save the dataset."""
    return stages.run_assemble(params, workspace_of(root), allow_demo_key=allow_demo_key)


@flow(name="assemble", validate_parameters=False)
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
        },
    )
    return manifest
