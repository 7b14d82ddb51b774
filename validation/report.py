"""The pages a governance board reads: the validation report and the quarterly check summary.

Each page is one self-contained HTML file: no scripts, no links to fetch, plots embedded as
base64 PNG (matplotlib, Agg backend). Pages are built only from numbers, ICD-10-CM codes, case
type names and fixed wording; no note text reaches them, and free-text inputs are not accepted.
"""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Sequence

INTENDED_PURPOSE = (
    "Administrative ICD-10-CM coding support: the model suggests codes for a clinical note and a "
    "certified coder reviews every suggestion before anything is submitted."
)
OUT_OF_SCOPE = (
    "Diagnosis, treatment or triage decisions; any use without coder review; code systems other "
    "than ICD-10-CM diagnosis codes; populations or note types not represented in the test set."
)
LIMITATIONS = (
    "Intervals are percentile bootstrap intervals over cases; with few cases in a group they "
    "are wide and themselves uncertain.",
    "Codes absent from the sample are not assessed at all; rare codes carry most of the risk.",
    "Gold codes are one coder's final decision; coder disagreement is not measured here.",
    "Drift measures compare note descriptors and wording, not clinical truth; a stable quarter "
    "can still hide a change the descriptors do not capture.",
    "The demo data are synthetic; figures on them say nothing about real clinical notes.",
)
STYLE = (
    "body{font-family:sans-serif;max-width:62em;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #999;padding:.2em .6em}"
    "th{background:#f2f2f2}.sign td{height:2.2em;min-width:12em}.pass{color:#075}"
    ".fail{color:#b00}.warn{color:#a60}img{max-width:100%}"
)


def fmt(value: object, digits: int = 3) -> str:
    """A cell: floats rounded, None and NaN as a dash."""
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.{digits}f}"
    return "—" if value is None else str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table with every cell escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(fmt(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    # No metadata: the PNG then holds pixels only (no software name or URL).
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight", metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="plot" src="data:image/png;base64,{data}">'


def _figure(width: float = 7.0, height: float = 3.2):
    from matplotlib.figure import Figure  # no pyplot: no global state, no display needed

    fig = Figure(figsize=(width, height))
    return fig, fig.add_subplot()


def plot_intervals(rows: dict[str, dict], title: str, metric: str = "f1") -> str:
    """Horizontal dot-and-whisker plot of a metric with its interval per group."""
    if not rows:
        return "<p>No groups to plot.</p>"
    names = list(rows)[:25]
    fig, ax = _figure(7, 0.3 * len(names) + 1.2)
    points = [rows[n][metric] for n in names]
    lows = [rows[n].get(f"{metric}_low", p) for n, p in zip(names, points, strict=True)]
    highs = [rows[n].get(f"{metric}_high", p) for n, p in zip(names, points, strict=True)]
    errors = [
        [max(p - lo, 0) if lo == lo else 0 for p, lo in zip(points, lows, strict=True)],
        [max(hi - p, 0) if hi == hi else 0 for p, hi in zip(points, highs, strict=True)],
    ]
    ax.errorbar(points, range(len(names)), xerr=errors, fmt="o", capsize=3)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel(metric)
    ax.set_title(title)
    return _png(fig)


def plot_reliability(bins: list[dict]) -> str:
    """Reliability diagram: share correct against mean confidence per bin."""
    if not bins:
        return "<p>No suggested codes to judge.</p>"
    fig, ax = _figure(4.5, 4)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot(
        [b["mean_confidence"] for b in bins], [b["accuracy"] for b in bins], "o-", label="model"
    )
    ax.set_xlabel("mean confidence of suggested codes")
    ax.set_ylabel("share correct")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    return _png(fig)


def plot_history(history: list[dict]) -> str:
    """Micro-F1 and drift measures over quarters."""
    if not history:
        return "<p>No earlier quarterly checks on record.</p>"
    fig, ax = _figure()
    quarters = [h["quarter"] for h in history]
    for key, label in (
        ("micro_f1", "micro-F1"),
        ("descriptor_drift_share", "share of drifted descriptors"),
        ("code_js_distance", "code mix JS distance"),
        ("text_auc", "wording AUC"),
    ):
        values = [h.get(key) if h.get(key) is not None else float("nan") for h in history]
        ax.plot(quarters, values, "o-", label=label)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize="small")
    ax.set_title("Quarterly checks")
    return _png(fig)


def plot_worst(worst: list[dict]) -> str:
    """False positives and false negatives of the worst codes."""
    if not worst:
        return "<p>No coding errors in the sample.</p>"
    fig, ax = _figure(7, 0.3 * len(worst) + 1.2)
    names = [w["code"] for w in worst]
    ax.barh(names, [w["fp"] for w in worst], label="false positives")
    ax.barh(names, [w["fn"] for w in worst], left=[w["fp"] for w in worst], label="false negatives")
    ax.invert_yaxis()
    ax.legend(fontsize="small")
    ax.set_xlabel("code decisions")
    return _png(fig)


def interval_rows(rows: dict[str, dict], label_key: str = "n_cases") -> list[list[object]]:
    """Table rows: group, cases, F1 [interval], recall [interval], precision, FP, FN."""
    out = []
    for group, r in rows.items():
        out.append(
            [
                group,
                r.get(label_key),
                r["f1"],
                f"{fmt(r['f1_low'])}–{fmt(r['f1_high'])}",
                r["recall"],
                f"{fmt(r['recall_low'])}–{fmt(r['recall_high'])}",
                r["precision"],
                r["fp"],
                r["fn"],
            ]
        )
    return out


INTERVAL_HEADERS = (
    "group",
    "cases",
    "F1",
    "F1 interval",
    "recall",
    "recall interval",
    "precision",
    "false pos.",
    "false neg.",
)


def worst_rows(worst: list[dict]) -> list[list[object]]:
    """Table rows of the worst codes."""
    return [
        [
            w["code"],
            w.get("chapter"),
            w.get("bucket"),
            w["support"],
            w["fp"],
            w["fn"],
            w["f1"],
            f"{fmt(w.get('f1_low'))}–{fmt(w.get('f1_high'))}",
        ]
        for w in worst
    ]


WORST_HEADERS = (
    "code",
    "chapter",
    "frequency",
    "gold cases",
    "false pos.",
    "false neg.",
    "F1",
    "F1 interval",
)


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>\n"
        f"{body}\n<p>Administrative coding support only; a coder reviews every suggestion.</p>"
        "\n</body></html>\n"
    )


