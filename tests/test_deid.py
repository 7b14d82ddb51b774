"""De-identification: nothing known left, consistent surrogates, shifted dates, keyed ids."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest

from clinicode.config import CorpusParams
from clinicode.errors import ConfigError, DataValidationError, InputError
from clinicode.schema import NoteRecord
from training.corpus import generate_corpus
from training.deid import (
    DEMO_KEY,
    KEY_ENV,
    KEY_FILE_ENV,
    PHI_REGEXES,
    Deidentifier,
    deidentify_jsonl,
    load_key,
    residual_phi,
)
from training.phi.synth import generate_annotated
from training.phi.types import MONTHS

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
    discharged = date(int(match[6]), MONTHS.index(match[4]) + 1, int(match[5]))
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
    "instrument",
    [
        "Glasgow Coma Scale 14",
        "Hamilton Depression Rating Scale score 18",
        "Richmond Agitation-Sedation Scale -2",
        "Morse Fall Scale 45",
        "Child-Pugh class B",
        "Killip class II",
        "Clark level III",
        "Roux-en-Y gastric bypass",
        "Beck Depression Inventory",
    ],
)
def test_named_scales_and_tests_survive(instrument):
    text = f"Assessment: {instrument}. Plan reviewed."
    assert Deidentifier(KEY).detect(text) == []


def test_a_titled_surname_before_an_instrument_word_is_still_a_name():
    text = "Mrs. Hamilton Scale reviewed; Dr. Clark level with the bed."
    found = {text[s.start : s.end] for s in Deidentifier(KEY).detect(text)}
    assert {"Hamilton", "Clark"} <= {word for span in found for word in span.split()}


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
        ("Daughter reachable on +44 (0)161 555 0142.", "555 0142", "phone"),
        ("Bleep 442-7781 if worse.", "442-7781", "phone"),
        ("Lives at 4 Mill Lane, Hebden, HX7 8AB.", "HX7 8AB", "zip"),
        ("Implant UDI (01)00643169007222(17)280101(21)7731 logged.", "00643169007222", "device"),
        ("Prescriber DEA AB1234563 on the script.", "AB1234563", "license"),
        ("Refill Rx4417290 sent.", "4417290", "id"),
        ("Ref 88120456 in the letter.", "88120456", "id"),
        ("AGE: 97y  SEX: F", "97y", "age"),
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


def test_ages_over_89_become_their_class_and_younger_ages_stay():
    clean = Deidentifier(KEY).deidentify(_record("A 97-year-old seen with a 45 year old son."))
    assert clean.text == "A 90+-year-old seen with a 45 year old son."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pt is aged 90 and frail.", "Pt is aged 90+ and frail."),
        ("this 90 yo man", "this 90+ yo man"),
        ("She is ninety-one years old.", "She is 90+ years old."),
    ],
)
def test_every_age_over_89_becomes_the_90_plus_class(text, expected):
    # "90+" says only "90 or older", in digits or words alike: no bare age number remains.
    clean = Deidentifier(KEY).deidentify(_record(text))
    assert clean.text == expected
    assert re.search(r"(?<!\w)9\d(?![\w+])", clean.text) is None


def test_structured_surrogates_are_realistic_and_pass_the_gate():
    text = (
        "MRN: 00481516. Call (415) 208-7731 or jane.roe@hotmail.com. SSN 536-22-1234. "
        "Portal https://mychart.lakeshore.org/u/1. Host 10.1.2.3."
    )
    record = _record(text, mrn="00481516", phone="(415) 208-7731")
    clean = Deidentifier(KEY).deidentify(record)
    assert re.search(r"MRN: S\d{8}\. Call \(\d{3}\) 555-01\d\d or \w+\.\w+@example\.", clean.text)
    assert re.search(r"SSN 9\d\d-\d\d-\d{4}", clean.text)
    assert re.search(r"(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+", clean.text)
    assert residual_phi(record, clean.text) == {}
    # The same patterns still flag real values: only the reserved ranges are skipped.
    assert all(re.search(regex, text) for regex in PHI_REGEXES.values())


def test_surrogates_are_consistent_within_a_patient_across_notes():
    deid = Deidentifier(KEY)
    one = deid.deidentify(_record("Seen at Lakeshore Memorial Hospital; call 415-208-7731."))
    two = deid.deidentify(_record("Back to Lakeshore Memorial Hospital, 415-208-7731."))
    assert one.text.split("at ")[1].split(";")[0] == two.text.split("to ")[1].split(",")[0]
    assert one.text[-13:-1] == two.text[-13:-1]


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _jsonl_rows():
    notes = generate_annotated(4, seed=5, families=["telephone_encounter", "consult_note"])
    return [
        {"id": f"n{i}", "text": n.text, "specialty": "neuro", **n.identifiers,
         "patient_id": "PT9", "birth_date": "1931-02-11"}
        for i, n in enumerate(notes)
    ]  # fmt: skip


def test_deidentify_jsonl_replaces_text_drops_identifiers_and_logs_no_values(tmp_path, caplog):
    rows = _jsonl_rows()
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_jsonl(source, rows)
    caplog.set_level(logging.DEBUG)
    counts = deidentify_jsonl(source, target, Deidentifier(KEY), progress=False)
    out = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == [r["id"] for r in rows]
    assert all(set(r) == {"id", "text", "specialty"} for r in out)
    assert counts["name"] > 0 and counts["date"] > 0
    logged = caplog.text
    for row in rows:
        for field in ("patient_name", "mrn", "phone"):
            assert row[field] not in logged and row[field] not in "".join(r["text"] for r in out)
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temp file left behind


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ("{not json", "line 2"),
        ('{"text": "x"}', "field 'id'"),
        ('{"id": "a", "text": 5}', "field 'text'"),
        ('{"id": "a", "text": "x", "mrn": ["00481516"]}', "field 'mrn'"),
    ],
)
def test_bad_jsonl_names_file_line_and_field(tmp_path, line, where):
    source = tmp_path / "bad.jsonl"
    source.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        deidentify_jsonl(source, tmp_path / "out.jsonl", Deidentifier(KEY), progress=False)
    message = str(excinfo.value)
    assert "bad.jsonl" in message and "line 2" in message and where in message
    assert "00481516" not in message and not (tmp_path / "out.jsonl").exists()


def test_residual_gate_blocks_writing(tmp_path, monkeypatch):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_jsonl(source, [{"id": 1, "text": "Patient Quincy seen.", "patient_name": "Quincy"}])
    monkeypatch.setattr("training.deid._splice", lambda text, spans: text)  # a broken replacer
    with pytest.raises(DataValidationError, match="patient_name"):
        deidentify_jsonl(source, target, Deidentifier(KEY), progress=False)
    assert not target.exists()


def test_deid_command_runs_end_to_end(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_jsonl(source, _jsonl_rows()[:2])
    env = {**os.environ, KEY_ENV: KEY.decode(), "CLINICODE_HOME": str(tmp_path)}
    env.pop(KEY_FILE_ENV, None)
    done = subprocess.run(
        [sys.executable, "-m", "clinicode.cli", "deid", str(source), str(target)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"name"' in done.stdout and len(target.read_text().splitlines()) == 2
    assert _jsonl_rows()[0]["patient_name"] not in done.stdout + done.stderr


def test_a_surrogate_that_equals_the_real_city_is_redrawn(monkeypatch):
    # Faker's city space is small: force the first draws to return the patient's real city.
    from faker import Faker

    real_city = "West Christopher"
    draws = iter([real_city, real_city, "Lake Maria"])
    monkeypatch.setattr(Faker, "city", lambda self: next(draws, "Port Ruth"), raising=False)
    address = f"202 Diaz Gardens, {real_city}, MH 80841"
    record = NoteRecord(
        note_id="n1",
        patient_id="p1",
        case_id="c1",
        codes=["I10"],
        text=f"Lives at {address} with her son.",
        identifiers={"address": address},
    )
    out = Deidentifier(DEMO_KEY).deidentify(record)
    assert real_city not in out.text
    assert sum(residual_phi(record, out.text).values()) == 0


# Rules added for note families the first rule set missed (dates, labels, names, facilities).
def _detected(text: str) -> list[str]:
    """Detected spans of ``text`` as strings (no known identifiers)."""
    return [text[s.start : s.end] for s in Deidentifier(KEY).detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Consented Thursday 5 September 2024 in clinic.", "Thursday 5 September 2024"),
        ("Delivered on 31/08/2025 at term.", "31/08/2025"),
        ("Surgery on 2025/11/10 went well.", "2025/11/10"),
        ("EDD by Naegele 20260616, confirmed.", "20260616"),
        ("Next appt Wed 01/10 with the midwife.", "Wed 01/10"),
        ("Scan seen 15.07.24 15:35 by the team.", "15.07.24"),
        ("Arthroscopy on 5 Dec under GA.", "5 Dec"),
        ("Dating scan Dec 2025, confirmed.", "Dec 2025"),
        ("Admitted 12.IV.2023 from home.", "12.IV.2023"),
        ("Seen on the fifth of March by the nurse.", "the fifth of March"),
    ],
)
def test_new_date_formats_are_detected_and_shifted(text: str, value: str) -> None:
    assert value in _detected(text)
    clean = Deidentifier(KEY).deidentify(_record(text)).text
    assert value not in clean and "[DATE]" not in clean


def test_a_weekday_is_rewritten_to_match_the_shifted_date() -> None:
    clean = Deidentifier(KEY).deidentify(_record("Seen Thursday 5 September 2024.")).text
    match = re.search(r"Seen (\w+) (\d+) (\w+) (\d{4})\.", clean)
    assert match, clean
    shifted = date(int(match[4]), MONTHS.index(match[3]) + 1, int(match[2]))
    assert shifted.strftime("%A") == match[1]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("SSN (last 4) - 0496 on file.", "0496"),
        ("SSN collected for stipend (W-9): 114-211135", "114-211135"),
        ("Images at aldercreek.com/micro/HZ06998 today.", "aldercreek.com/micro/HZ06998"),
        ("Logged at workstation 2001:db8::79f3:86ff:5caf today.", "2001:db8::79f3:86ff:5caf"),
        ("Acc# C80-516993  Specimen received.", "C80-516993"),
        ("Group # - GRP-50316 on the card.", "GRP-50316"),
        ("State lic. 8659  DEA PH2123536", "8659"),
        ("Medical licence MD.5700451 on file.", "MD.5700451"),
        ("Paramedic #EMT-P 963817 on scene.", "EMT-P 963817"),
        ("Prior bx S24-37215 reviewed.", "S24-37215"),
        ("Pump | PJN995781H | implanted", "PJN995781H"),
    ],
)
def test_label_cued_and_shaped_identifiers_are_detected(text: str, value: str) -> None:
    assert any(value in found for found in _detected(text))


@pytest.mark.parametrize(
    "text",
    [
        "BGL 171 mg/dL. 12-lead sinus 99.",  # "dL" is a unit, not a driver licence label
        "Started at 10:30:45 and stopped.",  # a clock time is no IPv6 address
        "Dx E11.9 and I10; K50 in remission.",  # ICD-10 codes
        "BP 132/84, pain 4/10, 5/5 strength.",
    ],
)
def test_clinical_values_are_not_identifiers(text: str) -> None:
    # Rules only: the token tagger is a statistical model with its own false-positive rate.
    hits = Deidentifier(KEY).detect_raw(text)
    assert [text[a:b] for a, b, _, from_tagger in hits if not from_tagger] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Pt: FLORES, Joseph   MRN 4466136", "FLORES, Joseph"),
        ("CREW: COSTANTINO LEONE, EMT-B on scene", "COSTANTINO LEONE"),
        ("Kind regards, Henderson, Patricia, BDS", "Henderson, Patricia"),
        ("Seen by Dr. van de Kooij today.", "van de Kooij"),
        ("Sra. María López attended.", "María López"),
        ("Screening no. 337   Initials: AS", "AS"),
        ("Booked by Brandy W.", "Brandy W."),
    ],
)
def test_names_in_more_layouts_are_detected_whole(text: str, name: str) -> None:
    assert name in _detected(text)


@pytest.mark.parametrize(
    ("text", "facility"),
    [
        (
            "Transported to Copper Valley Regional Hospital, stable.",
            "Copper Valley Regional Hospital",
        ),
        ("LOG - Old Mill Wound & Hyperbaric Center", "Old Mill Wound & Hyperbaric Center"),
        ("Harborview Visiting Nurse Association visit", "Harborview Visiting Nurse Association"),
    ],
)
def test_facilities_are_found_by_their_suffix(text: str, facility: str) -> None:
    assert facility in _detected(text)


def test_a_service_is_not_a_facility() -> None:
    from training.phi.lexical import lexical_spans
    from training.phi.tagger import TokenTagger, name_lexicon

    text = "Moved to the Intensive Care Unit, then Copper Valley Regional Hospital."
    found = [text[a:b] for a, b, _ in lexical_spans(text, TokenTagger().vocab, name_lexicon())]
    assert found == ["Copper Valley Regional Hospital"]


@pytest.mark.parametrize(
    ("text", "keep"),
    [
        ("Occasional Braxton Hicks contractions noted.", "Braxton Hicks contractions"),
        ("Antalgic Trendelenburg gait on the left.", "Trendelenburg gait"),
        ("Hold Eliquis (apixaban) pending surgery.", "Eliquis"),
        ("AF on Plavix, CKD 3.", "Plavix"),
    ],
)
def test_eponyms_and_brand_drugs_are_kept(text: str, keep: str) -> None:
    clean = Deidentifier(KEY).deidentify(_record(text)).text
    assert keep in clean


def test_a_titled_eponym_surname_is_still_a_name() -> None:
    clean = Deidentifier(KEY).deidentify(_record("Mr. Graves has Graves disease.")).text
    assert clean.startswith("Mr. ") and "Mr. Graves" not in clean and "Graves disease" in clean


def test_a_known_value_does_not_cut_a_longer_detection_short() -> None:
    text = "Mobile: +1-212-813-7783 after 5pm."
    spans = Deidentifier(KEY).detect(text, {"phone": "212-813-7783"})
    assert [text[s.start : s.end] for s in spans] == ["+1-212-813-7783"]
