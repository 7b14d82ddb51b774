"""Scale-out benchmark: de-identification and batch scoring throughput, in process and on Dask.

Usage::

    python benchmarks/scale.py [--notes 1200] [--partition 100] [--workers 1 2] [--out f.json]

Both workloads run the production code paths (``training.parallel.deidentify_batches`` and
``training.parallel.score_partitions``) on synthetic notes, first in process (the baseline of
every ratio), then through ``prefect_dask.DaskTaskRunner`` on a local cluster of 1 and 2 worker
processes (one thread each). Each timing is the whole call, cluster start-up included, since
that is what a run pays; the start-up alone is timed separately. Scoring uses the TF-IDF
baseline model logged to a throwaway MLflow store (the fine-tuned transformer is slower per
note; ``docs/production.md`` combines both for the capacity estimate). The load average is
printed with the figures because the machine is shared. Only counts and timings are printed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from itertools import islice
from pathlib import Path

logger = logging.getLogger("benchmarks.scale")
NOTES_PER_PATIENT = 1.5  # mean of the generator with max_notes_per_patient=2


def _records(n_notes: int) -> list:
    from clinicode.config import CorpusParams
    from training.corpus import generate_corpus

    corpus = CorpusParams(n_patients=max(1, round(n_notes / NOTES_PER_PATIENT)), seed=5)
    return list(islice(generate_corpus(corpus), n_notes))


def _batches(records: list, size: int) -> list[list]:
    return [records[i : i + size] for i in range(0, len(records), size)]


def _deid_run(records: list, partition: int, workers: int) -> float:
    from clinicode.config import AssembleParams
    from training.deid import DEMO_KEY, Deidentifier
    from training.parallel import deidentify_batches

    params = AssembleParams(batch_size=partition, workers=workers)
    deidentifier = Deidentifier(DEMO_KEY)
    start = time.perf_counter()
    n_out = sum(
        len(r.records)
        for _, r in deidentify_batches(_batches(records, partition), deidentifier, params, DEMO_KEY)
    )
    seconds = time.perf_counter() - start
    if n_out != len(records):
        raise RuntimeError(f"de-identified {n_out} of {len(records)} notes")
    return seconds


def _scoring_inputs(records: list, root: Path):
    """Assemble the notes in process and log a baseline model; the frame and model URI."""
    import pandas as pd

    from clinicode.config import AssembleParams, TrainParams, Workspace
    from training.assemble import assemble_dataset, load_dataset
    from training.deid import DEMO_KEY, Deidentifier
    from training.train import train_baseline

    workspace = Workspace(root).ensure()
    assemble_dataset(
        records,
        AssembleParams(),
        Deidentifier(DEMO_KEY),
        workspace.dataset_dir,
        workspace.reports_dir,
    )
    model_uri = train_baseline(workspace.dataset_dir, TrainParams(), workspace)["model_uri"]
    dataset = load_dataset(workspace.dataset_dir)
    frame = pd.concat([dataset[s].to_pandas() for s in dataset], ignore_index=True)
    return workspace, model_uri, frame


def _score_run(workspace, model_uri: str, frame, partition: int, workers: int) -> float:
    from clinicode.config import AssembleParams
    from training.parallel import score_partitions

    params = AssembleParams(batch_size=partition, workers=workers)
    start = time.perf_counter()
    scored = score_partitions(model_uri, frame, params, workspace.mlflow_uri)
    seconds = time.perf_counter() - start
    if len(scored) != len(frame):
        raise RuntimeError(f"scored {len(scored)} of {len(frame)} notes")
    return seconds


def _cluster_start_s(workers: int) -> float:
    """Seconds to start and stop an empty local cluster of ``workers`` processes."""
    from distributed import LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0"):
        pass
    return time.perf_counter() - start


def _row(name: str, workers: int, n: int, seconds: float, base: float) -> dict:
    return {
        "workload": name,
        "workers": workers,
        "notes": n,
        "seconds": round(seconds, 2),
        "notes_per_s": round(n / seconds, 2),
        "speedup_vs_in_process": round(base / seconds, 2),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def run(n_notes: int, partition: int, workers: list[int]) -> dict:
    """Time both workloads in process and on each cluster size; rows of figures."""
    from clinicode.tracking import mlflow_client

    records = _records(n_notes)
    rows = []
    base = _deid_run(records, partition, 0)
    rows.append(_row("deid", 0, len(records), base, base))
    for n in workers:
        rows.append(_row("deid", n, len(records), _deid_run(records, partition, n), base))
    with tempfile.TemporaryDirectory(prefix="clinicode-scale-") as tmp:
        workspace, model_uri, frame = _scoring_inputs(records, Path(tmp) / "project")
        mlflow_client(workspace)
        _score_run(workspace, model_uri, frame.head(10), partition, 0)  # load the model once
        base = _score_run(workspace, model_uri, frame, partition, 0)
        rows.append(_row("score", 0, len(frame), base, base))
        for n in workers:
            seconds = _score_run(workspace, model_uri, frame, partition, n)
            rows.append(_row("score", n, len(frame), seconds, base))
    starts = {n: round(_cluster_start_s(n), 2) for n in workers}
    return {"rows": rows, "cluster_start_s": starts, "cpu_count": os.cpu_count()}


def main() -> None:
    """Parse flags, run, print a table and optionally write JSON."""
    from clinicode.runtime import configure_logging, prepare_environment

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=1200)
    parser.add_argument("--partition", type=int, default=100, help="notes per partition")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    configure_logging("WARNING")
    prepare_environment(Path(tempfile.gettempdir()) / "clinicode-bench-state")
    print(f"load average before: {os.getloadavg()}")
    result = run(args.notes, args.partition, args.workers)
    print(f"{'workload':8} {'workers':>7} {'notes':>6} {'s':>8} {'notes/s':>8} {'ratio':>6} load")
    for r in result["rows"]:
        print(
            f"{r['workload']:8} {r['workers']:>7} {r['notes']:>6} {r['seconds']:>8} "
            f"{r['notes_per_s']:>8} {r['speedup_vs_in_process']:>6} {r['load_avg_1m']}"
        )
    print(f"empty cluster start+stop (s): {result['cluster_start_s']}")
    print(f"load average after: {os.getloadavg()}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