def _items(lines: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in lines) + "</ul>"


def render_quarterly(summary: dict, history: list[dict]) -> str:
    """The quarterly check page (shorter than the validation report)."""
    from validation.monitor import history_row

    esc = html.escape
    cur, ref = summary["current"]["metrics"], summary["reference"]["metrics"]
    detail = summary["current_detail"]
    verdict = summary["verdict"]
    metric_rows = [
        (m, ref.get(m), cur.get(m))
        for m in ("micro_f1", "macro_f1", "micro_precision", "micro_recall", "map")
    ]
    overall = detail["overall"]
    drift_rows = [
        ("note descriptors drifted (share)", summary["data_drift"]["share"]),
        ("wording: domain classifier ROC AUC", summary["text_drift"]["auc"]),
        ("gold code mix, Jensen-Shannon distance", summary["code_drift"]["js_distance"]),
        ("gold code mix, permutation p-value", summary["code_drift"]["p_value"]),
        ("suggested code mix, Jensen-Shannon distance", summary["prediction_drift"]["js_distance"]),
        ("micro-F1 drop vs reference", summary["f1_drop"]),
    ]
    plan = summary.get("sampling_plan")
    plan_text = (
        f"Sampling plan: {plan['selected']} of {plan['available']} cases drawn "
        f"(planned {plan['planned']}), stratified by note type and specialty, seed {plan['seed']}."
        if plan
        else "No sampling plan recorded: the whole sample was used."
    )
    model = summary.get("model") or {}
    heading = f"Quarterly check {summary['quarter']} vs {summary['reference_quarter']}"
    interval = f"{fmt(overall.get('f1_low'))}–{fmt(overall.get('f1_high'))}"
    body = f"""<h1>{esc(heading)}</h1>
<p>Model {esc(fmt(model.get("model_name")))} version {esc(fmt(model.get("version")))}.
Verdict: <strong class="{esc(verdict)}">{esc(verdict.upper())}</strong>
({summary["n_current"]} current cases, {summary["n_reference"]} reference cases).</p>
{_items(summary["reasons"] + summary["warnings"] or ["all thresholds met"])}
<p>{esc(plan_text)}</p>
<h2>Accuracy on the gold-coded samples</h2>
{table(("metric", "reference", "current"), metric_rows)}
<p>Current micro-F1 {fmt(overall.get("f1"))}, interval {interval}
({int(summary["params"]["confidence"] * 100)}% bootstrap over cases).</p>
<h2>By ICD-10-CM chapter</h2>
{plot_intervals(detail["per_chapter"], "F1 per chapter (current quarter)")}
{table(INTERVAL_HEADERS, interval_rows(detail["per_chapter"], "support"))}
<h2>By code frequency (basis: {esc(detail["bucket_basis"])})</h2>
{table(INTERVAL_HEADERS, interval_rows(detail["per_bucket"], "support"))}
<h2>By case type</h2>
{table(INTERVAL_HEADERS, interval_rows(detail["per_note_type"]))}
{table(INTERVAL_HEADERS, interval_rows(detail["per_specialty"]))}
<h2>Worst codes this quarter</h2>
{plot_worst(detail["worst_codes"])}
{table(WORST_HEADERS, worst_rows(detail["worst_codes"]))}
<h2>Drift</h2>
{table(("measure", "value"), drift_rows)}
{plot_history(history + [history_row(summary)])}
<p>Per-descriptor drift: <a href="drift.html">drift.html</a>; per-code classification quality
(Evidently, one task per monitored code): <a href="classes.html">classes.html</a>. Both files sit
beside this page.</p>"""
    return _page(f"Quarterly check {summary['quarter']}", body)


