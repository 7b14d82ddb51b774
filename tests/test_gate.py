"""Revalidation gate: pass and fail paths, and the board report's content."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from clinicode.config import RevalidateParams
from validation.calibration import expected_calibration_error, reliability
from validation.gate import (
    deid_evidence,
    evaluate_gate,
    previous_validation,
    write_validation_report,
)

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
    assert verdict["warnings"] == [] and verdict["notes"] == []
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
        "Data protection officer",
        "Human-AI team",
        "Limitations",
    ):
        assert fact.lower() in page.lower(), fact
    saved = json.loads((tmp_path / "validation.json").read_text(encoding="utf-8"))
    assert saved["verdict"]["verdict"] == "fail" and saved["version"] == "3"
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        content = path.read_text(encoding="utf-8")
        assert "Zebulon" not in content and "00424242" not in content, path.name
    text_only = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "<script" not in page and "http" not in text_only
    assert (tmp_path / "history" / "v3.json").is_file()
    assert previous_validation(tmp_path, "3")["metrics"]["micro_f1"] == 0.70
    assert previous_validation(tmp_path, "4") is None


def test_ece_by_hand() -> None:
    # bins of 0.1: {0.95, 0.95} -> mean conf 0.95, 1 of 2 right: gap 0.45 (weight 2/4)
    #              {0.35} -> gap |0.35 - 0| = 0.35; {0.65} -> gap |0.65 - 1| = 0.35
    conf = np.array([0.95, 0.95, 0.35, 0.65])
    right = np.array([1.0, 0.0, 0.0, 1.0])
    assert expected_calibration_error(conf, right) == pytest.approx((2 * 0.45 + 0.35 + 0.35) / 4)
    assert [b["n"] for b in reliability(conf, right)] == [1, 1, 2]
    assert expected_calibration_error(np.array([1.0]), np.array([1.0])) == 0.0


CHAPTERS = {
    "Chapter 9": {"recall": 0.8, "support": 40},
    "Chapter 4": {"recall": 0.2, "support": 30},
    "Chapter 19": {"recall": 0.0, "support": 3},  # too few codes for a floor
}
STRICT = PARAMS.model_copy(
    update={"min_chapter_recall": 0.3, "chapter_min_cases": 20, "max_ece": 0.1,
            "ece_min_suggestions": 50, "min_deid_recall": 0.95, "max_drop_vs_previous": 0.05}
)  # fmt: skip


@pytest.mark.parametrize(
    ("evidence", "candidate", "failed", "reason_part"),
    [
        ({"per_chapter": CHAPTERS}, GOOD, {"recall Chapter 4"}, "Chapter 4: recall 0.200"),
        ({"n_suggestions": 80}, {**GOOD, "ece": 0.15}, {"ece"}, "exceeds revalidate.max_ece"),
        ({"previous": {"micro_f1": 0.80}}, GOOD, {"micro_f1_drop_vs_previous"}, "0.100 below"),
        ({}, {**GOOD, "n_cases": 5.0}, {"n_cases"}, "5 cases"),
    ],
)
def test_gate_evidence_failures(evidence: dict, candidate: dict, failed: set, reason_part: str):
    verdict = evaluate_gate(candidate, None, STRICT, evidence)
    assert not verdict["passed"] and _failed(verdict) == failed
    assert any(reason_part in r for r in verdict["reasons"]), verdict["reasons"]


def test_gate_evidence_passes_and_notes_what_it_could_not_judge() -> None:
    evidence = {
        "per_chapter": {k: v for k, v in CHAPTERS.items() if k != "Chapter 4"},
        "n_suggestions": 12,  # too few for the calibration cap
        "deid": {"recall": 0.90},  # below the floor but not blocking by default
        "previous": {"micro_f1": 0.72},
    }
    verdict = evaluate_gate({**GOOD, "ece": 0.4}, None, STRICT, evidence)
    assert verdict["passed"], verdict["reasons"]
    assert any("de-identification recall 0.900" in w for w in verdict["warnings"])
    assert any("calibration cap not applied" in n for n in verdict["notes"])
    assert any("1 chapter(s)" in n for n in verdict["notes"])
    blocking = STRICT.model_copy(update={"deid_blocking": True})
    assert _failed(evaluate_gate(GOOD, None, blocking, {"deid": {"recall": 0.9}})) == {
        "deid_recall"
    }


def test_deid_recall_is_read_from_the_benchmark(tmp_path: Path) -> None:
    report = tmp_path / "deid.json"
    report.write_text(json.dumps({"systems": {"ours": {"recall": 0.991}}}), encoding="utf-8")
    assert deid_evidence(report, n_notes=0) == {"recall": 0.991, "source": "benchmark deid.json"}
    assert deid_evidence(tmp_path / "missing.json", n_notes=0)["recall"] is None
