"""Quarterly check of a deployed coding model: input drift, code drift and accuracy.

The check compares a reference quarter (the one the model was validated on) with the current
quarter's gold-coded sample. Notes are never handed to Evidently or written anywhere: each note is
reduced to descriptors (length, out-of-vocabulary share, sections, digits, code counts,
confidences) and only those are compared, so no report can quote a note.
"""

from __future__ import annotations

import json
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
from validation.sampling import decision_counts, interval_table, sample_size

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


def _digit_count(text: str) -> int:
    # str.count runs in C: ten scans beat a Python loop over every character by far.
    return sum(text.count(digit) for digit in "0123456789")


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
                "digit_share": _digit_count(text) / max(len(text), 1),
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
    from scipy import sparse

    ref_sets, cur_sets = [set(c) for c in reference], [set(c) for c in current]
    code2index = {c: i for i, c in enumerate(sorted(set().union(*ref_sets, *cur_sets)))}
    rows = [row for row, codes in enumerate(ref_sets + cur_sets) for _ in codes]
    cols = [code2index[c] for codes in ref_sets + cur_sets for c in codes]
    # Sparse notes x codes: a shuffle's code counts are one sparse product with a 0/1 mask,
    # so 200 shuffles of 100,000 notes cost about a second, not a copy of the matrix each.
    multi_hot = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)),
        shape=(len(ref_sets) + len(cur_sets), len(code2index)),
    ).T.tocsr()  # codes x notes
    n_ref, n_all = len(ref_sets), len(ref_sets) + len(cur_sets)
    total = np.asarray(multi_hot.sum(axis=1)).ravel()
    ref_counts = np.asarray(multi_hot[:, :n_ref].sum(axis=1)).ravel()
    observed = _js_distance(ref_counts, total - ref_counts)
    rng = np.random.default_rng(_PERMUTATION_SEED)
    as_large = 0
    for _ in range(permutations):
        mask = np.zeros(n_all)
        mask[rng.permutation(n_all)[:n_ref]] = 1.0
        shuffled = multi_hot @ mask
        as_large += _js_distance(shuffled, total - shuffled) >= observed
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


def planned_size(params: MonitorParams) -> int:
    """Sample size the ``monitor`` section asks for (see ``validation.sampling.sample_size``)."""
    return sample_size(
        params.ci_width, params.confidence, params.assumed_f1, params.assumed_variance,
        params.sample_min, params.sample_max,
    )["n"]  # fmt: skip


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
    planned = planned_size(params)
    if "sampling_plan" not in summary and n_cur < planned:
        warns.append(
            f"gold sample has {n_cur} notes, fewer than the {planned} needed for a micro-F1 "
            f"interval of width monitor.ci_width {params.ci_width}: figures are uncertain"
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


def _bucket_map(
    codes: Iterable[str], params: MonitorParams, train_counts: dict | None, frame: pd.DataFrame
) -> tuple[dict[str, str], str]:
    """Code -> frequency bucket by share of training cases (or of the gold sample)."""
    if train_counts and train_counts.get("codes") and train_counts.get("n_cases"):
        counts, total, basis = train_counts["codes"], train_counts["n_cases"], "training corpus"
    else:
        counts = Counter(c for codes in frame[GOLD_CODES] for c in set(codes))
        total, basis = len(frame), "gold sample"
    buckets = {}
    for code in codes:
        share = counts.get(code, 0) / max(total, 1)
        buckets[code] = (
            "frequent"
            if share >= params.frequent_share
            else "rare"
            if share < params.rare_share
            else "medium"
        )
    return buckets, basis


def code_class_accuracy(
    frame: pd.DataFrame, params: MonitorParams, train_counts: dict | None = None, seed: int = 0
) -> dict:
    """Accuracy with bootstrap intervals per code, chapter, frequency bucket and case type.

    One bootstrap serves every grouping (the same resampled cases), so intervals of a code and
    of its chapter come from the same replicates.

    Returns:
        ``{"overall", "per_code", "per_chapter", "per_bucket", "per_note_type",
        "per_specialty", "bucket_basis", "worst_codes"}``; tables map a group to F1, recall
        (each with ``_low``/``_high``), precision and counts.
    """
    gold = [[str(c) for c in codes] for codes in frame[GOLD_CODES]]
    suggested = [[str(c) for c in codes] for codes in frame[SUGGESTED_CODES]]
    codes = sorted({c for case in gold + suggested for c in case})
    buckets, basis = _bucket_map(codes, params, train_counts, frame)
    groupings = {
        "overall": {"group_of": {c: "all" for c in codes}},
        "per_code": {"group_of": {c: c for c in codes}},
        "per_chapter": {"group_of": {c: chapter_of(c) for c in codes}},
        "per_bucket": {"group_of": buckets},
        "per_note_type": {"case_group": frame[NOTE_TYPE].astype(str).tolist()},
        "per_specialty": {"case_group": frame[SPECIALTY].astype(str).tolist()},
    }
    names, mats = [], [[], [], []]
    for key, spec in groupings.items():
        groups, tp, fp, fn = decision_counts(gold, suggested, **spec)
        names += [(key, g) for g in groups]
        for store, mat in zip(mats, (tp, fp, fn), strict=True):
            store.append(mat)
    from scipy import sparse

    tp, fp, fn = (sparse.hstack(m).tocsr() for m in mats)
    table = interval_table(
        [str(i) for i in range(len(names))],
        tp,
        fp,
        fn,
        params.bootstrap_samples,
        params.confidence,
        seed,
    )
    out: dict = {key: {} for key in groupings}
    for i, (key, group) in enumerate(names):
        out[key][group] = table[str(i)]
    for key in ("per_note_type", "per_specialty"):
        sizes = frame[NOTE_TYPE if key == "per_note_type" else SPECIALTY].astype(str).value_counts()
        for group, row in out[key].items():
            row["n_cases"] = int(sizes.get(group, 0))
    out["overall"] = out["overall"].get("all", {})
    for code, row in out["per_code"].items():
        row.update(chapter=chapter_of(code), bucket=buckets[code])
    ranked = sorted(out["per_code"].items(), key=lambda kv: (-(kv[1]["fp"] + kv[1]["fn"]), kv[0]))
    out["worst_codes"] = [{"code": c, **r} for c, r in ranked[:N_WORST_CODES] if r["fp"] + r["fn"]]
    out["bucket_basis"] = basis
    return out


# Month and weekday names move with the quarter by design (dates are shifted, not removed), so
# they would separate any two quarters; the classifier must judge clinical wording instead.
_CALENDAR_WORDS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]


