"""Quarterly check of a deployed coding model: input drift, code drift and accuracy.

The check compares a reference quarter (the one the model was validated on) with the current
quarter's gold-coded sample. Notes are never handed to Evidently or written anywhere: each note is
reduced to descriptors (length, out-of-vocabulary share, sections, digits, code counts,
confidences) and only those are compared, so no report can quote a note.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from clinicode.config import MonitorParams
from clinicode.errors import InputError
from clinicode.io import write_json_atomic, write_text_atomic
from clinicode.schema import GOLD_CODES, NOTE_TYPE, SPECIALTY, TEXT
from validation.metrics import chapter_of, evaluate_codes, per_chapter_metrics, per_code_metrics

logger = logging.getLogger(__name__)

SUGGESTED_CODES = "suggested_codes"
CONFIDENCES = "confidences"
RANKED_CODES = "ranked_codes"  # optional: the model's full ranking, used for MAP when present
REQUIRED_COLUMNS = (TEXT, GOLD_CODES, SUGGESTED_CODES, CONFIDENCES, NOTE_TYPE, SPECIALTY)
NUMERICAL_DESCRIPTORS = (
    "note_chars",
    "note_words",
    "oov_share",
    "n_sections",
    "digit_share",
    "n_gold_codes",
    "n_suggested_codes",
    "mean_confidence",
    "max_confidence",
)
CATEGORICAL_DESCRIPTORS = (NOTE_TYPE, SPECIALTY, "section_profile")
N_WORST_CODES = 10
# Fixed seed: the permutation p-value of a given pair of quarters must not change between runs.
_PERMUTATION_SEED = 20260101

_WORD = re.compile(r"[^\W\d_]+")
_HEADING = re.compile(r"^[ \t]*([A-Za-z][A-Za-z /&()-]{1,40}):", re.MULTILINE)
# Heading keyword -> section group. Only group names leave this module, never heading text.
_SECTION_GROUPS = {
    "history": "history",
    "hpi": "history",
    "complaint": "history",
    "subjective": "history",
    "exam": "exam",
    "examination": "exam",
    "physical": "exam",
    "vitals": "exam",
    "objective": "exam",
    "assessment": "assessment",
    "impression": "assessment",
    "diagnosis": "assessment",
    "diagnoses": "assessment",
    "plan": "plan",
    "recommendations": "plan",
    "disposition": "plan",
    "medications": "medication",
    "meds": "medication",
    "allergies": "medication",
    "procedure": "procedure",
    "operation": "procedure",
    "findings": "procedure",
    "course": "course",
}


def _check_frame(frame: pd.DataFrame, label: str) -> None:
    missing = [col for col in REQUIRED_COLUMNS if col not in frame.columns]
    if missing:
        raise InputError(label, f"missing columns {missing}; expected {list(REQUIRED_COLUMNS)}")
    if frame.empty:
        raise InputError(label, "no notes to check")
    for row, (codes, confs) in enumerate(
        zip(frame[SUGGESTED_CODES], frame[CONFIDENCES], strict=True)
    ):
        if len(codes) != len(confs):
            raise InputError(
                label, "suggested_codes and confidences differ in length", row, CONFIDENCES
            )


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _doc_freq(texts: Iterable[str]) -> Counter:
    freq: Counter = Counter()
    for text in texts:
        freq.update(set(_tokens(text)))
    return freq


def _oov_share(tokens: list[str], ref_doc_freq: Counter, in_reference: bool) -> float:
    """Share of tokens unseen in the reference notes.

    A reference note is scored leave-one-out (unseen in the *other* reference notes); otherwise
    its own words would always count as known and the reference share would be biased to zero.
    """
    if not tokens:
        return 0.0
    floor = 1 if in_reference else 0
    return sum(ref_doc_freq[tok] <= floor for tok in tokens) / len(tokens)


def _section_profile(text: str) -> tuple[int, str]:
    headings = _HEADING.findall(text)
    groups = set()
    for heading in headings:
        words = heading.lower().replace("/", " ").split()
        groups.add(next((_SECTION_GROUPS[w] for w in words if w in _SECTION_GROUPS), "other"))
    return len(headings), "+".join(sorted(groups)) or "none"


def note_descriptors(
    frame: pd.DataFrame, ref_doc_freq: Counter, in_reference: bool
) -> pd.DataFrame:
    """Per-note descriptors compared across quarters (no text, no identifiers).

    Args:
        frame: Notes with the columns of ``REQUIRED_COLUMNS``.
        ref_doc_freq: Document frequency of each word in the reference notes.
        in_reference: Whether ``frame`` is the reference itself (out-of-vocabulary share is then
            computed leave-one-out).

    Returns:
        One row per note with ``NUMERICAL_DESCRIPTORS`` and ``CATEGORICAL_DESCRIPTORS``.
    """
    rows = []
    for text, gold, suggested, confs in zip(
        frame[TEXT], frame[GOLD_CODES], frame[SUGGESTED_CODES], frame[CONFIDENCES], strict=True
    ):
        tokens = _tokens(text)
        n_sections, profile = _section_profile(text)
        rows.append(
            {
                "note_chars": len(text),
                "note_words": len(tokens),
                "oov_share": _oov_share(tokens, ref_doc_freq, in_reference),
                "n_sections": n_sections,
                "section_profile": profile,
                "digit_share": sum(ch.isdigit() for ch in text) / max(len(text), 1),
                "n_gold_codes": len(gold),
                "n_suggested_codes": len(suggested),
                "mean_confidence": float(np.mean(confs)) if len(confs) else 0.0,
                "max_confidence": float(np.max(confs)) if len(confs) else 0.0,
            }
        )
    out = pd.DataFrame(rows)
    out[NOTE_TYPE] = frame[NOTE_TYPE].astype(str).to_numpy()
    out[SPECIALTY] = frame[SPECIALTY].astype(str).to_numpy()
    return out


def _run_drift_report(
    reference: pd.DataFrame, current: pd.DataFrame, params: MonitorParams, out_dir: Path
) -> dict:
    # Evidently takes 5 s to import; only the quarterly check needs it.
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=list(NUMERICAL_DESCRIPTORS),
        categorical_columns=list(CATEGORICAL_DESCRIPTORS),
    )
    report = Report([DataDriftPreset(drift_share=params.drift_share_max)], include_tests=True)
    # Evidently's correlation widgets divide by zero on constant descriptors (e.g. every note
    # has the same sections); the drift tests themselves are unaffected.
    with np.errstate(invalid="ignore", divide="ignore"):
        snapshot = report.run(
            current_data=Dataset.from_pandas(current, data_definition=definition),
            reference_data=Dataset.from_pandas(reference, data_definition=definition),
        )
    html_path = write_text_atomic(out_dir / "drift.html", snapshot.get_html_str(as_iframe=False))
    json_path = write_text_atomic(out_dir / "drift.json", snapshot.json())
    result = _drift_summary(snapshot.dict())
    result["paths"] = {"drift_html": str(html_path), "drift_json": str(json_path)}
    return result


def _drift_summary(snapshot: dict) -> dict:
    drifted, columns = [], []
    for test in snapshot.get("tests", []):
        metric = test["metric_config"]["params"]
        if not metric.get("type", "").endswith("ValueDrift"):
            continue
        columns.append(metric["column"])
        if str(getattr(test["status"], "value", test["status"])).upper() == "FAIL":
            drifted.append(metric["column"])
    share = len(drifted) / len(columns) if columns else 0.0
    return {
        "share": share,
        "n_drifted": len(drifted),
        "n_columns": len(columns),
        "drifted_columns": drifted,
    }


def _js_distance(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.spatial.distance import jensenshannon

    if a.sum() == 0 or b.sum() == 0:
        return 0.0 if a.sum() == b.sum() else 1.0
    return float(jensenshannon(a / a.sum(), b / b.sum(), base=2))


def code_drift(
    reference: Sequence[Iterable[str]], current: Sequence[Iterable[str]], permutations: int
) -> dict:
    """Jensen-Shannon distance (base 2, in [0, 1]) between two quarters' code frequencies.

    Two samples of a few hundred notes drawn from the *same* code mix already differ by a
    distance of about 0.2 when there are dozens of codes, so the distance alone would cry wolf.
    A permutation test (notes shuffled between the quarters) gives the chance of a distance this
    large from sampling alone.

    Args:
        reference: Code lists of the reference notes.
        current: Code lists of the current notes.
        permutations: Number of shuffles; 0 skips the test (p-value reported as 0).

    Returns:
        ``{"js_distance", "p_value", "n_codes_reference", "n_codes_current", "n_new_codes"}``.
    """
    ref_sets, cur_sets = [set(c) for c in reference], [set(c) for c in current]
    code2index = {c: i for i, c in enumerate(sorted(set().union(*ref_sets, *cur_sets)))}
    multi_hot = np.zeros((len(ref_sets) + len(cur_sets), len(code2index)), dtype=np.int32)
    for row, codes in enumerate(ref_sets + cur_sets):
        multi_hot[row, [code2index[c] for c in codes]] = 1
    n_ref = len(ref_sets)
    observed = _js_distance(multi_hot[:n_ref].sum(0), multi_hot[n_ref:].sum(0))
    rng = np.random.default_rng(_PERMUTATION_SEED)
    as_large = 0
    for _ in range(permutations):
        order = rng.permutation(len(multi_hot))
        shuffled = _js_distance(multi_hot[order[:n_ref]].sum(0), multi_hot[order[n_ref:]].sum(0))
        as_large += shuffled >= observed
    ref_codes, cur_codes = set().union(*ref_sets), set().union(*cur_sets)
    return {
        "js_distance": observed,
        "p_value": (as_large + 1) / (permutations + 1) if permutations else 0.0,
        "n_codes_reference": len(ref_codes),
        "n_codes_current": len(cur_codes),
        "n_new_codes": len(cur_codes - ref_codes),
    }


def _ranked(suggested: Sequence[str], confidences: Sequence[float]) -> list[str]:
    order = sorted(range(len(suggested)), key=lambda i: -confidences[i])
    return [suggested[i] for i in order]


def accuracy(frame: pd.DataFrame) -> dict:
    """Set and ranking metrics, per-chapter metrics and the worst codes of a gold sample.

    Args:
        frame: Notes with gold codes, suggested codes and their confidences; ranking metrics
            use ``ranked_codes`` when present, else the suggestions ordered by confidence.

    Returns:
        ``{"metrics", "per_chapter", "worst_codes"}``; worst codes are ranked by false
        positives plus false negatives.
    """
    gold = [[str(c) for c in codes] for codes in frame[GOLD_CODES]]
    suggested = [[str(c) for c in codes] for codes in frame[SUGGESTED_CODES]]
    if RANKED_CODES in frame.columns:
        ranked = [[str(c) for c in codes] for codes in frame[RANKED_CODES]]
    else:
        ranked = [_ranked(s, list(c)) for s, c in zip(suggested, frame[CONFIDENCES], strict=True)]
    per_code = per_code_metrics(gold, suggested)
    worst = sorted(per_code.items(), key=lambda kv: (-(kv[1]["fp"] + kv[1]["fn"]), kv[0]))
    return {
        "metrics": evaluate_codes(gold, suggested, ranked),
        "per_chapter": per_chapter_metrics(gold, suggested),
        "worst_codes": [
            {"code": code, "chapter": chapter_of(code), **row}
            for code, row in worst[:N_WORST_CODES]
            if row["fp"] + row["fn"] > 0
        ],
    }


def _verdict(summary: dict, params: MonitorParams) -> tuple[str, list[str], list[str]]:
    fails, warns = [], []
    cur_f1 = summary["current"]["metrics"]["micro_f1"]
    if cur_f1 < params.min_micro_f1:
        fails.append(f"micro-F1 {cur_f1:.3f} is below monitor.min_micro_f1 {params.min_micro_f1}")
    drop = summary["f1_drop"]
    if drop > params.max_f1_drop:
        fails.append(
            f"micro-F1 fell by {drop:.3f} vs the reference quarter "
            f"(more than monitor.max_f1_drop {params.max_f1_drop})"
        )
    drift = summary["data_drift"]
    if drift["share"] > params.drift_share_max:
        fails.append(
            f"{drift['n_drifted']} of {drift['n_columns']} note descriptors drifted "
            f"(share {drift['share']:.2f} > monitor.drift_share_max {params.drift_share_max}): "
            + ", ".join(drift["drifted_columns"])
        )
    _code_reason(
        summary["code_drift"],
        "gold code mix",
        params.code_drift_max,
        "monitor.code_drift_max",
        params,
        fails,
        warns,
    )
    _code_reason(
        summary["prediction_drift"],
        "suggested code mix",
        params.prediction_drift_max,
        "monitor.prediction_drift_max",
        params,
        warns,
        warns,
    )
    n_cur = int(summary["current"]["metrics"]["n_cases"])
    if n_cur < params.sample_size:
        warns.append(
            f"gold sample has {n_cur} notes, fewer than monitor.sample_size "
            f"{params.sample_size}: accuracy figures are uncertain"
        )
    verdict = "fail" if fails else "warn" if warns else "pass"
    return verdict, fails, warns


def _code_reason(
    drift: dict,
    what: str,
    cap: float,
    key: str,
    params: MonitorParams,
    significant: list[str],
    noise: list[str],
) -> None:
    distance, p_value = drift["js_distance"], drift["p_value"]
    if distance <= cap:
        return
    if p_value < params.code_drift_alpha:
        significant.append(
            f"{what} moved: Jensen-Shannon distance {distance:.3f} > {key} {cap} "
            f"(permutation p={p_value:.3f})"
        )
    else:
        noise.append(
            f"{what}: Jensen-Shannon distance {distance:.3f} > {key} {cap} but within "
            f"sampling noise (permutation p={p_value:.3f})"
        )


def _code_and_accuracy(
    reference: pd.DataFrame, current: pd.DataFrame, params: MonitorParams
) -> dict:
    permutations = params.code_drift_permutations
    summary = {
        "reference_quarter": params.reference_quarter,
        "n_reference": len(reference),
        "n_current": len(current),
        "code_drift": code_drift(reference[GOLD_CODES], current[GOLD_CODES], permutations),
        "prediction_drift": code_drift(
            reference[SUGGESTED_CODES], current[SUGGESTED_CODES], permutations
        ),
        "reference": accuracy(reference),
        "current": accuracy(current),
    }
    summary["f1_drop"] = (
        summary["reference"]["metrics"]["micro_f1"] - summary["current"]["metrics"]["micro_f1"]
    )
    return summary


def run_quarterly_check(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    params: MonitorParams,
    out_dir: Path,
    quarter: str,
) -> dict:
    """Compare the current quarter with the reference one and decide pass, warn or fail.

    Args:
        reference: Gold-coded notes of the reference quarter with the model's suggestions
            (columns ``text``, ``codes``, ``suggested_codes``, ``confidences``, ``note_type``,
            ``specialty``).
        current: The same for the current quarter's gold-coded sample.
        params: The ``monitor`` section of ``params.yaml``.
        out_dir: Folder for ``drift.html``, ``drift.json``, ``summary.json`` and ``index.html``.
        quarter: Label of the current quarter, e.g. ``"2026Q2"``.

    Returns:
        ``{"verdict", "reasons", "warnings", "metrics", "paths", "html"}``; ``reasons`` lists
        what failed, ``warnings`` what deserves a look without failing, ``html`` is the path of
        ``index.html``.

    Raises:
        InputError: A frame lacks a column, is empty, or has misaligned confidences.
    """
    _check_frame(reference, "reference quarter")
    _check_frame(current, f"quarter {quarter}")
    out_dir = Path(out_dir)

    # descriptors and drift
    ref_doc_freq = _doc_freq(reference[TEXT])
    ref_desc = note_descriptors(reference, ref_doc_freq, in_reference=True)
    cur_desc = note_descriptors(current, ref_doc_freq, in_reference=False)
    data_drift = _run_drift_report(ref_desc, cur_desc, params, out_dir)
    paths = data_drift.pop("paths")

    # code mix and accuracy
    summary = _code_and_accuracy(reference, current, params)
    summary.update(quarter=quarter, data_drift=data_drift)

    # verdict and outputs
    verdict, reasons, warnings = _verdict(summary, params)
    checked_at = datetime.now(UTC).isoformat()
    summary.update(verdict=verdict, reasons=reasons, warnings=warnings, checked_at=checked_at)
    summary["params"] = params.model_dump()
    paths["summary"] = str(write_json_atomic(out_dir / "summary.json", {**summary, "paths": paths}))
    paths["index"] = str(write_text_atomic(out_dir / "index.html", render_index(summary)))
    logger.info(
        "quarterly check %s: %s (%d fail reasons, %d warnings)",
        quarter, verdict, len(reasons), len(warnings),
    )  # fmt: skip
    result = {"verdict": verdict, "reasons": reasons, "warnings": warnings, "metrics": summary}
    return {**result, "paths": paths, "html": paths["index"]}


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        text = f"{value:.3f}" if isinstance(value, float) else str(value)
        return f"<td>{html.escape(text)}</td>"

    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(f"<tr>{''.join(cell(v) for v in row)}</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_index(summary: dict) -> str:
    """A short HTML page: verdict, reasons, key metrics, worst codes and a link to drift.html."""
    esc = html.escape
    ref, cur = summary["reference"]["metrics"], summary["current"]["metrics"]
    metric_rows = [
        (name, ref.get(name, float("nan")), cur.get(name, float("nan")))
        for name in ("micro_f1", "macro_f1", "micro_precision", "micro_recall", "map")
    ]
    drift_rows = [
        ("note descriptors drifted (share)", summary["data_drift"]["share"]),
        ("gold code mix, Jensen-Shannon distance", summary["code_drift"]["js_distance"]),
        ("gold code mix, permutation p-value", summary["code_drift"]["p_value"]),
        ("suggested code mix, Jensen-Shannon distance", summary["prediction_drift"]["js_distance"]),
        ("micro-F1 drop vs reference", summary["f1_drop"]),
    ]
    worst = [
        (w["code"], w["chapter"], w["support"], w["fp"], w["fn"], w["f1"])
        for w in summary["current"]["worst_codes"]
    ]
    items = "".join(f"<li>{esc(r)}</li>" for r in summary["reasons"] + summary["warnings"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Quarterly check {esc(summary["quarter"])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.2em .6em}}</style>
</head><body>
<h1>Quarterly check {esc(summary["quarter"])} vs {esc(summary["reference_quarter"])}</h1>
<p>Verdict: <strong>{esc(summary["verdict"].upper())}</strong>
({summary["n_current"]} current notes, {summary["n_reference"]} reference notes)</p>
<ul>{items or "<li>all thresholds met</li>"}</ul>
<h2>Accuracy on the gold-coded samples</h2>
{_table(("metric", "reference", "current"), metric_rows)}
<h2>Drift</h2>
{_table(("measure", "value"), drift_rows)}
<p>Per-descriptor drift: <a href="drift.html">drift.html</a> (Evidently).</p>
<h2>Worst codes this quarter (false positives + false negatives)</h2>
{_table(("code", "chapter", "support", "false pos.", "false neg.", "F1"), worst)}
<p>Administrative coding support only; a coder reviews every suggestion.</p>
</body></html>
"""