def _check_rows(verdict: dict) -> list[list[object]]:
    return [
        [
            c["name"],
            c["value"],
            c["threshold"],
            "PASS" if c["passed"] else "WARN" if c.get("blocking") is False else "FAIL",
        ]
        for c in verdict["checks"]
    ]


def _results(context: dict) -> str:
    cand, champ = context.get("metrics") or {}, context.get("champion_metrics") or {}
    names = (
        "micro_f1",
        "macro_f1",
        "micro_precision",
        "micro_recall",
        "map",
        "p_at_5",
        "ece",
        "n_cases",
    )
    rows = [
        (m, cand.get(m), champ.get(m) if champ else None) for m in names if m in cand or m in champ
    ]
    return table(("metric", "this version", "champion"), rows)


def _team(team: dict | None) -> str:
    if not team or not team.get("n_cases"):
        return (
            "<p>None recorded: the sample carries no suggestions made at coding time, so "
            "acceptance and override rates cannot be measured.</p>"
        )
    rows = [
        ("cases with recorded suggestions", team["n_cases"]),
        ("suggested codes", team["n_suggested"]),
        ("acceptance rate (suggested codes kept)", team["acceptance_rate"]),
        ("override rate (cases with a code removed or added)", team["override_rate"]),
        ("suggested codes removed by coders", team["removed"]),
        ("codes added by coders", team["added"]),
    ]
    reasons = team.get("reasons") or {}
    reason_html = (
        table(("override reason", "count"), list(reasons.items()))
        if reasons
        else "<p>No override reasons recorded.</p>"
    )
    return table(("measure", "value"), rows) + reason_html


def _changes(context: dict) -> str:
    rows = []
    cand = context.get("metrics") or {}
    for label, other in (
        ("champion", context.get("champion_metrics")),
        ("previous validation", context.get("previous_metrics")),
    ):
        if not other:
            continue
        for metric in ("micro_f1", "macro_f1", "map", "ece"):
            if isinstance(cand.get(metric), float) and isinstance(other.get(metric), float):
                rows.append(
                    (label, metric, other[metric], cand[metric], cand[metric] - other[metric])
                )
    if not rows:
        return "<p>No earlier version or validation to compare with.</p>"
    return table(("against", "metric", "before", "now", "change"), rows)


HISTORY_HEADERS = (
    "quarter",
    "micro-F1",
    "drifted descriptors",
    "code JS",
    "wording AUC",
    "verdict",
)


def _badge(verdict: str) -> str:
    return f'<strong class="{html.escape(verdict)}">{html.escape(verdict.upper())}</strong>'


def _method_table(context: dict) -> str:
    """Section 4: model, sample, splits and every acceptance criterion."""
    return table(
        ("item", "value"),
        [
            ("model", context.get("model_name")),
            ("sample", context.get("sample_source")),
            ("cases in sample", (context.get("metrics") or {}).get("n_cases")),
            *[(f"split {k}", v) for k, v in (context.get("splits") or {}).items()],
            *[(f"criterion {k}", v) for k, v in (context.get("criteria") or {}).items()],
        ],
    )


def _drift_rows(context: dict) -> list[tuple]:
    """Section 8: one row per earlier quarterly check."""
    return [
        (
            h["quarter"],
            h["micro_f1"],
            h["descriptor_drift_share"],
            h["code_js_distance"],
            h.get("text_auc"),
            h["verdict"],
        )
        for h in context.get("history") or []
    ]


