"""Assembly benchmark: notes per second and peak memory at two corpus sizes.

Usage::

    python benchmarks/assemble.py --notes 10000 100000 [--batch-size 1000] [--workers 0]

Each size runs in a fresh child process (so one size's memory never inflates the next), which
generates a synthetic corpus (``CorpusParams.n_patients`` sized to the wanted note count) and
runs ``assemble_from_source`` end to end: pass 1 (codes per patient, split), pass 2 (generate,
de-identify, check, GX per batch, Arrow writes), ``save_to_disk`` and the reports. Generation is
part of the timing (it streams, as a real source would), so notes/s is a lower bound.

Memory is the **RSS high-water mark** of the child (``resource.getrusage(...).ru_maxrss``),
reported whole and minus the RSS measured after the imports (the libraries' own footprint).
The figure to watch is the ratio of the largest to the smallest size: flat memory means ~1.
Only counts and timings are printed, never note text.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

logger = logging.getLogger("benchmarks.assemble")
# Mean notes per patient of the generator with max_notes_per_patient=2 (1 or 2, uniform).
NOTES_PER_PATIENT = 1.5


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _child(n_notes: int, batch_size: int, workers: int) -> dict:
    """Assemble ``n_notes`` synthetic notes in this process; figures as a dict."""
    from clinicode.config import AssembleParams, CorpusParams
    from training.assemble import assemble_from_source
    from training.deid import DEMO_KEY, Deidentifier
    from validation.expectations import is_valid_code

    is_valid_code("I10")  # load the code tables before the baseline is taken
    baseline = _rss_mb()
    corpus = CorpusParams(n_patients=max(1, round(n_notes / NOTES_PER_PATIENT)), seed=5)
    params = AssembleParams(batch_size=batch_size, workers=workers)
    with tempfile.TemporaryDirectory(prefix="clinicode-bench-") as tmp:
        start = time.perf_counter()
        manifest = assemble_from_source(
            params, corpus, Deidentifier(DEMO_KEY), Path(tmp) / "dataset", Path(tmp) / "reports"
        )
        seconds = time.perf_counter() - start
    peak = _rss_mb()
    return {
        "notes": manifest["rows"],
        "patients": manifest["patients"],
        "seconds": round(seconds, 1),
        "notes_per_s": round(manifest["rows"] / seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_above_imports_mb": round(peak - baseline, 1),
    }


def _run_size(n_notes: int, batch_size: int, workers: int) -> dict:
    command = [sys.executable, __file__, "--child", str(n_notes), "--batch-size", str(batch_size)]
    command += ["--workers", str(workers)]
    # stderr passes through: progress bars and errors stay visible.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Parse flags, run each size in a child process, print the figures and the memory ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.batch_size, args.workers)))
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    results = []
    for n_notes in args.notes:
        logger.info("assembling about %d synthetic notes...", n_notes)
        results.append(_run_size(n_notes, args.batch_size, args.workers))
        logger.info("%s", json.dumps(results[-1]))
    print(f"{'notes':>8} {'seconds':>8} {'notes/s':>8} {'peak RSS MB':>12} {'above imports':>14}")
    for r in results:
        print(
            f"{r['notes']:>8} {r['seconds']:>8} {r['notes_per_s']:>8} {r['peak_rss_mb']:>12} "
            f"{r['peak_rss_above_imports_mb']:>14}"
        )
    if len(results) > 1:
        ratio = results[-1]["peak_rss_mb"] / results[0]["peak_rss_mb"]
        above = results[-1]["peak_rss_above_imports_mb"] / max(
            results[0]["peak_rss_above_imports_mb"], 1
        )
        print(
            f"peak RSS ratio {results[-1]['notes']} / {results[0]['notes']} notes: {ratio:.2f} "
            f"(above imports: {above:.2f})"
        )


if __name__ == "__main__":
    main()
