"""Revalidation gate: pass and fail paths, and the board report's content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinicode.config import RevalidateParams
from validation.gate import evaluate_gate, write_validation_report

PARAMS = RevalidateParams(
    min_micro_f1=0.5, min_macro_f1=0.2, min_map=0.4, max_drop_vs_champion=0.05, min_test_cases=20
)
GOOD = {"micro_f1": 0.70, "macro_f1": 0.40, "map": 0.60, "p_at_5": 0.3, "n_cases": 50.0}


def _failed(verdict: dict) -> set[str]:
    return {c["name"] for c in verdict["checks"] if not c["passed"]}


def test_candidate_meeting_every_floor_passes_without_champion() -> None:
    verdict = evaluate_gate(GOOD, None, PARAMS)
    assert verdict["passed"] and verdict["verdict"] == "pass"
    assert {c["name"] for c in verdict["checks"]} == {"n_cases", "micro_f1", "macro_f1", "map"}
    assert "no champion" in verdict["reasons"][0]


def test_small_drop_vs_champion_passes() -> None:
    champion = {**GOOD, "micro_f1": 0.74}  # a drop of 0.04 is within the 0.05 allowance
    verdict = evaluate_gate(GOOD, champion, PARAMS)
    assert verdict["passed"]
    drop = next(c for c in verdict["checks"] if c["name"] == "micro_f1_drop_vs_champion")
    assert drop["value"] == pytest.approx(0.04) and drop["threshold"] == 0.05


@pytest.mark.parametrize(
    ("candidate", "champion", "failed", "reason_part"),
    [
        (
            {**GOOD, "micro_f1": 0.45},
            None,
            {"micro_f1"},
            "0.450 is below (revalidate.min_micro_f1 0.5)",
        ),
        ({**GOOD, "map": 0.1}, None, {"map"}, "below (revalidate.min_map"),
        ({**GOOD, "n_cases": 12.0}, None, {"n_cases"}, "12 cases"),
        ({k: v for k, v in GOOD.items() if k != "map"}, None, {"map"}, "map is missing"),
        ({**GOOD, "micro_f1": float("nan")}, None, {"micro_f1"}, "missing"),
        (GOOD, {**GOOD, "micro_f1": 0.80}, {"micro_f1_drop_vs_champion"}, "0.100 below"),
        (
            {**GOOD, "dataset_digest": "a"},
            {**GOOD, "dataset_digest": "b"},
            {"same_test_set"},
            "different test sets",
        ),
    ],
)
def test_gate_fails_with_named_reason(
    candidate: dict, champion: dict | None, failed: set[str], reason_part: str
) -> None:
    verdict = evaluate_gate(candidate, champion, PARAMS)
    assert not verdict["passed"] and verdict["verdict"] == "fail"
    assert _failed(verdict) == failed
    assert any(reason_part in r for r in verdict["reasons"]), verdict["reasons"]


def test_report_has_the_board_sections_and_leaks_nothing(tmp_path: Path) -> None:
    champion = {**GOOD, "micro_f1": 0.80}
    verdict = evaluate_gate(GOOD, champion, PARAMS)
    context = {
        "model_name": "clinicode-icd10",
        "version": "3",
        "run_id": "abc123",
        "dataset_digest": "sha256:feed",
        "metrics": {**GOOD, "note": "Zebulon Quartermaine"},
        "champion_version": "2",
        "champion_metrics": champion,
        "criteria": PARAMS.model_dump(),
        "sample_note": "Zebulon Quartermaine, MRN 00424242, seen for chest pain",
    }
    report = write_validation_report(verdict, context, tmp_path)
    page = report.read_text(encoding="utf-8")
    for section in (
        "Identification",
        "Intended purpose",
        "Results",
        "Acceptance checks",
        "Decision",
        "Sign-off",
    ):
        assert section in page
    for fact in (
        "clinicode-icd10",
        "abc123",
        "sha256:feed",
        "coder review is mandatory",
        "Out of scope",
        "diagnosis",
        "FAIL",
        "micro_f1_drop_vs_champion",
    ):
        assert fact.lower() in page.lower(), fact
    saved = json.loads((tmp_path / "validation.json").read_text(encoding="utf-8"))
    assert saved["verdict"]["verdict"] == "fail" and saved["version"] == "3"
    for path in tmp_path.iterdir():
        content = path.read_text(encoding="utf-8")
        assert "Zebulon" not in content and "00424242" not in content, path.name
    assert "<script" not in page and "http" not in page