def _results_section(context: dict, detail: dict) -> str:
    """Section 5: summary metrics, then results by chapter, frequency, case type, calibration."""
    ece = fmt((context.get("metrics") or {}).get("ece"))
    return f"""{_results(context)}
<h3>By ICD-10-CM chapter</h3>
{plot_intervals(detail.get("per_chapter") or {}, "F1 per chapter")}
{table(INTERVAL_HEADERS, interval_rows(detail.get("per_chapter") or {}, "support"))}
<h3>By code frequency</h3>
{table(INTERVAL_HEADERS, interval_rows(detail.get("per_bucket") or {}, "support"))}
<h3>By case type</h3>
{table(INTERVAL_HEADERS, interval_rows(detail.get("per_note_type") or {}))}
{table(INTERVAL_HEADERS, interval_rows(detail.get("per_specialty") or {}))}
<h3>Calibration</h3>
<p>Expected calibration error of the suggested codes' confidences: {ece}.</p>
{plot_reliability(context.get("reliability") or [])}"""


def render_validation(verdict: dict, context: dict, generated: str) -> str:
    """The validation report: identification to sign-off, one self-contained page."""
    esc = html.escape
    ident_keys = (
        "model_name",
        "version",
        "run_id",
        "code_commit",
        "dataset_digest",
        "sample_digest",
        "sample_source",
        "champion_version",
    )
    ident = table(("item", "value"), [(k.replace("_", " "), context.get(k)) for k in ident_keys])
    detail = context.get("detail") or {}
    deid = context.get("deid") or {}
    decision = (
        "PASS: may be proposed for promotion (or stays in service)"
        if verdict["passed"]
        else "FAIL: not eligible; a serving champion must be reviewed"
    )
    data_lines = list(context.get("datasheet") or ["No datasheet found."])
    deid_text = (
        f"De-identification: known identifiers and PHI patterns replaced by surrogates or "
        f"placeholders, dates shifted per patient, ids replaced by keyed pseudonyms. Measured "
        f"recall: {fmt(deid.get('recall'))} ({deid.get('source', 'not measured')})."
    )
    method = _method_table(context)
    drift_rows = _drift_rows(context)
    limitations = list(LIMITATIONS) + list(context.get("extra_limitations") or [])
    body = f"""<h1>Model validation report</h1>
<p>Generated {esc(generated)} (UTC). Decision: {_badge(verdict["verdict"])}</p>
<h2 id="identification">1. Identification</h2>
{ident}
<h2 id="intended-purpose">2. Intended purpose</h2>
<p>{esc(INTENDED_PURPOSE)}</p>
<p><strong>Coder review is mandatory.</strong> Out of scope: {esc(OUT_OF_SCOPE)}</p>
<h2 id="data">3. Data</h2>
{_items(data_lines)}
<p>{esc(deid_text)}</p>
<h2 id="method">4. Method</h2>
{method}
<h2 id="results">5. Results</h2>
{_results_section(context, detail)}
<h2 id="team">6. Human-AI team performance</h2>
{_team(context.get("team"))}
<h2 id="errors">7. Error analysis</h2>
{plot_worst(detail.get("worst_codes") or [])}
{table(WORST_HEADERS, worst_rows(detail.get("worst_codes") or []))}
<h2 id="drift">8. Drift since the last review</h2>
{plot_history(context.get("history") or [])}
{table(HISTORY_HEADERS, drift_rows)}
<h2 id="limitations">9. Limitations</h2>
{_items(limitations)}
<h2 id="changes">10. Changes against the previous version</h2>
{_changes(context)}
<h2 id="checks">11. Acceptance checks</h2>
{table(("check", "value", "threshold", "result"), _check_rows(verdict))}
<h2 id="decision">12. Decision</h2>
<p><strong>{esc(decision)}</strong></p>
{_items(verdict["reasons"])}
<p>A passing gate makes a version eligible; promotion still needs a named approver and reason.</p>
<h2 id="sign-off">13. Sign-off</h2>
<table class="sign">
<tr><th>role</th><th>name</th><th>decision</th><th>signature</th><th>date</th></tr>
<tr><td>Clinical coding lead</td><td></td><td></td><td></td><td></td></tr>
<tr><td>Data protection officer</td><td></td><td></td><td></td><td></td></tr>
<tr><td>Model owner (ML engineering)</td><td></td><td></td><td></td><td></td></tr>
<tr><td>Governance board chair</td><td></td><td></td><td></td><td></td></tr></table>"""
    title = f"Validation report: {fmt(context.get('model_name'))} v{fmt(context.get('version'))}"
    return _page(title, body)
