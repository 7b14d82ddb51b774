"""Scale-out: batch scoring over Dask partitions gives exactly the single-process output."""

from __future__ import annotations

import pandas as pd
import pytest

from clinicode.config import AssembleParams, CorpusParams, TrainParams, Workspace
from training.assemble import assemble_dataset, load_dataset
from training.corpus import generate_corpus
from training.deid import Deidentifier
from training.parallel import score_partitions, use_task_runner
from training.predict import predict_frame

KEY = b"dask-test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def scored_inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, str, pd.DataFrame]:
    """A tiny de-identified dataset and a baseline model logged to the workspace's MLflow."""
    from training.train import train_baseline

    workspace = Workspace(tmp_path_factory.mktemp("dask") / "project").ensure()
    records = list(generate_corpus(CorpusParams(n_patients=30, seed=5, n_codes=10)))
    assemble_dataset(
        records, AssembleParams(), Deidentifier(KEY), workspace.dataset_dir, workspace.reports_dir
    )
    train = TrainParams(min_code_count=1, top_k=5)
    model_uri = train_baseline(workspace.dataset_dir, train, workspace)["model_uri"]
    dataset = load_dataset(workspace.dataset_dir)
    frame = pd.concat([dataset[s].to_pandas() for s in dataset], ignore_index=True)
    return workspace, model_uri, frame


def _single(workspace: Workspace, model_uri: str, frame: pd.DataFrame) -> pd.DataFrame:
    from clinicode.tracking import mlflow_client

    mlflow_client(workspace)
    return predict_frame(model_uri, frame)


def test_in_process_partitions_equal_one_call(scored_inputs) -> None:
    workspace, model_uri, frame = scored_inputs
    expected = _single(workspace, model_uri, frame)
    got = score_partitions(model_uri, frame, AssembleParams(batch_size=7), workspace.mlflow_uri)
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.slow
def test_two_dask_workers_by_address_score_like_one_process(scored_inputs) -> None:
    """A two-worker cluster reached by address (the production set-up) gives the same frame."""
    from distributed import LocalCluster
    from prefect_dask import DaskTaskRunner

    from training.parallel import _prefect_api_url

    workspace, model_uri, frame = scored_inputs
    expected = _single(workspace, model_uri, frame)
    env = {"PREFECT_API_URL": _prefect_api_url()}  # workers report to this process's server
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", env=env
    ) as cluster:
        params = AssembleParams(batch_size=7, dask_address=cluster.scheduler_address)
        with use_task_runner(DaskTaskRunner(address=cluster.scheduler_address)):
            got = score_partitions(model_uri, frame, params, workspace.mlflow_uri)
        n_workers = len(cluster.scheduler_info["workers"])
    assert n_workers == 2 and len(frame) > 14  # at least three partitions of 7 rows
    pd.testing.assert_frame_equal(got, expected)
    assert got["suggested_codes"].map(len).sum() > 0  # the model did suggest codes
