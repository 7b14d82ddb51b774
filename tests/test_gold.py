"""Gold-sample import: good files load, bad rows name file, line and field, team figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinicode.errors import InputError
from validation.gold import gold_frame, human_ai_team, quarter_file, read_gold_sample

GOOD = {
    "case_id": "C-1",
    "quarter": "2026Q3",
    "note_type": "discharge summary",
    "specialty": "cardiology",
    "text": "Assessment: hypertension, type 2 diabetes.",
    "final_codes": ["I10", "E11.9"],
    "suggested_codes": ["I10", "J45.909"],
    "confidences": [0.9, 0.6],
    "model_version": "3",
    "override_reasons": ["wrong-code", "missed-code"],
}


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_jsonl_and_csv_load_the_same_cases(tmp_path: Path) -> None:
    second = {"case_id": "C-2", "note_type": "ED note", "specialty": "emergency",
              "text": "Chest pain.", "final_codes": ["R07.9"]}  # fmt: skip
    frame = read_gold_sample(_jsonl(tmp_path / "2026Q3.jsonl", [GOOD, second]))
    assert frame["codes"].tolist() == [["I10", "E11.9"], ["R07.9"]]
    assert frame["suggested_codes"].tolist()[1] == [] and frame["quarter"].tolist()[1] == "unknown"
    csv_file = tmp_path / "2026Q4.csv"
    csv_file.write_text(
        "case_id,note_type,specialty,text,final_codes,suggested_codes,confidences,model_version\n"
        'C-9,ED note,emergency,"Line one,\nline two",I10|E11.9,I10,0.8,3\n',
        encoding="utf-8",
    )
    row = read_gold_sample(csv_file).iloc[0]
    assert row["codes"] == ["I10", "E11.9"] and row["confidences"] == [0.8]
    assert quarter_file(tmp_path, "2026Q4") == csv_file


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"final_codes": ["I10", "hypertension"]}, "final_codes", "not an ICD-10-CM code"),
        ({"final_codes": []}, "final_codes", "at least one"),
        ({"text": "  "}, "text", "missing or empty"),
        ({"confidences": [0.9]}, "confidences", "1 confidences for 2"),
        ({"confidences": [0.9, 1.5]}, "confidences", r"in \[0, 1\]"),
        ({"model_version": None}, "model_version", "missing"),
        ({"override_reasons": ["patient asked"]}, "override_reasons", "allowed values"),
        ({"quarter": "Q3-2026"}, "quarter", "like 2026Q3"),
        ({"mrn": "00424242"}, "mrn", "unknown field"),
    ],
)
def test_bad_row_names_file_line_and_field(
    tmp_path: Path, change: dict, field: str, problem: str
) -> None:
    bad = {**GOOD, "case_id": "C-2", **change}
    path = _jsonl(tmp_path / "sample.jsonl", [GOOD, bad])
    with pytest.raises(InputError, match=problem) as info:
        read_gold_sample(path)
    error = info.value
    assert (error.file, error.record, error.field) == (str(path), 2, field)
    assert "sample.jsonl, record 2, field" in str(error)
    assert "00424242" not in str(error) and "patient asked" not in str(error)


def test_file_level_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(GOOD) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="record 2: not valid JSON"):
        read_gold_sample(broken)
    dup = _jsonl(tmp_path / "dup.jsonl", [GOOD, GOOD])
    with pytest.raises(InputError, match="duplicate case id"):
        read_gold_sample(dup)
    with pytest.raises(InputError, match="unknown gold-sample format"):
        read_gold_sample(tmp_path / "sample.xlsx")
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("case_id,note_type,specialty,text,final_codes\nC-1,ED,em,x,I10\n"
                        "C-2,ED,em,,I10\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError, match=r"bad.csv, record 3, field 'text'"):
        read_gold_sample(csv_file)
    with pytest.raises(InputError, match="no gold sample for 2027Q1"):
        quarter_file(tmp_path, "2027Q1")


def test_human_ai_team_by_hand() -> None:
    other = {**GOOD, "case_id": "C-2", "final_codes": ["I10"], "suggested_codes": ["I10"],
             "confidences": [0.95], "override_reasons": []}  # fmt: skip
    team = human_ai_team(gold_frame([GOOD, other]))
    # suggested 3 codes, kept 2 (I10 twice); removed J45.909; added E11.9; 1 of 2 cases changed
    assert team["n_suggested"] == 3 and team["acceptance_rate"] == pytest.approx(2 / 3)
    assert team["removed"] == 1 and team["added"] == 1
    assert team["override_rate"] == pytest.approx(0.5)
    assert team["reasons"] == {"wrong-code": 1, "missed-code": 1}
    recorded = ("suggested_codes", "confidences", "model_version", "override_reasons")
    plain = {k: v for k, v in GOOD.items() if k not in recorded}
    assert human_ai_team(gold_frame([plain]))["acceptance_rate"] is None
