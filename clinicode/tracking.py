"""MLflow set-up shared by training, evaluation, monitoring and governance."""

from __future__ import annotations

import os
from pathlib import Path

from clinicode.config import Workspace

EXPERIMENT = "clinicode"
MONITORING_EXPERIMENT = "clinicode-monitoring"


def mlflow_client(workspace: Workspace):
    """Point MLflow at the workspace's tracking and registry store and return a client.

    MLflow's default store depends on the working directory, so every entry point sets it
    explicitly through this function.
    """
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(workspace.mlflow_uri)
    mlflow.set_registry_uri(workspace.mlflow_uri)
    return MlflowClient(tracking_uri=workspace.mlflow_uri, registry_uri=workspace.mlflow_uri)


def use_experiment(workspace: Workspace, name: str = EXPERIMENT) -> str:
    """Select experiment ``name``, creating it with its artifacts under the workspace.

    Without an explicit artifact location MLflow would put artifacts under ``./mlruns`` of
    whatever directory the process runs in.

    Returns:
        The experiment id.
    """
    import mlflow

    client = mlflow_client(workspace)
    experiment = client.get_experiment_by_name(name)
    if experiment is None:
        experiment_id = client.create_experiment(
            name, artifact_location=_artifact_location(workspace, name)
        )
    else:
        experiment_id = experiment.experiment_id
    mlflow.set_experiment(experiment_id=experiment_id)
    return experiment_id


def _artifact_location(workspace: Workspace, name: str) -> str | None:
    """Artifact root of a new experiment: the configured root, the server's, or the workspace's.

    A tracking server (http URI) without a configured root chooses its own (``None`` here), so
    that clients on other machines never write to a path that exists only on theirs.
    """
    from clinicode.servers import ARTIFACT_ROOT_ENV, is_http

    root = os.environ.get(ARTIFACT_ROOT_ENV)
    if root:
        base = root if "://" in root else Path(root).resolve().as_uri()
        return f"{base.rstrip('/')}/{name}"
    if is_http(workspace.mlflow_uri):
        return None
    workspace.mlflow_artifacts.mkdir(parents=True, exist_ok=True)
    return workspace.mlflow_artifacts.as_uri()
