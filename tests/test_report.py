"""The board's validation report: every section, embedded plots, and no PHI in any output."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from clinicode.config import MonitorParams, RevalidateParams
from validation.gate import evaluate_gate, score_sample, write_validation_report
from validation.gold import gold_frame, human_ai_team

CODES = ["I10", "E11.9", "J18.9", "N39.0", "F32.9", "S72.001A"]
PHI = ("Zebulon Quartermaine", "00424242", "Quartermaine")


def _sample(n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        gold = sorted(rng.choice(CODES, rng.integers(1, 3), replace=False).tolist())
        suggested = [c for c in gold if rng.random() < 0.8] + (["F32.9"] if i % 5 == 0 else [])
        suggested = list(dict.fromkeys(suggested))
        rows.append({
            "case_id": f"C-{i}",
            "note_type": ["discharge summary", "ED note"][i % 2],
            "specialty": ["cardiology", "emergency medicine"][i % 2],
            "text": f"Patient Zebulon Quartermaine, MRN 00424242, note {i}.",
            "final_codes": gold,
            "suggested_codes": suggested,
            "confidences": rng.uniform(0.5, 1.0, len(suggested)).round(3).tolist(),
            "model_version": "3",
            "override_reasons": ["missed-code"] if set(gold) - set(suggested) else [],
        })  # fmt: skip
    return gold_frame(rows)


def test_validation_report_sections_plots_and_no_phi(tmp_path: Path) -> None:
    frame = _sample()
    scored = score_sample(frame, MonitorParams(bootstrap_samples=200), None, seed=1)
    params = RevalidateParams(min_chapter_recall=0.3, chapter_min_cases=10)
    evidence = {"per_chapter": scored["detail"]["per_chapter"],
                "n_suggestions": scored["n_suggestions"], "deid": {"recall": 0.97}}  # fmt: skip
    verdict = evaluate_gate(scored["metrics"], None, params, evidence)
    context = {
        "model_name": "clinicode-icd10", "version": "3", "run_id": "r1", "code_commit": "abc",
        "dataset_digest": "d1", "sample_digest": "s1", "sample_source": "gold sample q.jsonl",
        "metrics": scored["metrics"], "detail": scored["detail"],
        "reliability": scored["reliability"], "team": human_ai_team(frame),
        "deid": {"recall": 0.97, "source": "benchmark"},
        "history": [{"quarter": "2026Q2", "micro_f1": 0.8, "descriptor_drift_share": 0.1,
                     "code_js_distance": 0.2, "text_auc": 0.55, "verdict": "pass"}],
        "datasheet": ["Notes: 370; patients: 240"], "criteria": params.model_dump(),
        "champion_metrics": {**scored["metrics"], "micro_f1": 0.9}, "champion_version": "2",
        "raw_notes": frame["text"].tolist(),  # must be ignored
    }  # fmt: skip
    page = write_validation_report(verdict, context, tmp_path).read_text(encoding="utf-8")
    for section in ("1. Identification", "2. Intended purpose", "3. Data", "4. Method",
                    "5. Results", "6. Human-AI team", "7. Error analysis",
                    "8. Drift since the last review", "9. Limitations",
                    "10. Changes against the previous version", "11. Acceptance checks",
                    "12. Decision", "13. Sign-off"):  # fmt: skip
        assert section in page, section
    assert page.count("data:image/png;base64,") == 4  # chapters, calibration, worst, drift
    assert "acceptance rate" in page and "missed-code" in page and "abc" in page
    assert "Chapter 9" in page and "ED note" in page  # per chapter and per case type
    for path in (p for p in tmp_path.rglob("*") if p.is_file()):
        content = path.read_text(encoding="utf-8")
        for value in PHI:
            assert value not in content, (path.name, value)
    text_only = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)
    assert "<script" not in page and "http" not in text_only


def test_report_without_recorded_suggestions_says_none_recorded(tmp_path: Path) -> None:
    frame = _sample(30).assign(model_version=None, suggested_codes=[[]] * 30,
                               confidences=[[]] * 30)  # fmt: skip
    verdict = evaluate_gate({"micro_f1": 0.5, "map": 0.5, "n_cases": 30.0}, None,
                            RevalidateParams(min_test_cases=20))  # fmt: skip
    context = {"model_name": "m", "version": "1", "team": human_ai_team(frame)}
    page = write_validation_report(verdict, context, tmp_path).read_text(encoding="utf-8")
    assert "None recorded" in page and "No earlier quarterly checks" in page
