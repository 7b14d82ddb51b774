"""De-identification: nothing known left, consistent surrogates, shifted dates, keyed ids."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from clinicode.config import CorpusParams
from clinicode.errors import ConfigError
from clinicode.schema import NoteRecord
from training.corpus import generate_corpus
from training.deid import (
    DEMO_KEY,
    KEY_ENV,
    KEY_FILE_ENV,
    Deidentifier,
    load_key,
    residual_phi,
)

KEY = b"test-key-0123456789abcdef"
OTHER_KEY = b"another-key-0123456789abc"


def _record(text: str, patient_id: str = "PT1", **identifiers: str) -> NoteRecord:
    return NoteRecord(
        note_id="n1",
        patient_id=patient_id,
        case_id="c1",
        text=text,
        codes=["I10"],
        note_date="2026-03-20",
        identifiers=identifiers,
    )


@pytest.mark.parametrize("drift", [False, True])
def test_no_injected_identifier_survives_on_a_generated_corpus(drift):
    deid = Deidentifier(KEY)
    for record in generate_corpus(CorpusParams(n_patients=30, seed=11, drift=drift)):
        clean = deid.deidentify(record)
        assert residual_phi(record, clean.text) == {}
        assert record.identifiers["mrn"] not in clean.text
        assert record.identifiers["phone"] not in clean.text
        assert clean.identifiers == {}
    assert {"name", "date", "mrn", "phone", "address"} <= set(deid.stats)


def test_surrogate_names_are_consistent_within_a_patient():
    deid = Deidentifier(KEY)
    ids = {"patient_name": "Julia Kowalczyk", "relative_name": "Tomas Kowalczyk"}
    first = deid.deidentify(_record("Julia Kowalczyk seen; Ms. Kowalczyk stable.", **ids))
    second = deid.deidentify(_record("KOWALCZYK, Julia returned.", **ids))
    other = deid.deidentify(_record("Julia Kowalczyk seen.", patient_id="PT2", **ids))
    surname = re.match(r"\w+ (\w+) seen", first.text).group(1)
    assert f"Ms. {surname} stable" in first.text
    assert second.text.startswith(f"{surname.upper()}, ")
    assert "Kowalczyk" not in first.text + second.text
    assert other.text != first.text  # another patient, other surrogates


def test_date_shift_keeps_the_interval_and_the_formats():
    deid = Deidentifier(KEY)
    record = _record("Admitted 03/14/2026 and discharged March 20, 2026 (seen 2026-03-16).")
    clean = deid.deidentify(record)
    match = re.fullmatch(
        r"Admitted (\d\d)/(\d\d)/(\d{4}) and discharged ([A-Z][a-z]+) (\d{1,2}), (\d{4}) "
        r"\(seen (\d{4}-\d\d-\d\d)\)\.",
        clean.text,
    )
    assert match, "formats must be kept"
    admitted = date(int(match[3]), int(match[1]), int(match[2]))
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    discharged = date(int(match[6]), months.index(match[4]) + 1, int(match[5]))
    shift = timedelta(days=deid.date_offset("PT1"))
    assert shift and (discharged - admitted).days == 6
    assert admitted == date(2026, 3, 14) + shift
    assert date.fromisoformat(match[7]) == date(2026, 3, 16) + shift
    assert date.fromisoformat(clean.note_date) == date(2026, 3, 20) + shift


@pytest.mark.parametrize(
    "written",
    [
        "03/14/2024",
        "3/4/24",
        "2024-03-14",
        "14.03.2024",
        "March 14, 2024",
        "14 Mar 2024",
        "Mar 14, 2024",
        "14th March 2024",
        "03-14-2024",
    ],
)
def test_each_date_format_is_shifted(written):
    clean = Deidentifier(KEY).deidentify(_record(f"Seen on {written}."))
    assert written not in clean.text
    assert clean.text.startswith("Seen on ") and re.search(r"\d", clean.text)


def test_medical_eponyms_survive_even_when_the_patient_shares_the_name():
    text = (
        "Ms. Wilson has Wilson disease, Parkinson's disease, Crohn's disease, Hodgkin "
        "lymphoma and Graves disease. Wilson called back."
    )
    clean = Deidentifier(KEY).deidentify(_record(text, patient_name="Anna Wilson"))
    for eponym in (
        "Wilson disease",
        "Parkinson's disease",
        "Crohn's disease",
        "Hodgkin lymphoma",
        "Graves disease",
    ):
        assert eponym in clean.text
    assert not clean.text.startswith("Ms. Wilson") and "Wilson called" not in clean.text


@pytest.mark.parametrize(
    ("text", "leaked", "kind"),
    [
        ("SSN 536-22-1234 on file.", "536-22-1234", "ssn"),
        ("Call (415) 555-0182 today.", "555-0182", "phone"),
        ("Mail jane.roe@example.org today.", "jane.roe", "email"),
        ("Portal https://portal.example.org/u/8812 today.", "portal.example", "url"),
        ("MRN: 00481516 on file.", "00481516", "mrn"),
        ("Lives in Springfield, IL 62704 area.", "62704", "zip"),
        ("Seen by Dr. Okonkwo today.", "Okonkwo", "name"),
    ],
)
def test_patterns_are_caught_without_known_identifiers(text, leaked, kind):
    deid = Deidentifier(KEY)
    clean = deid.deidentify(_record(text))
    assert leaked not in clean.text
    assert deid.stats[kind] == 1


def test_pseudonyms_are_stable_and_depend_on_the_key():
    record = _record("Nothing to hide.")
    one, again = Deidentifier(KEY).deidentify(record), Deidentifier(KEY).deidentify(record)
    other = Deidentifier(OTHER_KEY).deidentify(record)
    assert one.patient_id == again.patient_id and one.case_id == again.case_id
    assert re.fullmatch(r"P-[0-9a-f]{16}", one.patient_id)
    assert re.fullmatch(r"C-[0-9a-f]{16}", one.case_id)
    assert other.patient_id != one.patient_id and "PT1" not in one.patient_id


def test_date_offsets_are_never_zero_and_bounded():
    deid = Deidentifier(KEY)
    offsets = [deid.date_offset(f"PT{i}") for i in range(400)]
    assert 0 not in offsets and all(-180 <= o <= 180 for o in offsets)
    assert len(set(offsets)) > 100


def test_residual_phi_counts_types_not_values():
    record = _record("x", patient_name="Julia Kowalczyk", ssn="536-22-1234")
    found = residual_phi(record, "Kowalczyk left; SSN 536-22-1234.")
    assert found == {"patient_name": 1, "ssn": 1, "ssn_pattern": 1}


def test_load_key_from_env_and_file(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, KEY.decode())
    assert load_key(allow_demo_key=False) == KEY
    monkeypatch.delenv(KEY_ENV)
    key_file = tmp_path / "deid.key"
    key_file.write_bytes(OTHER_KEY + b"\n")
    monkeypatch.setenv(KEY_FILE_ENV, str(key_file))
    assert load_key(allow_demo_key=False) == OTHER_KEY


def test_load_key_refuses_missing_demo_and_short_keys(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(ConfigError, match=KEY_ENV):
        load_key(allow_demo_key=False)
    assert load_key(allow_demo_key=True) == DEMO_KEY
    monkeypatch.setenv(KEY_ENV, DEMO_KEY.decode())
    with pytest.raises(ConfigError, match="demo key"):
        load_key(allow_demo_key=False)
    monkeypatch.setenv(KEY_ENV, "short-secret")
    with pytest.raises(ConfigError) as excinfo:
        load_key(allow_demo_key=False)
    assert "short-secret" not in str(excinfo.value)
