"""Sources: CodiEsp layout and code normalisation, JSON lines, errors naming file/record/field."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clinicode.config import AssembleParams, CorpusParams
from clinicode.errors import ConfigError, InputError
from training.corpus import generate_corpus
from training.sources import CODIESP_NOTE_TYPE, iter_source, normalise_code

CORPUS = CorpusParams(n_patients=5, seed=3)


def _write_codiesp(root: Path) -> Path:
    """A two-split CodiEsp fixture in the CLEF 2020 layout (made-up text, real code forms)."""
    cases = {
        "train": {
            "S0001-1": ("Woman with fever and type 2 diabetes.", ["r509", "e119"]),
            "S0002-1": ("Man with hypertension and headache.", ["i10", "r51.9"]),
        },
        "dev": {"S0003-1": ("Child with unspecified symptoms.", ["r69"])},
    }
    for split, items in cases.items():
        text_dir = root / split / "text_files_en"
        text_dir.mkdir(parents=True)
        (root / split / "text_files").mkdir()  # the Spanish originals: present, not read
        rows = []
        for article, (text, codes) in items.items():
            (text_dir / f"{article}.txt").write_text(text, encoding="utf-8")
            rows += [f"{article}\t{code}" for code in codes]
        (root / split / f"{split}D.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def _codiesp(root: Path, **kwargs) -> AssembleParams:
    return AssembleParams(source="codiesp", input=str(root), **kwargs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("r69", "R69"),
        ("i10", "I10"),
        ("e119", "E11.9"),
        ("q62.11", "Q62.11"),
        (" s72.001a ", "S72.001A"),
        ("E11.9", "E11.9"),
    ],
)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


def test_codiesp_cases_are_read_with_normalised_codes(tmp_path):
    records = list(iter_source(_codiesp(_write_codiesp(tmp_path)), CORPUS))
    by_id = {r.note_id: r for r in records}
    assert sorted(by_id) == ["S0001-1", "S0002-1", "S0003-1"]
    assert by_id["S0001-1"].codes == ["R50.9", "E11.9"]
    assert by_id["S0002-1"].codes == ["I10", "R51.9"]
    first = by_id["S0001-1"]
    assert first.patient_id == first.case_id == "S0001-1"
    assert first.note_type == CODIESP_NOTE_TYPE and first.text.startswith("Woman")


def test_codiesp_reads_only_the_requested_splits(tmp_path):
    records = list(iter_source(_codiesp(_write_codiesp(tmp_path), codiesp_splits=("dev",)), CORPUS))
    assert [r.note_id for r in records] == ["S0003-1"]


@pytest.mark.parametrize(
    ("breakage", "message"),
    [("text_files_en", "text_files_en"), ("trainD.tsv", "trainD.tsv"), ("train", "split")],
)
def test_codiesp_wrong_layout_is_named(tmp_path, breakage, message):
    root = _write_codiesp(tmp_path)
    target = root / "train" / breakage if breakage != "train" else root / "train"
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    with pytest.raises(InputError, match=message) as excinfo:
        list(iter_source(_codiesp(root), CORPUS))
    assert "train" in excinfo.value.file


def test_codiesp_non_utf8_case_is_named_and_can_be_quarantined(tmp_path):
    root = _write_codiesp(tmp_path)
    bad = root / "train" / "text_files_en" / "S0002-1.txt"
    bad.write_bytes(b"Paciente con fiebre \xff\xfe")
    with pytest.raises(InputError) as excinfo:
        list(iter_source(_codiesp(root), CORPUS))
    error = excinfo.value
    assert error.file == str(bad) and error.record == "S0002-1" and error.field == "text"
    assert "UTF-8" in str(error) and "fiebre" not in str(error)
    errors: list[InputError] = []
    records = list(iter_source(_codiesp(root), CORPUS, on_bad=errors.append))
    assert [r.note_id for r in records] == ["S0001-1", "S0003-1"] and len(errors) == 1


def test_codiesp_case_without_codes_is_named(tmp_path):
    root = _write_codiesp(tmp_path)
    (root / "dev" / "text_files_en" / "S0009-1.txt").write_text("Uncoded case.", "utf-8")
    with pytest.raises(InputError) as excinfo:
        list(iter_source(_codiesp(root), CORPUS))
    assert excinfo.value.record == "S0009-1" and excinfo.value.field == "codes"
    assert excinfo.value.file.endswith("devD.tsv")


def test_codiesp_malformed_code_row_is_named(tmp_path):
    root = _write_codiesp(tmp_path)
    (root / "dev" / "devD.tsv").write_text("S0003-1\tr69\nS0003-1 r52\n", "utf-8")
    with pytest.raises(InputError, match="two tab-separated columns") as excinfo:
        list(iter_source(_codiesp(root), CORPUS))
    assert excinfo.value.record == 2


def _jsonl(tmp_path: Path, lines: list[str]) -> AssembleParams:
    path = tmp_path / "notes.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return AssembleParams(source="jsonl", input=str(path))


GOOD = {"id": "n1", "text": "Patient with hypertension.", "codes": ["i10", "e119", "I10"]}


def test_jsonl_records_with_defaults_and_optional_fields(tmp_path):
    full = {
        "note_id": "n2",
        "text": "Asthma follow-up.",
        "codes": ["J45.909"],
        "patient_id": "p9",
        "case_id": "c9",
        "note_type": "ED note",
        "specialty": "ED",
        "note_date": "2026-02-01",
        "quarter": "2026Q1",
        "identifiers": {"patient_name": "Ann Example"},
    }
    records = list(iter_source(_jsonl(tmp_path, [json.dumps(GOOD), "", json.dumps(full)]), CORPUS))
    first, second = records
    assert first.codes == ["I10", "E11.9"] and first.patient_id == first.case_id == "n1"
    assert second.patient_id == "p9" and second.quarter == "2026Q1"
    assert second.identifiers == {"patient_name": "Ann Example"}


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"id": "n1", "text": "x", "codes": ["I10"]', None, "malformed JSON"),
        ('["not", "an", "object"]', None, "JSON object"),
        ('{"text": "Note.", "codes": ["I10"]}', "note_id", "missing"),
        ('{"id": "n1", "codes": ["I10"]}', "text", "missing"),
        ('{"id": "n1", "text": "   ", "codes": ["I10"]}', "text", "empty"),
        ('{"id": "n1", "text": "Note.", "codes": "I10"}', "codes", "list"),
        ('{"id": "n1", "text": "Note.", "codes": []}', "codes", "at least one"),
        (
            '{"id": "n1", "text": "Note.", "codes": ["I10"], "note_date": "14/03/2026"}',
            "note_date",
            "YYYY-MM-DD",
        ),
        (
            '{"id": "n1", "text": "Note.", "codes": ["I10"], "identifiers": ["x"]}',
            "identifiers",
            "object",
        ),
    ],
)
def test_jsonl_bad_line_names_file_line_and_field(tmp_path, line, field, message):
    params = _jsonl(tmp_path, [json.dumps(GOOD), line])
    with pytest.raises(InputError, match=message) as excinfo:
        list(iter_source(params, CORPUS))
    error = excinfo.value
    assert error.file == params.input and error.record == 2 and error.field == field


def test_jsonl_non_utf8_line_and_quarantine(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n\xff\xfe broken\n" + json.dumps(GOOD).encode())
    params = AssembleParams(source="jsonl", input=str(path))
    with pytest.raises(InputError, match="UTF-8") as excinfo:
        list(iter_source(params, CORPUS))
    assert excinfo.value.record == 2
    errors: list[InputError] = []
    assert len(list(iter_source(params, CORPUS, on_bad=errors.append))) == 2
    assert [e.record for e in errors] == [2]


def test_missing_input_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="assemble.input"):
        list(iter_source(AssembleParams(source="jsonl"), CORPUS))
    with pytest.raises(InputError, match="not found"):
        list(
            iter_source(AssembleParams(source="jsonl", input=str(tmp_path / "nope.jsonl")), CORPUS)
        )
    with pytest.raises(InputError, match="no \\*.jsonl"):
        list(iter_source(AssembleParams(source="jsonl", input=str(tmp_path)), CORPUS))


def test_synthetic_source_is_the_generator():
    assert list(iter_source(AssembleParams(), CORPUS)) == list(generate_corpus(CORPUS))


# --- MIMIC-IV style -------------------------------------------------------------------------
_NOTE_HEADER = "note_id,subject_id,hadm_id,note_type,note_seq,charttime,storetime,text\n"
_DX_HEADER = "subject_id,hadm_id,seq_num,icd_code,icd_version\n"


def _write_mimic(root: Path) -> Path:
    """Made-up rows in the MIMIC-IV-Note/hosp layout: one ICD-9 row, codes without dots."""
    root.mkdir(parents=True, exist_ok=True)
    notes = [
        '10-DS-1,10,100,DS,1,2180-05-06 22:23:00,2180-05-07 00:00:00,"Admitted with chest pain,\n'
        'history of hypertension."',
        "11-DS-1,11,101,DS,1,2181-01-02 10:00:00,,Type 2 diabetes follow-up.",
        "12-DS-1,12,102,DS,1,2182-03-04 09:00:00,,Only ICD-9 coded admission.",
    ]
    (root / "discharge.csv").write_text(_NOTE_HEADER + "\n".join(notes) + "\n", encoding="utf-8")
    dx = ["10,100,2,I10,10", "10,100,1,R079,10", "10,100,3,4019,9", "11,101,1,E119,10"]
    dx.append("12,102,1,25000,9")
    (root / "diagnoses_icd.csv").write_text(_DX_HEADER + "\n".join(dx) + "\n", encoding="utf-8")
    return root


def test_mimic_joins_icd10_codes_on_admission_with_dots(tmp_path):
    errors: list[InputError] = []
    params = AssembleParams(source="mimic", input=str(_write_mimic(tmp_path / "mimic")))
    records = list(iter_source(params, CORPUS, on_bad=errors.append))
    assert [r.note_id for r in records] == ["10-DS-1", "11-DS-1"]
    assert records[0].codes == ["R07.9", "I10"]  # seq_num order, ICD-9 row dropped
    assert records[0].patient_id == "10" and records[0].case_id == "100"
    assert records[0].note_type == "discharge summary" and records[0].note_date == "2180-05-06"
    assert "hypertension" in records[0].text  # quoted multi-line text kept whole
    assert len(errors) == 1 and errors[0].record == "12-DS-1" and errors[0].field == "codes"


def test_mimic_wrong_layout_names_the_missing_file(tmp_path):
    root = _write_mimic(tmp_path / "mimic")
    (root / "diagnoses_icd.csv").unlink()
    with pytest.raises(InputError, match="no diagnoses_icd.csv; expected the MIMIC-IV layout"):
        list(iter_source(AssembleParams(source="mimic", input=str(root)), CORPUS))


def test_mimic_missing_column_is_named(tmp_path):
    root = _write_mimic(tmp_path / "mimic")
    (root / "discharge.csv").write_text("note_id,subject_id,text\n1,2,x\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        list(iter_source(AssembleParams(source="mimic", input=str(root)), CORPUS))
    assert excinfo.value.field == "hadm_id" and excinfo.value.file.endswith("discharge.csv")


# --- generic CSV / Parquet / JSONL with a column mapping ------------------------------------
_MAPPING = {"note_id": "id", "text": "note_text", "codes": "icd_codes", "patient_id": "mrn"}


def _table_rows() -> list[dict]:
    return [
        {"id": "a1", "note_text": "Fever and cough.", "icd_codes": "r509;R05.9", "mrn": "p1"},
        {"id": "a2", "note_text": "   ", "icd_codes": "I10", "mrn": "p2"},
        {"id": "a3", "note_text": "Hypertension.", "icd_codes": "I10", "mrn": "p2"},
    ]


def _tabular(source: str, path: Path, **kwargs) -> AssembleParams:
    return AssembleParams(source=source, input=str(path), columns=_MAPPING, **kwargs)


@pytest.mark.parametrize("source", ["csv", "parquet", "jsonl"])
def test_mapped_columns_stream_records_and_name_bad_rows(source, tmp_path):
    import pandas as pd

    rows, path = _table_rows(), tmp_path / f"notes.{source}"
    if source != "csv":  # Parquet and JSON hold lists natively
        for row in rows:
            row["icd_codes"] = row["icd_codes"].split(";")
    if source == "parquet":
        pd.DataFrame(rows).to_parquet(path)
    elif source == "csv":
        pd.DataFrame(rows).to_csv(path, index=False)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    errors: list[InputError] = []
    params = _tabular(source, path, batch_size=1)
    records = list(iter_source(params, CORPUS, on_bad=errors.append))
    assert [(r.note_id, r.patient_id, r.codes) for r in records] == [
        ("a1", "p1", ["R50.9", "R05.9"]),
        ("a3", "p2", ["I10"]),
    ]
    assert [(e.record, e.field) for e in errors] == [(2, "text")]
    assert errors[0].file == str(path) and "whitespace" in errors[0].problem


@pytest.mark.parametrize("source", ["csv", "parquet"])
def test_missing_mapped_column_names_field_and_column(source, tmp_path):
    import pandas as pd

    path = tmp_path / f"notes.{source}"
    frame = pd.DataFrame(_table_rows()).drop(columns=["icd_codes"])
    frame.to_csv(path, index=False) if source == "csv" else frame.to_parquet(path)
    with pytest.raises(InputError, match="missing column 'icd_codes'") as excinfo:
        list(iter_source(_tabular(source, path), CORPUS))
    assert excinfo.value.field == "codes" and excinfo.value.file == str(path)


def test_csv_that_is_not_utf8_names_the_file(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b"id,note_text,icd_codes,mrn\na1,caf\xe9 au lait spots,L81.3,p1\n")
    with pytest.raises(InputError, match="UTF-8") as excinfo:
        list(iter_source(_tabular("csv", path), CORPUS))
    assert excinfo.value.file == str(path)


def test_unknown_column_mapping_key_is_rejected():
    with pytest.raises(ValueError, match="assemble.columns"):
        AssembleParams(columns={"txt": "note_text"})
