"""Prefect flow: fine-tune and register a candidate, then evaluate it on the test split."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import IO_RETRIES, params_of, publish, workspace_of


@task(name="train-models", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def train_task(params: Params, root: str | None) -> dict:
    """Fine-tune the transformer and fit the baseline, both tracked in MLflow."""
    return stages.run_train(params, workspace_of(root))


@task(name="evaluate-candidate", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def evaluate_task(params: Params, root: str | None, version: str, baseline_uri: str) -> dict:
    """Evaluate the registered version (and the baseline) on the held-out split."""
    return stages.run_evaluate(params, workspace_of(root), version, baseline_uri=baseline_uri)


@flow(name="train", validate_parameters=False, persist_result=True)
def train_flow(params: Params | None = None, root: str | None = None) -> dict:
    """Train, register as ``candidate`` and evaluate; returns run ids, version and metrics.

    Args:
        params: All parameters; None reads ``params.yaml`` at run time (deployment runs).
        root: Project folder.
    """
    params = params_of(params, root)
    trained = train_task(params, root)
    evaluation = evaluate_task(
        params, root, str(trained["version"]), trained["baseline"]["model_uri"]
    )
    publish(
        "training-summary",
        "Training",
        {
            "run_id": trained["run_id"],
            "version": trained["version"],
            **{
                f"test_{k}": round(v, 4)
                for k, v in evaluation["metrics"].items()
                if isinstance(v, float)
            },
        },
    )
    return {**trained, "evaluation": evaluation}


@flow(name="retrain", validate_parameters=False, persist_result=True)
def retrain_flow(params: Params | None = None, root: str | None = None) -> dict:
    """Assemble the dataset from the configured source, then train (the ``training`` deployment).

    Args:
        params: All parameters; None reads ``params.yaml`` at run time (deployment runs).
        root: Project folder.
    """
    from flows.assemble import assemble_flow

    params = params_of(params, root)
    demo_key = params.assemble.source == "synthetic"  # the demo key only ever de-identifies fakes
    manifest = assemble_flow(params, root, allow_demo_key=demo_key)
    return {**train_flow(params, root), "dataset_digest": manifest["digest"]}