def text_drift(
    reference: Sequence[str], current: Sequence[str], max_notes: int, seed: int = 0
) -> dict:
    """Domain classifier: can TF-IDF + logistic regression tell current notes from reference?

    A cross-validated ROC AUC near 0.5 means the quarters read alike; near 1.0 means the wording
    changed. Only the AUC leaves this function: no words, since the most telling words of a
    quarter can be surrogate names or other leftovers of de-identification.

    Returns:
        ``{"auc", "auc_folds", "n_reference", "n_current", "features": "not reported"}``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(seed)

    def subset(texts: Sequence[str]) -> list[str]:
        texts = list(texts)
        if len(texts) <= max_notes:
            return texts
        return [texts[i] for i in sorted(rng.choice(len(texts), max_notes, replace=False))]

    ref, cur = subset(reference), subset(current)
    folds = min(5, len(ref), len(cur))
    if folds < 2:
        return {
            "auc": 0.5,
            "auc_folds": [],
            "n_reference": len(ref),
            "n_current": len(cur),
            "features": "not reported",
        }
    model = make_pipeline(
        TfidfVectorizer(
            token_pattern=r"(?u)[^\W\d_]{2,}",
            stop_words=_CALENDAR_WORDS,
            min_df=2,
            max_features=20_000,
            sublinear_tf=True,
            dtype=np.float32,
        ),
        LogisticRegression(max_iter=500, C=1.0),
    )
    labels = np.r_[np.zeros(len(ref)), np.ones(len(cur))]
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    scores = cross_val_score(model, ref + cur, labels, cv=cv, scoring="roc_auc")
    return {
        "auc": float(np.mean(scores)),
        "auc_folds": [float(s) for s in scores],
        "n_reference": len(ref),
        "n_current": len(cur),
        "features": "not reported",
    }


def monitored_codes(reference: pd.DataFrame, current: pd.DataFrame, top_n: int) -> list[str]:
    """The ``top_n`` most frequent gold codes over both quarters (ties by code)."""
    counts = Counter(
        c
        for frame in (reference, current)
        for codes in frame[GOLD_CODES]
        for c in set(map(str, codes))
    )
    return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]]


def _class_frame(frame: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    gold = [set(map(str, c)) for c in frame[GOLD_CODES]]
    suggested = [set(map(str, c)) for c in frame[SUGGESTED_CODES]]
    columns = {}
    for i, code in enumerate(codes):
        columns[f"gold_{i}"] = np.fromiter((code in g for g in gold), dtype=np.int64)
        columns[f"suggested_{i}"] = np.fromiter((code in s for s in suggested), dtype=np.int64)
    return pd.DataFrame(columns)


def _run_class_report(
    reference: pd.DataFrame, current: pd.DataFrame, codes: Sequence[str], out_dir: Path
) -> dict:
    """One Evidently binary classification task per monitored code, reference vs current."""
    from evidently import BinaryClassification, DataDefinition, Dataset, Report
    from evidently.presets import ClassificationPreset

    if not codes:
        return {"codes": [], "paths": {}}
    tasks = [
        BinaryClassification(
            name=code, target=f"gold_{i}", prediction_labels=f"suggested_{i}", pos_label=1
        )
        for i, code in enumerate(codes)
    ]
    columns = [f"{kind}_{i}" for i in range(len(codes)) for kind in ("gold", "suggested")]
    definition = DataDefinition(classification=tasks, categorical_columns=columns)
    report = Report([ClassificationPreset(classification_name=code) for code in codes])
    with np.errstate(invalid="ignore", divide="ignore"):
        snapshot = report.run(
            current_data=Dataset.from_pandas(_class_frame(current, codes), definition),
            reference_data=Dataset.from_pandas(_class_frame(reference, codes), definition),
        )
    html_path = write_text_atomic(out_dir / "classes.html", snapshot.get_html_str(as_iframe=False))
    json_path = write_text_atomic(out_dir / "classes.json", snapshot.json())
    f1 = {}
    for metric in snapshot.dict().get("metrics", []):
        name = metric["metric_name"]
        if name.startswith("F1Score(") and isinstance(metric["value"], int | float):
            code = name.split("classification_name=", 1)[1].split(",", 1)[0].rstrip(")")
            f1[code] = float(metric["value"])
    return {
        "codes": list(codes),
        "evidently_f1": f1,
        "paths": {"classes_html": str(html_path), "classes_json": str(json_path)},
    }


def _detail_reasons(summary: dict, params: MonitorParams, fails: list, warns: list) -> None:
    auc = summary["text_drift"]["auc"]
    if auc > params.text_drift_auc_max:
        fails.append(
            f"note wording drifted: a domain classifier tells this quarter from the reference "
            f"with ROC AUC {auc:.2f} (> monitor.text_drift_auc_max {params.text_drift_auc_max})"
        )
    floor, need = params.min_micro_f1, params.class_min_support
    for key, label in (("per_note_type", "note type"), ("per_specialty", "specialty")):
        for group, row in summary["current_detail"][key].items():
            if row["n_cases"] >= need and row["f1_high"] < floor:
                fails.append(
                    f"{label} '{group}' breaks the model: micro-F1 {row['f1']:.3f} "
                    f"(interval {row['f1_low']:.3f}-{row['f1_high']:.3f}) is below "
                    f"monitor.min_micro_f1 {floor} on {row['n_cases']} cases"
                )
    ref_codes = summary["reference_detail"]["per_code"]
    for code in summary["per_class"]["codes"]:
        cur, ref = summary["current_detail"]["per_code"].get(code), ref_codes.get(code)
        if not cur or not ref or min(cur["support"], ref["support"]) < need:
            continue
        drop = ref["f1"] - cur["f1"]
        if drop > params.max_code_f1_drop:
            warns.append(
                f"code {code}: F1 fell by {drop:.3f} to {cur['f1']:.3f} "
                f"(> monitor.max_code_f1_drop {params.max_code_f1_drop})"
            )
    plan = summary.get("sampling_plan")
    if plan and plan["selected"] < plan["planned"]:
        warns.append(
            f"gold sample has {plan['selected']} cases, fewer than the {plan['planned']} the "
            f"sampling plan asks for (monitor.ci_width {params.ci_width}): intervals are wider"
        )


def run_quarterly_check(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    params: MonitorParams,
    out_dir: Path,
    quarter: str,
    plan: dict | None = None,
    train_counts: dict | None = None,
    context: dict | None = None,
) -> dict:
    """Compare the current quarter with the reference one and decide pass, warn or fail.

    Args:
        reference: Gold-coded notes of the reference quarter with the model's suggestions
            (columns ``text``, ``codes``, ``suggested_codes``, ``confidences``, ``note_type``,
            ``specialty``).
        current: The same for the current quarter's gold-coded sample.
        params: The ``monitor`` section of ``params.yaml``.
        out_dir: Folder for ``drift.html``/``.json``, ``classes.html``/``.json``,
            ``summary.json``, ``sampling_plan.json`` (with a plan) and ``index.html``.
        quarter: Label of the current quarter, e.g. ``"2026Q2"``.
        plan: The sampling plan that drew ``current`` (recorded as is).
        train_counts: ``{"codes": {code: cases}, "n_cases": n}`` of the training corpus, for
            frequency buckets; without it buckets use the gold sample's own frequencies.
        context: Model name, version and run id shown on the summary page.

    Returns:
        ``{"verdict", "reasons", "warnings", "metrics", "paths", "html"}``; ``reasons`` lists
        what failed, ``warnings`` what deserves a look without failing, ``html`` is the path of
        ``index.html``.

    Raises:
        InputError: A frame lacks a column, is empty, or has misaligned confidences.
    """
    from validation.report import render_quarterly

    _check_frame(reference, "reference quarter")
    _check_frame(current, f"quarter {quarter}")
    out_dir = Path(out_dir)
    seed = params.sampling_seed

    # descriptors and drift
    ref_doc_freq = _doc_freq(reference[TEXT])
    ref_desc = note_descriptors(reference, ref_doc_freq, in_reference=True)
    cur_desc = note_descriptors(current, ref_doc_freq, in_reference=False)
    data_drift = _run_drift_report(ref_desc, cur_desc, params, out_dir)
    paths = data_drift.pop("paths")
    texts = text_drift(reference[TEXT], current[TEXT], params.text_drift_max_notes, seed)

    # code mix and accuracy
    summary = _code_and_accuracy(reference, current, params)
    summary.update(quarter=quarter, data_drift=data_drift, text_drift=texts)
    summary["current_detail"] = code_class_accuracy(current, params, train_counts, seed)
    summary["reference_detail"] = code_class_accuracy(reference, params, train_counts, seed)
    codes = monitored_codes(reference, current, params.per_class_codes)
    per_class = _run_class_report(reference, current, codes, out_dir)
    paths.update(per_class.pop("paths"))
    summary["per_class"] = per_class
    if plan is not None:
        summary["sampling_plan"] = plan
        paths["sampling_plan"] = str(write_json_atomic(out_dir / "sampling_plan.json", plan))

    # verdict and outputs
    verdict, reasons, warnings = _verdict(summary, params)
    _detail_reasons(summary, params, reasons, warnings)
    verdict = "fail" if reasons else "warn" if warnings else "pass"
    checked_at = datetime.now(UTC).isoformat()
    summary.update(verdict=verdict, reasons=reasons, warnings=warnings, checked_at=checked_at)
    summary["params"] = params.model_dump()
    summary["model"] = {k: (context or {}).get(k) for k in ("model_name", "version", "run_id")}
    paths["summary"] = str(write_json_atomic(out_dir / "summary.json", {**summary, "paths": paths}))
    page = render_quarterly(summary, _history(out_dir, quarter))
    paths["index"] = str(write_text_atomic(out_dir / "index.html", page))
    logger.info(
        "quarterly check %s: %s (%d fail reasons, %d warnings)",
        quarter, verdict, len(reasons), len(warnings),
    )  # fmt: skip
    result = {"verdict": verdict, "reasons": reasons, "warnings": warnings, "metrics": summary}
    return {**result, "paths": paths, "html": paths["index"]}


def _history(out_dir: Path, quarter: str) -> list[dict]:
    """Headline figures of earlier quarters (their ``summary.json`` beside this quarter's)."""
    rows = []
    for path in sorted(out_dir.parent.glob("*/summary.json")):
        if path.parent.name >= quarter:
            continue
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
            rows.append(history_row(old))
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("skipping unreadable earlier summary %s", path)
    return rows


def history_row(summary: dict) -> dict:
    """The figures of one quarter plotted over time."""
    return {
        "quarter": summary["quarter"],
        "micro_f1": summary["current"]["metrics"]["micro_f1"],
        "descriptor_drift_share": summary["data_drift"]["share"],
        "code_js_distance": summary["code_drift"]["js_distance"],
        "text_auc": (summary.get("text_drift") or {}).get("auc"),
        "verdict": summary["verdict"],
    }
