"""Revalidation gate: acceptance criteria a candidate model must meet before promotion.

The gate is deliberately simple and explainable to a governance board: absolute floors on the
headline metrics, a recall floor per ICD-10-CM chapter with enough cases, a cap on calibration
error, a de-identification recall floor, a minimum number of cases (fewer makes the metrics too
noisy to judge), a maximum drop against the current champion on the same sample and a maximum
drop against the version's own previous validation. The same gate runs before promotion and once
a year on the serving champion.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from clinicode.config import MonitorParams, RevalidateParams
from clinicode.io import write_json_atomic, write_text_atomic
from validation.report import INTENDED_PURPOSE, OUT_OF_SCOPE

logger = logging.getLogger(__name__)

# metric -> RevalidateParams field holding its floor
FLOORS = {"micro_f1": "min_micro_f1", "macro_f1": "min_macro_f1", "map": "min_map"}
HEADLINE_METRICS = ("micro_f1", "macro_f1", "micro_precision", "micro_recall", "map", "p_at_5")
# Only these context keys reach the report: anything else a caller passes (by mistake, a note
# or an identifier) is left out, so the report cannot leak it.
CONTEXT_KEYS = (
    "model_name",
    "version",
    "run_id",
    "code_commit",
    "dataset_digest",
    "dataset_source",
    "sample_digest",
    "sample_source",
    "champion_version",
)
# Structured results built by this project from counts (codes, case types, numbers); passed to
# the report as they are.
REPORT_KEYS = (
    "detail",
    "reliability",
    "team",
    "history",
    "deid",
    "datasheet",
    "splits",
    "extra_limitations",
)


def _number(metrics: dict, name: str) -> float | None:
    value = metrics.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _check(
    name: str,
    value: float | None,
    threshold: float,
    passed: bool,
    reason: str,
    blocking: bool = True,
) -> dict:
    return {
        "name": name,
        "value": value,
        "threshold": threshold,
        "passed": passed,
        "reason": reason,
        "blocking": blocking,
    }


def _floor_checks(candidate: dict, params: RevalidateParams) -> list[dict]:
    checks = []
    n_cases = _number(candidate, "n_cases")
    checks.append(
        _check(
            "n_cases",
            n_cases,
            params.min_test_cases,
            n_cases is not None and n_cases >= params.min_test_cases,
            f"test set has {n_cases if n_cases is None else int(n_cases)} cases; "
            f"revalidate.min_test_cases is {params.min_test_cases}",
        )
    )
    for metric, field in FLOORS.items():
        floor = getattr(params, field)
        value = _number(candidate, metric)
        problem = "is missing or not a finite number" if value is None else f"{value:.3f} is below"
        checks.append(
            _check(
                metric,
                value,
                floor,
                value is not None and value >= floor,
                f"{metric} {problem} (revalidate.{field} {floor})",
            )
        )
    return checks


def _champion_checks(candidate: dict, champion: dict, params: RevalidateParams) -> list[dict]:
    checks = []
    ref_digest, cand_digest = champion.get("dataset_digest"), candidate.get("dataset_digest")
    if ref_digest and cand_digest:
        # A drop is only meaningful when both models were scored on the same cases.
        checks.append(
            _check(
                "same_test_set",
                None,
                0.0,
                ref_digest == cand_digest,
                "candidate and champion were scored on different test sets (digests differ)",
            )
        )
    cap = params.max_drop_vs_champion
    for metric in FLOORS:
        cand, champ = _number(candidate, metric), _number(champion, metric)
        if champ is None:
            continue
        drop = None if cand is None else champ - cand
        checks.append(
            _check(
                f"{metric}_drop_vs_champion",
                drop,
                cap,
                drop is not None and drop <= cap,
                f"{metric} is {'missing' if drop is None else f'{drop:.3f} below'} the champion's "
                f"{champ:.3f} (revalidate.max_drop_vs_champion {cap})",
            )
        )
    return checks


def _chapter_checks(per_chapter: dict, params: RevalidateParams, notes: list[str]) -> list:
    checks, small = [], []
    for chapter, row in sorted(per_chapter.items()):
        if row["support"] < params.chapter_min_cases:
            small.append(chapter)
            continue
        floor = params.min_chapter_recall
        checks.append(
            _check(
                f"recall {chapter}",
                row["recall"],
                floor,
                row["recall"] >= floor,
                f"{chapter}: recall {row['recall']:.3f} on {row['support']} gold codes is below "
                f"revalidate.min_chapter_recall {floor}",
            )
        )
    if small:
        notes.append(
            f"{len(small)} chapter(s) with fewer than revalidate.chapter_min_cases "
            f"{params.chapter_min_cases} gold codes have no recall floor applied"
        )
    return checks


def _evidence_checks(
    candidate: dict, evidence: dict, params: RevalidateParams, notes: list[str]
) -> list[dict]:
    checks = _chapter_checks(evidence.get("per_chapter") or {}, params, notes)

    # calibration
    ece, n_sugg = _number(candidate, "ece"), int(evidence.get("n_suggestions") or 0)
    if ece is not None and n_sugg >= params.ece_min_suggestions:
        checks.append(
            _check(
                "ece",
                ece,
                params.max_ece,
                ece <= params.max_ece,
                f"expected calibration error {ece:.3f} exceeds revalidate.max_ece {params.max_ece}",
            )
        )
    else:
        notes.append(
            f"calibration cap not applied: {n_sugg} suggested codes, fewer than "
            f"revalidate.ece_min_suggestions {params.ece_min_suggestions}"
        )

    # de-identification
    recall = _number(evidence.get("deid") or {}, "recall")
    if recall is None:
        notes.append("de-identification recall not measured (no benchmark JSON, no sample)")
    else:
        checks.append(
            _check(
                "deid_recall",
                recall,
                params.min_deid_recall,
                recall >= params.min_deid_recall,
                f"de-identification recall {recall:.3f} is below revalidate.min_deid_recall "
                f"{params.min_deid_recall}",
                blocking=params.deid_blocking,
            )
        )

    # previous validation of the same version
    previous = evidence.get("previous") or {}
    before, now = _number(previous, "micro_f1"), _number(candidate, "micro_f1")
    if before is not None and now is not None:
        drop = before - now
        checks.append(
            _check(
                "micro_f1_drop_vs_previous",
                drop,
                params.max_drop_vs_previous,
                drop <= params.max_drop_vs_previous,
                f"micro_f1 is {drop:.3f} below this version's previous validation ({before:.3f}; "
                f"revalidate.max_drop_vs_previous {params.max_drop_vs_previous})",
            )
        )
    return checks


def evaluate_gate(
    candidate: dict,
    champion: dict | None,
    params: RevalidateParams,
    evidence: dict | None = None,
) -> dict:
    """Decide whether a candidate meets the acceptance criteria.

    Args:
        candidate: Metrics of the candidate on the sample (``micro_f1``, ``macro_f1``, ``map``,
            ``n_cases``; optionally ``ece`` and ``dataset_digest``).
        champion: Metrics of the current champion on the same sample, or None when there is no
            champion (or the champion is the version being revalidated).
        params: The ``revalidate`` section of ``params.yaml``.
        evidence: Optional further evidence: ``per_chapter`` (chapter -> ``recall``,
            ``support``), ``n_suggestions`` (for the calibration cap), ``deid``
            (``{"recall"}``) and ``previous`` (metrics of this version's last validation).

    Returns:
        ``{"passed", "verdict", "reasons", "warnings", "notes", "checks"}``; each check is
        ``{"name", "value", "threshold", "passed", "reason", "blocking"}``. ``reasons`` holds
        the reason of every failed blocking check (or one line saying that all passed),
        ``warnings`` those of failed non-blocking checks, ``notes`` criteria not applied.
    """
    notes: list[str] = []
    checks = _floor_checks(candidate, params)
    if champion:
        checks += _champion_checks(candidate, champion, params)
    if evidence is not None:
        checks += _evidence_checks(candidate, evidence, params, notes)
    failed = [c for c in checks if not c["passed"] and c["blocking"]]
    warnings = [c["reason"] for c in checks if not c["passed"] and not c["blocking"]]
    reasons = [c["reason"] for c in failed]
    if not failed:
        against = "against the champion" if champion else "no champion to compare with"
        blocking = sum(c["blocking"] for c in checks)
        reasons = [f"all {blocking} acceptance checks passed ({against})"]
    verdict = "fail" if failed else "pass"
    logger.info("revalidation gate: %s (%d of %d checks failed)", verdict, len(failed), len(checks))
    return {
        "passed": not failed,
        "verdict": verdict,
        "reasons": reasons,
        "warnings": warnings,
        "notes": notes,
        "checks": checks,
    }


def render_report(verdict: dict, context: dict, generated: str) -> str:
    """The validation report as one self-contained HTML page (see ``validation.report``)."""
    from validation.report import render_validation

    return render_validation(verdict, _safe_context(context), generated)


def _safe_context(context: dict) -> dict:
    """Only the keys the report knows, each reduced to numbers, codes and fixed labels."""
    safe = {key: context.get(key) for key in CONTEXT_KEYS}
    for key in ("metrics", "champion_metrics", "previous_metrics", "criteria"):
        safe[key] = _numbers_only(context.get(key))
    for key in REPORT_KEYS:
        if key in context:
            safe[key] = context[key]
    return safe


def write_validation_report(verdict: dict, context: dict, out_dir: Path) -> Path:
    """Write ``validation.html`` (for the governance board) and ``validation.json``.

    A copy of the JSON also goes to ``history/v<version>.json``: the next validation of the same
    version reads it (see :func:`previous_validation`).

    Args:
        verdict: The result of :func:`evaluate_gate`.
        context: ``model_name``, ``version``, ``run_id``, ``code_commit``, ``dataset_digest``,
            ``dataset_source``, ``sample_digest``, ``sample_source``, ``metrics`` (this
            version), ``champion_version``, ``champion_metrics``, ``previous_metrics``,
            ``criteria`` and the structured results of ``REPORT_KEYS``. Other keys are ignored
            and never written.
        out_dir: Folder for both files.

    Returns:
        The path of ``validation.html``.
    """
    out_dir = Path(out_dir)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    payload = {
        **_safe_context(context),
        "intended_purpose": INTENDED_PURPOSE,
        "out_of_scope": OUT_OF_SCOPE,
        "generated": generated,
        "verdict": verdict,
    }
    write_json_atomic(out_dir / "validation.json", payload)
    if context.get("version") is not None:
        write_json_atomic(out_dir / "history" / f"v{context['version']}.json", payload)
    report = write_text_atomic(
        out_dir / "validation.html", render_report(verdict, context, generated)
    )
    logger.info("validation report written to %s (%s)", report, verdict["verdict"])
    return report


def previous_validation(out_dir: Path, version: str) -> dict | None:
    """The last validation written for ``version`` (its ``validation.json`` payload), if any."""
    path = Path(out_dir) / "history" / f"v{version}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("previous validation %s is unreadable; no drop check against it", path)
        return None


def _numbers_only(values: dict | None) -> dict | None:
    # Metric and criteria dicts are copied number by number: free text cannot ride along.
    if not values:
        return None
    return {
        k: v for k, v in values.items() if isinstance(v, int | float) and not isinstance(v, bool)
    }


def score_sample(
    frame: pd.DataFrame,
    params: MonitorParams,
    train_counts: dict | None = None,
    seed: int = 0,
) -> dict:
    """Everything the gate and the report need from one model's suggestions on one sample.

    Args:
        frame: Cases with ``codes``, ``suggested_codes``, ``confidences``, ``note_type``,
            ``specialty`` and, when available, ``ranked_codes``.
        params: Bootstrap and frequency-bucket settings (a ``monitor`` section).
        train_counts: Training code frequencies for the frequency buckets.
        seed: Seed of the bootstrap.

    Returns:
        ``{"metrics", "detail", "reliability", "n_suggestions"}``; ``metrics`` holds the
        summary metrics plus ``ece`` and ``n_cases``.
    """
    from validation.calibration import (
        expected_calibration_error,
        reliability,
        suggestion_outcomes,
    )
    from validation.metrics import evaluate_codes
    from validation.monitor import RANKED_CODES, code_class_accuracy

    gold = [[str(c) for c in codes] for codes in frame["codes"]]
    suggested = [[str(c) for c in codes] for codes in frame["suggested_codes"]]
    confidences = [[float(v) for v in values] for values in frame["confidences"]]
    if RANKED_CODES in frame.columns:
        ranked = [[str(c) for c in codes] for codes in frame[RANKED_CODES]]
    else:
        ranked = [
            [s[i] for i in sorted(range(len(s)), key=lambda i: -c[i])]
            for s, c in zip(suggested, confidences, strict=True)
        ]
    metrics = evaluate_codes(gold, suggested, ranked)
    conf, correct = suggestion_outcomes(gold, suggested, confidences)
    metrics["ece"] = expected_calibration_error(conf, correct)
    return {
        "metrics": metrics,
        "detail": code_class_accuracy(frame, params, train_counts, seed),
        "reliability": reliability(conf, correct),
        "n_suggestions": int(len(conf)),
    }


def deid_evidence(report_path: Path | None, n_notes: int, seed: int = 0) -> dict:
    """De-identification recall: from the benchmark's JSON if present, else measured quickly.

    The quick measure runs the current detector on ``n_notes`` synthetic annotated notes (the
    tuning families, so it is optimistic; the report says so). Any failure to measure leaves the
    recall unknown rather than stopping the gate.

    Returns:
        ``{"recall", "source"}``; ``recall`` is None when it could not be had.
    """
    if report_path is not None and Path(report_path).is_file():
        try:
            data = json.loads(Path(report_path).read_text(encoding="utf-8"))
            recall = float(data["systems"]["ours"]["recall"])
            return {"recall": recall, "source": f"benchmark {Path(report_path).name}"}
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("de-identification benchmark %s is unreadable", report_path)
    if n_notes <= 0:
        return {"recall": None, "source": "not measured"}
    try:
        return _measure_deid(n_notes, seed)
    except Exception as exc:  # noqa: BLE001 - another team's module; the gate must still run
        logger.warning("de-identification recall not measured (%s)", exc.__class__.__name__)
        return {"recall": None, "source": "not measured"}


def _measure_deid(n_notes: int, seed: int) -> dict:
    import secrets

    from training.deid import Deidentifier
    from training.phi.evaluate import score_spans
    from training.phi.synth import generate_annotated

    notes = generate_annotated(n_notes, seed=seed)
    # Detection does not depend on the key; a throwaway one keeps the real key out of reach.
    deidentifier = Deidentifier(secrets.token_bytes(32))
    detected = [deidentifier.detect(note.text, note.identifiers) for note in notes]
    scores = score_spans(notes, detected)
    gold = scores["counts"]["gold"]
    total = sum(gold.values())
    found = sum(scores["recall"][t] * n for t, n in gold.items())
    return {
        "recall": found / total if total else None,
        "source": f"measured on {n_notes} synthetic annotated notes (tuning families)",
    }
