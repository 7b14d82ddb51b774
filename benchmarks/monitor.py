"""Quarterly-check benchmark: drift, per-class accuracy and report on 100,000 synthetic cases.

Usage::

    python benchmarks/monitor.py --n 100000 --seed 0 [--out /tmp/monitor-bench]

Frames are built with numpy (not the note generator): each case gets a note type, a specialty, a
short text drawn from a word list, gold codes from a long-tailed code mix, suggested codes (most
gold codes kept, some wrong ones added) and their confidences. The current quarter is drawn with
a shifted code mix and a few new words, so every drift measure has something to find. The check
runs exactly as ``clinicode monitor`` runs it (``run_quarterly_check``), minus model scoring.

Targets: under 60 s wall time and under 4 GiB peak RSS on 2 cores.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

TARGET_SECONDS = 60.0
TARGET_RSS_GIB = 4.0
N_CODES = 200
WORDS = np.array([f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(2000)])
NOTE_TYPES = np.array(["discharge summary", "ED note", "operative note", "pathology report"])
SPECIALTIES = np.array(["cardiology", "emergency medicine", "general surgery", "pathology",
                        "endocrinology", "pulmonology"])  # fmt: skip


@cache
def _codes() -> np.ndarray:
    """``N_CODES`` real ICD-10-CM leaf codes spread evenly over the code list (all chapters)."""
    import simple_icd_10_cm as cm

    leaves = [c for c in cm.get_all_codes(with_dots=True) if cm.is_leaf(c) and "." in c]
    return np.array(leaves[:: len(leaves) // N_CODES][:N_CODES])


def make_frame(n: int, seed: int, drifted: bool) -> pd.DataFrame:
    """``n`` cases with gold codes, suggestions and confidences (vectorised draws)."""
    rng = np.random.default_rng(seed)
    codes = _codes()
    weights = 1.0 / np.arange(1, N_CODES + 1)  # long tail: Zipf-like code frequencies
    if drifted:
        weights = np.roll(weights, 7)
    weights /= weights.sum()

    # gold and suggested codes: up to 3 per case, as index arrays
    gold_idx = rng.choice(N_CODES, size=(n, 3), p=weights)
    n_gold = rng.integers(1, 4, n)
    keep = rng.random((n, 3)) < (0.7 if drifted else 0.85)
    wrong = rng.choice(N_CODES, size=n, p=weights)
    add_wrong = rng.random(n) < 0.2
    conf = np.clip(rng.normal(0.6 if drifted else 0.8, 0.1, (n, 4)), 0.01, 0.99).round(3)
    gold, suggested, confidences = [], [], []
    for i in range(n):
        g = list(dict.fromkeys(codes[gold_idx[i, : n_gold[i]]].tolist()))
        s = [c for c, k in zip(g, keep[i, : len(g)], strict=True) if k]
        if add_wrong[i] and codes[wrong[i]] not in s:
            s.append(codes[wrong[i]])
        gold.append(g)
        suggested.append(s)
        confidences.append(conf[i, : len(s)].tolist())

    # short texts from a word list; drifted notes borrow from another part of it
    n_words = rng.integers(20, 60, n)
    offset = 500 if drifted else 0
    words = WORDS[(rng.integers(0, 1000, (n, 60)) + offset) % len(WORDS)]
    texts = [
        "History: " + " ".join(words[i, : n_words[i] - 5]) + "\nPlan: " + " ".join(words[i, -5:])
        for i in range(n)
    ]
    return pd.DataFrame(
        {
            "text": texts,
            "codes": gold,
            "suggested_codes": suggested,
            "confidences": confidences,
            "note_type": NOTE_TYPES[rng.integers(0, len(NOTE_TYPES), n)],
            "specialty": SPECIALTIES[rng.integers(0, len(SPECIALTIES), n)],
        }
    )


def peak_rss_gib() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def main(argv: list[str] | None = None) -> int:
    """Build both quarters, run the check, print timings, memory and whether targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="cases per quarter")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="report folder (default: temp)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    from clinicode.config import MonitorParams
    from validation.metrics import chapter_of
    from validation.monitor import run_quarterly_check

    started = time.perf_counter()
    reference = make_frame(args.n, args.seed, drifted=False)
    current = make_frame(args.n, args.seed + 1, drifted=True)
    for code in _codes():
        chapter_of(code)  # warm the chapter cache (simple_icd_10_cm import: about 2 s)
    built = time.perf_counter()
    print(f"frames: 2 x {args.n} cases built in {built - started:.1f} s")

    out = args.out or Path(tempfile.mkdtemp(prefix="monitor-bench-")) / "2026Q3"
    result = run_quarterly_check(reference, current, MonitorParams(), out, "2026Q3")
    done = time.perf_counter()
    check_s, rss = done - built, peak_rss_gib()
    print(f"quarterly check: {check_s:.1f} s wall, peak RSS {rss:.2f} GiB, verdict "
          f"{result['verdict']} ({len(result['reasons'])} fail reasons)")  # fmt: skip
    print(f"report: {result['html']}")
    time_ok, rss_ok = check_s < TARGET_SECONDS, rss < TARGET_RSS_GIB
    print(f"target wall < {TARGET_SECONDS:.0f} s: {'MET' if time_ok else 'NOT MET'}")
    print(f"target RSS < {TARGET_RSS_GIB:.0f} GiB: {'MET' if rss_ok else 'NOT MET'}")
    return 0 if time_ok and rss_ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
