"""Revalidation gate: acceptance criteria a candidate model must meet before promotion.

The gate is deliberately simple and explainable to a governance board: absolute floors on the
headline metrics, a minimum number of test cases (fewer makes the metrics too noisy to judge),
and a maximum drop against the current champion, measured on the same test set.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from clinicode.config import RevalidateParams
from clinicode.io import write_json_atomic, write_text_atomic

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
    "dataset_digest",
    "dataset_source",
    "champion_version",
)
INTENDED_PURPOSE = (
    "Administrative ICD-10-CM coding support: the model suggests codes for a clinical note and a "
    "certified coder reviews every suggestion before anything is submitted."
)
OUT_OF_SCOPE = (
    "Diagnosis, treatment or triage decisions; any use without coder review; code systems other "
    "than ICD-10-CM diagnosis codes; populations or note types not represented in the test set."
)


def _number(metrics: dict, name: str) -> float | None:
    value = metrics.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _check(name: str, value: float | None, threshold: float, passed: bool, reason: str) -> dict:
    return {
        "name": name,
        "value": value,
        "threshold": threshold,
        "passed": passed,
        "reason": reason,
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


def evaluate_gate(candidate: dict, champion: dict | None, params: RevalidateParams) -> dict:
    """Decide whether a candidate meets the acceptance criteria.

    Args:
        candidate: Metrics of the candidate on the test set (``micro_f1``, ``macro_f1``, ``map``,
            ``n_cases``; optionally ``dataset_digest``).
        champion: Metrics of the current champion on the same test set, or None when there is no
            champion yet (then only the absolute criteria apply).
        params: The ``revalidate`` section of ``params.yaml``.

    Returns:
        ``{"passed", "verdict", "reasons", "checks"}``; each check is
        ``{"name", "value", "threshold", "passed", "reason"}``, and ``reasons`` holds the reason
        of every failed check (or one line saying that all passed).
    """
    checks = _floor_checks(candidate, params)
    if champion:
        checks += _champion_checks(candidate, champion, params)
    failed = [c for c in checks if not c["passed"]]
    reasons = [c["reason"] for c in failed]
    if not failed:
        against = "against the champion" if champion else "no champion to compare with"
        reasons = [f"all {len(checks)} acceptance checks passed ({against})"]
    verdict = "fail" if failed else "pass"
    logger.info("revalidation gate: %s (%d of %d checks failed)", verdict, len(failed), len(checks))
    return {"passed": not failed, "verdict": verdict, "reasons": reasons, "checks": checks}


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return "—" if value is None else str(value)


def _rows(cells: Sequence[Sequence[object]]) -> str:
    return "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in row) + "</tr>" for row in cells
    )


def _results_table(context: dict) -> str:
    cand, champ = context.get("metrics") or {}, context.get("champion_metrics") or {}
    rows = [
        (m, _number(cand, m), _number(champ, m) if champ else None)
        for m in (*HEADLINE_METRICS, "n_cases")
        if m in cand or m in champ
    ]
    return (
        f"<table><tr><th>metric</th><th>candidate</th><th>champion</th></tr>{_rows(rows)}</table>"
    )


def _checks_table(verdict: dict) -> str:
    rows = [
        (c["name"], c["value"], c["threshold"], "PASS" if c["passed"] else "FAIL")
        for c in verdict["checks"]
    ]
    return (
        "<table><tr><th>check</th><th>value</th><th>threshold</th><th>result</th></tr>"
        f"{_rows(rows)}</table>"
    )


def render_report(verdict: dict, context: dict, generated: str) -> str:
    """The validation report as one self-contained HTML page (no scripts, no external files)."""
    esc = html.escape
    ident = _rows([(key.replace("_", " "), context.get(key)) for key in CONTEXT_KEYS])
    reasons = "".join(f"<li>{esc(r)}</li>" for r in verdict["reasons"])
    title = f"{_fmt(context.get('model_name'))} version {_fmt(context.get('version'))}"
    decision = "PASS: may be proposed for promotion" if verdict["passed"] else "FAIL: not eligible"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Validation report: {esc(title)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
table{{border-collapse:collapse;margin:.5em 0}}td,th{{border:1px solid #999;padding:.2em .6em}}
.sign td{{height:2.2em;min-width:12em}}</style>
</head><body>
<h1>Model validation report</h1>
<p>Generated {esc(generated)} (UTC).</p>
<h2 id="identification">1. Identification</h2>
<table>{ident}</table>
<h2 id="intended-purpose">2. Intended purpose</h2>
<p>{esc(INTENDED_PURPOSE)}</p>
<p><strong>Coder review is mandatory.</strong> Out of scope: {esc(OUT_OF_SCOPE)}</p>
<h2 id="results">3. Results on the held-out test set</h2>
{_results_table(context)}
<h2 id="checks">4. Acceptance checks</h2>
{_checks_table(verdict)}
<h2 id="decision">5. Decision</h2>
<p><strong>{esc(decision)}</strong></p>
<ul>{reasons}</ul>
<p>A passing gate makes a version eligible; promotion still needs a named approver and reason.</p>
<h2 id="sign-off">6. Sign-off</h2>
<table class="sign">
<tr><th>role</th><th>name</th><th>decision</th><th>signature</th><th>date</th></tr>
<tr><td>Clinical coding lead</td><td></td><td></td><td></td><td></td></tr>
<tr><td>Model owner (ML engineering)</td><td></td><td></td><td></td><td></td></tr>
<tr><td>Governance board chair</td><td></td><td></td><td></td><td></td></tr></table>
</body></html>
"""


def write_validation_report(verdict: dict, context: dict, out_dir: Path) -> Path:
    """Write ``validation.html`` (for the governance board) and ``validation.json``.

    Args:
        verdict: The result of :func:`evaluate_gate`.
        context: ``model_name``, ``version``, ``run_id``, ``dataset_digest``,
            ``dataset_source``, ``metrics`` (candidate), ``champion_version``,
            ``champion_metrics`` and ``criteria``. Other keys are ignored and never written.
        out_dir: Folder for both files.

    Returns:
        The path of ``validation.html``.
    """
    out_dir = Path(out_dir)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    numeric = {"metrics", "champion_metrics"}
    payload = {
        **{key: context.get(key) for key in CONTEXT_KEYS},
        **{key: _numbers_only(context.get(key)) for key in numeric},
        "criteria": _numbers_only(context.get("criteria")),
        "intended_purpose": INTENDED_PURPOSE,
        "out_of_scope": OUT_OF_SCOPE,
        "generated": generated,
        "verdict": verdict,
    }
    write_json_atomic(out_dir / "validation.json", payload)
    report = write_text_atomic(
        out_dir / "validation.html", render_report(verdict, context, generated)
    )
    logger.info("validation report written to %s (%s)", report, verdict["verdict"])
    return report


def _numbers_only(values: dict | None) -> dict | None:
    # Metric and criteria dicts are copied number by number: free text cannot ride along.
    if not values:
        return None
    return {
        k: v for k, v in values.items() if isinstance(v, int | float) and not isinstance(v, bool)
    }
