"""Partitioned de-identification and batch scoring, in process or through a Prefect task runner.

``assemble.workers: 0`` de-identifies in the calling process. ``workers: N`` (or a
``dask_address``) maps partitions over a ``prefect_dask.DaskTaskRunner``: each raw partition is
encrypted to a private staging folder (``training.staging``), the worker decrypts it, deletes the
file and returns only de-identified records, residual-PHI counts and replacement counts. Results
come back in submission order and the de-identifier is deterministic per record, so the output
equals the single-process output. At most ``2 * workers`` partitions are in flight, which bounds
memory whatever the corpus size.

Batch scoring (``score_partitions``) maps ``training.predict.predict_frame`` over row partitions
of an already de-identified frame (as the quarterly check scores it); each worker loads the model
once and the partitions are put back in input order, so the output equals one ``predict_frame``.

Flows choose the runner (``use_task_runner``); library callers without one get a local cluster
built from the parameters (``task_runner_for``).
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from clinicode.config import AssembleParams
from clinicode.schema import NoteRecord
from training.deid import Deidentifier, residual_phi
from training.staging import EncryptedStage, read_partition

if TYPE_CHECKING:
    import pandas as pd
    from prefect.task_runners import TaskRunner

logger = logging.getLogger(__name__)

_ACTIVE_RUNNER: ContextVar[Any] = ContextVar("clinicode_task_runner", default=None)
# Label of the secret the staging key is derived from; the key itself is never stored.
STAGING_LABEL = "raw-staging-encryption"


@dataclass
class PartitionResult:
    """De-identified partition: one entry per input record, in input order.

    Attributes:
        records: The de-identified records.
        residual: Per record, PHI counts per type still found after de-identification.
        stats: Replacements per PHI type made for this partition.
    """

    records: list[NoteRecord] = field(default_factory=list)
    residual: list[dict[str, int]] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)


def deidentify_partition(records: list[NoteRecord], deidentifier: Deidentifier) -> PartitionResult:
    """De-identify records and count residual PHI (counts only, never values).

    Args:
        records: Raw records of one partition.
        deidentifier: Keyed de-identifier; its ``stats`` grow by this partition's counts.

    Returns:
        The partition result, in input order.
    """
    before = Counter(deidentifier.stats)
    result = PartitionResult()
    for raw in records:
        clean = deidentifier.deidentify(raw)
        result.records.append(clean)
        result.residual.append(dict(residual_phi(raw, clean.text)))
    result.stats = deidentifier.stats - before
    return result


def _deidentify_staged(path: str, key: bytes, deidentifier: Deidentifier) -> PartitionResult:
    """Worker side: decrypt one staged partition, delete it, de-identify it."""
    return deidentify_partition(read_partition(path, key), deidentifier)


@lru_cache(maxsize=1)
def _partition_task() -> Any:
    from prefect import task
    from prefect.cache_policies import NO_CACHE

    # No cache and no result persistence: raw input must never be written by the orchestrator.
    return task(
        _deidentify_staged,
        name="deidentify-partition",
        cache_policy=NO_CACHE,
        persist_result=False,
    )


@contextmanager
def use_task_runner(runner: TaskRunner | None) -> Iterator[None]:
    """Make ``runner`` the one ``deidentify_batches`` uses in this context (flows set it)."""
    token = _ACTIVE_RUNNER.set(runner)
    try:
        yield
    finally:
        _ACTIVE_RUNNER.reset(token)


def _prefect_api_url() -> str:
    """The API the workers must report to: the configured one, or this process's temporary one."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url:
        return url
    from prefect.server.api.server import SubprocessASGIServer

    # Without this, every worker process would start its own temporary server and time out.
    server = SubprocessASGIServer()
    server.start()
    return server.api_url


