"""Quarterly check on synthetic quarters: a drifted quarter fails, a like-for-like one passes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clinicode.config import MonitorParams
from clinicode.errors import InputError
from validation.monitor import accuracy, code_drift, note_descriptors, run_quarterly_check

CODES = [
    "E11.9",
    "I10",
    "J45.909",
    "N18.3",
    "K21.9",
    "F32.9",
    "M54.5",
    "J44.9",
    "I48.91",
    "E78.5",
    "N39.0",
    "R07.9",
    "J18.9",
    "I25.10",
    "E03.9",
    "G47.33",
    "K57.30",
    "M17.11",
    "D64.9",
    "R51.9",
]
WORDS = [f"term{i}" for i in range(300)]
NEW_WORDS = [f"novel{i}" for i in range(300)]
FAKE_NAME = "Zebulon Quartermaine"
N_NOTES = 200


def _note(rng: np.random.Generator, words: list[str], n_words: int, digits: int) -> str:
    body = " ".join(rng.choice(words, n_words))
    numbers = " ".join(str(n) for n in rng.integers(10, 999, digits))
    return f"History: {body}\nAssessment: {numbers}\nPlan: follow up"


def make_quarter(seed: int, drifted: bool) -> pd.DataFrame:
    """~200 notes whose gold codes, suggestions, lengths and confidences follow one recipe."""
    rng = np.random.default_rng(seed)
    weights = np.linspace(1, 3, len(CODES))
    probs = (weights[::-1] if drifted else weights) / weights.sum()
    rows = []
    for i in range(N_NOTES):
        gold = list(rng.choice(CODES, rng.integers(1, 4), replace=False, p=probs))
        suggested = [c for c in gold if rng.random() < (0.4 if drifted else 0.85)]
        suggested += [c for c in rng.choice(CODES, 1) if c not in suggested]
        conf_mean = 0.45 if drifted else 0.8
        words = NEW_WORDS if drifted else WORDS
        text = _note(
            rng,
            words,
            int(rng.integers(200, 400) if drifted else rng.integers(40, 90)),
            digits=30 if drifted else 3,
        )
        rows.append(
            {
                "text": f"{FAKE_NAME} {text}" if i % 20 == 0 else text,
                "codes": gold,
                "suggested_codes": suggested,
                "confidences": list(np.clip(rng.normal(conf_mean, 0.1, len(suggested)), 0, 1)),
                "note_type": rng.choice(["discharge", "progress"]),
                "specialty": rng.choice(["cardiology", "medicine"]),
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def checks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    params = MonitorParams(sample_size=100, code_drift_max=0.2, prediction_drift_max=0.2)
    reference = make_quarter(1, drifted=False)
    root = tmp_path_factory.mktemp("monitoring")
    return {
        "root": root,
        "same": run_quarterly_check(
            reference, make_quarter(2, drifted=False), params, root / "2026Q2", "2026Q2"
        ),
        "drifted": run_quarterly_check(
            reference, make_quarter(3, drifted=True), params, root / "2026Q3", "2026Q3"
        ),
    }


def test_like_for_like_quarter_passes(checks: dict) -> None:
    result = checks["same"]
    assert result["verdict"] == "pass", result["reasons"] + result["warnings"]
    assert result["metrics"]["data_drift"]["share"] <= 0.5
    assert result["metrics"]["code_drift"]["p_value"] > 0.05


def test_drifted_quarter_fails_with_reasons(checks: dict) -> None:
    result = checks["drifted"]
    assert result["verdict"] == "fail"
    reasons = " | ".join(result["reasons"])
    assert "note descriptors drifted" in reasons
    assert "gold code mix moved" in reasons
    assert "micro-F1 fell" in reasons
    drifted = result["metrics"]["data_drift"]["drifted_columns"]
    assert {"note_chars", "oov_share", "mean_confidence"} <= set(drifted)


def test_outputs_are_written_with_metrics(checks: dict) -> None:
    paths = checks["drifted"]["paths"]
    for key in ("drift_html", "drift_json", "summary", "index"):
        assert Path(paths[key]).is_file(), key
    summary = json.loads(Path(paths["summary"]).read_text())
    assert summary["verdict"] == "fail" and summary["quarter"] == "2026Q3"
    assert {"micro_f1", "macro_f1", "map", "n_cases"} <= set(summary["current"]["metrics"])
    assert summary["current"]["per_chapter"], "per-chapter metrics missing"
    worst = summary["current"]["worst_codes"]
    errors = [w["fp"] + w["fn"] for w in worst]
    assert errors == sorted(errors, reverse=True) and worst[0]["code"] in CODES
    index = Path(paths["index"]).read_text()
    assert "FAIL" in index and 'href="drift.html"' in index and worst[0]["code"] in index


def test_no_note_text_in_any_output(checks: dict) -> None:
    files = [p for p in checks["root"].rglob("*") if p.is_file()]
    assert len(files) == 8
    for path in files:
        content = path.read_text(encoding="utf-8")
        assert "Zebulon" not in content and "Quartermaine" not in content, path.name
        assert "term17" not in content and "novel17" not in content, path.name


def test_code_drift_by_hand() -> None:
    same = code_drift([["A"], ["B"]], [["A"], ["B"]], permutations=0)
    assert same["js_distance"] == pytest.approx(0.0)
    # Disjoint code sets are as far apart as base-2 Jensen-Shannon allows.
    apart = code_drift([["A"], ["A"]], [["B"], ["B"]], permutations=0)
    assert apart["js_distance"] == pytest.approx(1.0)
    assert apart["n_new_codes"] == 1


def test_missing_column_is_reported(tmp_path: Path) -> None:
    frame = make_quarter(4, drifted=False).drop(columns=["confidences"])
    with pytest.raises(InputError, match="confidences"):
        run_quarterly_check(frame, frame, MonitorParams(), tmp_path, "2026Q2")


def test_array_columns_and_full_ranking_are_accepted() -> None:
    # Frames read back from a datasets folder hold numpy arrays, not lists.
    frame = make_quarter(5, drifted=False).head(30)
    for col in ("codes", "suggested_codes", "confidences"):
        frame[col] = [np.asarray(v) for v in frame[col]]
    frame["ranked_codes"] = [np.asarray(list(g) + ["Z99.89"]) for g in frame["codes"]]
    metrics = accuracy(frame)["metrics"]
    assert metrics["map"] == pytest.approx(1.0)  # gold codes ranked first in every note
    assert 0 < metrics["micro_f1"] <= 1
    assert len(note_descriptors(frame, Counter(), in_reference=False)) == 30
