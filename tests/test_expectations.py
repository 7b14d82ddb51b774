"""Data tests of the GX suite: each rule fails on the rows it targets, Data Docs hold no text."""

from __future__ import annotations

import pandas as pd
import pytest

from clinicode.config import AssembleParams
from clinicode.errors import DataValidationError
from clinicode.schema import DATASET_COLUMNS, SPLIT
from validation.expectations import validate_notes

PARAMS = AssembleParams(max_codes_per_note=3)
# Marker strings standing in for note text and identifiers: none may reach any report.
SECRET_TEXT = "Zebulon Quackenbush seen for fever and cough on the ward"


def _frame(n: int = 4) -> pd.DataFrame:
    rows = [
        {
            "note_id": f"N-{i:016x}",
            "patient_id": f"P-{i // 2:016x}",
            "case_id": f"C-{i:016x}",
            "note_type": "discharge summary",
            "specialty": "medicine",
            "note_date": "2026-01-02",
            "quarter": "2026Q1",
            "text": f"{SECRET_TEXT} {i}",
            "codes": ["R50.9", "R05.9"],
        }
        for i in range(n)
    ]
    frame = pd.DataFrame(rows, columns=list(DATASET_COLUMNS))
    frame[SPLIT] = ["train", "train", "test", "test"][:n]
    return frame


def _set(frame: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    frame.at[row, column] = value
    return frame


BROKEN = {
    "blank text": (lambda f: _set(f, 0, "text", "    "), "text not blank"),
    "short text": (lambda f: _set(f, 0, "text", "tiny"), "text"),
    "retired code": (lambda f: _set(f, 0, "codes", ["I10", "XYZ.99"]), "ICD-10-CM"),
    "too many codes": (lambda f: _set(f, 0, "codes", ["I10", "R51.9", "R05.9", "R50.9"]), "codes"),
    "duplicate id": (lambda f: _set(f, 1, "note_id", f.at[0, "note_id"]), "note_id"),
    "patient in two splits": (lambda f: _set(f, 1, SPLIT, "test"), "one split"),
    "phone in text": (lambda f: _set(f, 0, "text", f"{SECRET_TEXT} call 555-123-4567"), "PHONE"),
    "missing column": (lambda f: f.drop(columns=["quarter"]), "quarter"),
}


def test_a_clean_frame_passes_and_builds_data_docs(tmp_path):
    summary = validate_notes(_frame(), PARAMS, tmp_path)
    assert summary["success"] and summary["rows"] == 4
    assert (tmp_path / "gx" / "index.html").is_file()
    assert (tmp_path / "validation.html").is_file()


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_rule_blocks_the_dataset(case, tmp_path):
    breaks, expected = BROKEN[case]
    with pytest.raises(DataValidationError, match=expected):
        validate_notes(breaks(_frame()), PARAMS, tmp_path)


def test_reports_and_data_docs_hold_no_text_or_identifier(tmp_path):
    frame = _set(_frame(), 0, "text", "tiny")  # failing rows are where samples would show
    frame = _set(frame, 1, "note_id", frame.at[0, "note_id"])
    with pytest.raises(DataValidationError):
        validate_notes(frame, PARAMS, tmp_path)
    pages = [p for p in tmp_path.rglob("*") if p.suffix in {".html", ".json"}]
    assert any(p.parent.name != tmp_path.name for p in pages)  # Data Docs pages were built
    content = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "Zebulon" not in content and "Quackenbush" not in content and "tiny" not in content
    assert frame.at[0, "note_id"] not in content and frame.at[2, "patient_id"] not in content
