"""CodiEsp-D benchmark: the hybrid coder against TF-IDF + logistic regression.

    .venv/bin/python benchmarks/codiesp.py --data ../shared/data/codiesp --out reports/codiesp

Trains on ``DIR/train``. When ``DIR/test`` exists it tunes on ``DIR/dev`` and evaluates on
``DIR/test``; otherwise it evaluates on ``DIR/dev`` and tunes on a seeded slice of train
(``--tune-share``), then refits on the whole of train with the tuned settings. Both models get
the same notes for fitting and tuning. Writes ``OUT/predictions.tsv`` (the hybrid's ranking of
the evaluated split: articleID, code, score, suggested), ``OUT/baseline_predictions.tsv``,
``OUT/metrics.json`` and the saved model under ``OUT/model``, and prints the metrics as one JSON
object. With ``--runtimes`` it also times torch eager, ONNX FP32 and ONNX INT8 inference on the
same evaluated notes and reports each one's MAP. Figures carry the load average, since the 2
cores are shared. Logs hold counts and timings only, never note text.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import time
from pathlib import Path
from typing import Any

from clinicode.config import BaselineParams, HybridParams, TrainParams
from clinicode.runtime import configure_logging, prepare_environment

logger = logging.getLogger("benchmarks.codiesp")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line flags."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="CodiEsp root (train/, dev/)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--tune-share", type=float, default=0.2, help="train share for tuning")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--max-candidates", type=int, default=20_000)
    parser.add_argument("--c", type=float, default=256.0, help="inverse L2 strength of both LRs")
    parser.add_argument("--limit", type=int, default=0, help="use only N notes per split")
    parser.add_argument("--runtimes", action="store_true", help="time torch / ONNX FP32 / INT8")
    return parser.parse_args(argv)


def read_split(root: Path, split: str, limit: int) -> dict[str, list]:
    """Article ids, texts and gold codes of one split."""
    from training.sources import iter_codiesp

    records = list(iter_codiesp(root, (split,)))
    if limit:
        records = records[:limit]
    return {
        "ids": [r.note_id for r in records],
        "texts": [r.text for r in records],
        "codes": [list(r.codes) for r in records],
    }


def plan_splits(root: Path, share: float, seed: int, limit: int) -> dict[str, dict]:
    """``fit``, ``tune``, ``all_train`` and ``eval`` parts, as described in the docstring."""
    train = read_split(root, "train", limit)
    if (root / "test").is_dir():
        tune, evaluated = read_split(root, "dev", limit), read_split(root, "test", limit)
        return {"fit": train, "tune": tune, "all_train": train, "eval": evaluated, "on": "test"}
    order = list(range(len(train["ids"])))
    random.Random(seed).shuffle(order)
    cut = int(round(len(order) * share))

    def part(indices: list[int]) -> dict[str, list]:
        return {key: [values[i] for i in indices] for key, values in train.items()}

    return {
        "fit": part(order[cut:]), "tune": part(order[:cut]), "all_train": train,
        "eval": read_split(root, "dev", limit), "on": "dev",
    }  # fmt: skip


def scores_of(records: list[dict], gold: list[list[str]], seen: set[str]) -> dict[str, float]:
    """Code- and category-level metrics, unseen-code recall and ECE of one model's records."""
    from validation.calibration import expected_calibration_error, suggestion_outcomes
    from validation.metrics import evaluate_codes, to_categories, unseen_recall

    suggested = [r["suggested_codes"] for r in records]
    ranked = [r["ranked_codes"] for r in records]
    codes = evaluate_codes(gold, suggested, ranked)
    categories = evaluate_codes(to_categories(gold), to_categories(suggested),
                                to_categories(ranked))  # fmt: skip
    confidence, correct = suggestion_outcomes(gold, suggested, [r["confidences"] for r in records])
    keep = ("micro_precision", "micro_recall", "micro_f1", "macro_f1", "p_at_5", "map")
    return {
        **{f"code_{k}": round(codes[k], 4) for k in keep},
        **{f"category_{k}": round(categories[k], 4) for k in keep},
        "unseen_recall_suggested": round(unseen_recall(gold, suggested, seen), 4),
        "unseen_recall_top100": round(unseen_recall(gold, ranked, seen), 4),
        "ece": round(expected_calibration_error(confidence, correct), 4),
        "suggested_per_case": round(sum(map(len, suggested)) / max(1, len(suggested)), 2),
    }


def fit_reference(params: TrainParams, parts: dict) -> tuple[Any, float]:
    """TF-IDF + LR: threshold tuned on ``tune`` after fitting ``fit``, then refit on all."""
    from training.baseline import fit_baseline

    started = time.perf_counter()
    fit, tune, full = parts["fit"], parts["tune"], parts["all_train"]
    tuned = fit_baseline(params, fit["texts"], fit["codes"], tune["texts"], tune["codes"])
    if full is not fit:
        refit = fit_baseline(params, full["texts"], full["codes"], [], [])
        refit.threshold = tuned.threshold
        tuned = refit
    return tuned, time.perf_counter() - started