def task_runner_for(params: AssembleParams) -> TaskRunner | None:
    """The task runner ``assemble.workers``/``assemble.dask_address`` ask for (None: in-process).

    Args:
        params: Assembly parameters.

    Returns:
        A ``DaskTaskRunner`` on ``dask_address``, or on a local cluster of ``workers`` processes
        with one thread each; None when ``workers`` is 0 and no address is set.
    """
    if not params.workers and not params.dask_address:
        return None
    from prefect_dask import DaskTaskRunner

    if params.dask_address:
        return DaskTaskRunner(address=params.dask_address)
    env = {
        "PREFECT_API_URL": _prefect_api_url(),
        "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    }
    cluster = {
        "n_workers": params.workers,
        "threads_per_worker": 1,  # the regex work holds the GIL: parallelism comes from processes
        "processes": True,
        "dashboard_address": ":0",
        "env": env,
    }
    return DaskTaskRunner(cluster_kwargs=cluster)


def _in_flight(params: AssembleParams) -> int:
    return 2 * max(params.workers, 1)


def _parallel(
    batches: Iterable[list[NoteRecord]],
    deidentifier: Deidentifier,
    runner: TaskRunner,
    params: AssembleParams,
    secret: bytes,
) -> Iterator[tuple[list[NoteRecord], PartitionResult]]:
    task = _partition_task()
    pending: deque[tuple[list[NoteRecord], Any]] = deque()
    with EncryptedStage(secret) as stage, runner as active:
        for batch in batches:
            path = stage.put(batch)
            parameters = {"path": str(path), "key": stage.key, "deidentifier": deidentifier}
            pending.append((batch, active.submit(task, parameters=parameters)))
            if len(pending) >= _in_flight(params):
                raw, future = pending.popleft()
                yield raw, future.result()
        while pending:
            raw, future = pending.popleft()
            yield raw, future.result()


def deidentify_batches(
    batches: Iterable[list[NoteRecord]],
    deidentifier: Deidentifier,
    params: AssembleParams,
    secret: bytes,
) -> Iterator[tuple[list[NoteRecord], PartitionResult]]:
    """De-identify partitions in process or through the active (or configured) task runner.

    Args:
        batches: Raw partitions, e.g. ``assemble.batch_size`` records each.
        deidentifier: Keyed de-identifier; its ``stats`` receive every partition's counts.
        params: Assembly parameters (``workers``, ``dask_address``).
        secret: Key material of the staging encryption (derived from the de-identification key).

    Yields:
        Each raw partition with its result, in input order.
    """
    runner = _ACTIVE_RUNNER.get() or task_runner_for(params)
    if runner is None:
        for batch in batches:
            yield batch, deidentify_partition(batch, deidentifier)
        return
    logger.info("de-identifying through %s", type(runner).__name__)
    for raw, result in _parallel(batches, deidentifier, runner, params, secret):
        deidentifier.stats.update(result.stats)
        yield raw, result


def _score_partition(
    model_uri: str, tracking_uri: str, frame: pd.DataFrame, batch_size: int
) -> pd.DataFrame:
    """Worker side: point MLflow at the caller's store and score one partition."""
    import mlflow

    from training.predict import predict_frame

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    return predict_frame(model_uri, frame, batch_size)


@lru_cache(maxsize=1)
def _scoring_task() -> Any:
    from prefect import task
    from prefect.cache_policies import NO_CACHE

    # Note text stays out of Prefect's result storage: the returned frames hold it.
    return task(
        _score_partition, name="score-partition", cache_policy=NO_CACHE, persist_result=False
    )


def score_partitions(
    model_uri: str,
    frame: pd.DataFrame,
    params: AssembleParams,
    tracking_uri: str,
    batch_size: int = 64,
) -> pd.DataFrame:
    """Score a de-identified frame in partitions of ``assemble.batch_size`` rows.

    Args:
        model_uri: MLflow model URI, e.g. ``models:/clinicode-icd10@champion``.
        frame: De-identified notes with a ``text`` column.
        params: Assembly parameters (``batch_size`` rows per partition, ``workers``,
            ``dask_address``).
        tracking_uri: MLflow store the workers load the model from.
        batch_size: Notes per model call inside a partition.

    Returns:
        ``frame`` with the prediction columns, in input order (as ``predict_frame`` returns).
    """
    import pandas as pd

    from training.predict import predict_frame

    runner = _ACTIVE_RUNNER.get() or task_runner_for(params)
    if runner is None:
        return predict_frame(model_uri, frame, batch_size)
    frame = frame.reset_index(drop=True)
    starts = range(0, len(frame), params.batch_size)
    parts: list[pd.DataFrame] = []
    pending: deque[Any] = deque()
    with runner as active:
        for start in starts:
            parameters = {
                "model_uri": model_uri,
                "tracking_uri": tracking_uri,
                "frame": frame.iloc[start : start + params.batch_size],
                "batch_size": batch_size,
            }
            pending.append(active.submit(_scoring_task(), parameters=parameters))
            if len(pending) >= _in_flight(params):  # bounds memory: 2 partitions per worker
                parts.append(pending.popleft().result())
        parts.extend(future.result() for future in pending)
    logger.info("scored %d notes in %d partitions", len(frame), len(parts))
    return pd.concat(parts, ignore_index=True) if parts else predict_frame(model_uri, frame)