def fit_ours(params: TrainParams, parts: dict) -> tuple[Any, float, dict]:
    """The hybrid coder, tuned on ``tune`` and refitted on all training notes."""
    from training.hybrid import fit_hybrid

    started = time.perf_counter()
    fit, tune = parts["fit"], parts["tune"]
    model, summary = fit_hybrid(params, fit["texts"], fit["codes"], tune["texts"], tune["codes"])
    return model, time.perf_counter() - started, summary


def timed_predict(model: Any, texts: list[str]) -> tuple[list[dict], float]:
    """Records (top 100 codes) and seconds spent."""
    from training.predict import predict_texts

    started = time.perf_counter()
    records = predict_texts(model, texts, top_k=100)
    return records, time.perf_counter() - started


def runtime_figures(model_dir: Path, parts: dict, seen: set[str]) -> dict[str, Any]:
    """notes/s and MAP of torch eager, ONNX FP32 and ONNX INT8 on the evaluated notes."""
    from training.hybrid import ONNX_FILES, HybridCoder

    model = HybridCoder.load(model_dir)
    texts, gold = parts["eval"]["texts"], parts["eval"]["codes"]
    figures: dict[str, Any] = {}
    for name, graph in (("torch", None), ("onnx_fp32", "fp32"), ("onnx_int8", "int8")):
        if graph is None:
            model.encoder.use_torch()
        else:
            model.encoder.use_onnx(model_dir / ONNX_FILES[graph])
        records, seconds = timed_predict(model, texts)
        figures[name] = {
            "notes_per_s": round(len(texts) / seconds, 2),
            "map": scores_of(records, gold, seen)["code_map"],
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
    eager = figures["torch"]["notes_per_s"]
    for name in ("onnx_fp32", "onnx_int8"):
        figures[name]["speedup_vs_torch"] = round(figures[name]["notes_per_s"] / eager, 2)
        figures[name]["map_delta_vs_torch"] = round(
            figures[name]["map"] - figures["torch"]["map"], 4
        )
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The whole benchmark; returns the printed report."""
    from training.predict import write_predictions

    hybrid = HybridParams(
        max_candidates=args.max_candidates, onnx="both" if args.runtimes else "int8", C=args.c
    )
    params = TrainParams(
        kind="hybrid", threads=args.threads, seed=args.seed, top_k=100, hybrid=hybrid,
        baseline=BaselineParams(C=args.c),
    )  # fmt: skip
    parts = plan_splits(args.data, args.tune_share, args.seed, args.limit)
    seen = {code for codes in parts["all_train"]["codes"] for code in codes}
    load_start = os.getloadavg()

    reference, reference_fit = fit_reference(params, parts)
    ours, ours_fit, summary = fit_ours(params, parts)
    texts, gold, ids = parts["eval"]["texts"], parts["eval"]["codes"], parts["eval"]["ids"]
    ref_records, ref_seconds = timed_predict(reference, texts)
    our_records, our_seconds = timed_predict(ours, texts)

    args.out.mkdir(parents=True, exist_ok=True)
    write_predictions(args.out / "predictions.tsv", ids, our_records)
    write_predictions(args.out / "baseline_predictions.tsv", ids, ref_records)
    report = {
        "evaluated_on": parts["on"], "cases": len(texts),
        "fit_cases": len(parts["fit"]["texts"]), "tune_cases": len(parts["tune"]["texts"]),
        "hybrid": {**scores_of(our_records, gold, seen), "train_s": round(ours_fit, 1),
                   "infer_s": round(our_seconds, 1),
                   "notes_per_s": round(len(texts) / our_seconds, 2)},
        "tfidf_logreg": {**scores_of(ref_records, gold, seen), "train_s": round(reference_fit, 1),
                         "infer_s": round(ref_seconds, 1),
                         "notes_per_s": round(len(texts) / ref_seconds, 2)},
        "hybrid_tuning": {
            **{k: round(v, 4) for k, v in summary.items() if isinstance(v, float)},
            "validation": {k: round(v, 4) for k, v in summary["validation"].items()},
        },
        "mixture": ours.mixture.weights, "similarity_floor": ours.mixture.floor,
        "reranker": ours.ranker is not None,
        "threads": args.threads, "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    if args.runtimes:
        model_dir = ours.save(args.out / "model")
        report["runtimes"] = runtime_figures(model_dir, parts, seen)
    (args.out / "metrics.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> None:
    """Entry point: run, print the JSON report."""
    prepare_environment()
    configure_logging("INFO")
    args = parse_args(argv)
    started = time.perf_counter()
    report = run(args)
    report["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
