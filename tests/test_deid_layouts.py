"""De-identification of layouts added in the fourth detector round: forms, tables, letters.

Each case is a phrasing that the detector missed before the round (read from the misses of
held-out set D, now a tuning set) or a neighbour of one that must stay untouched.
"""

from __future__ import annotations

import pytest

from clinicode.schema import NoteRecord
from training.deid import Deidentifier
from training.phi.tables import table_spans

KEY = b"test-key-0123456789abcdef"


def _record(text: str) -> NoteRecord:
    return NoteRecord(
        note_id="n1", patient_id="PT1", case_id="c1", text=text, codes=[], identifiers={}
    )


def _detected(text: str) -> dict[str, str]:
    """Detected value -> PHI type."""
    return {text[s.start : s.end]: s.phi_type for s in Deidentifier(KEY).detect(text)}


def _clean(text: str) -> str:
    return Deidentifier(KEY).deidentify(_record(text)).text


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("DATE OF INJURY: Feb-20-2021   TIME: 03:05", "Feb-20-2021", "DATE"),
        ("Interpreted by the lab on Nov/24/24 overnight.", "Nov/24/24", "DATE"),
        ("Itinerary: Kenya; departs 18/7, returns Sep 6", "18/7", "DATE"),
        ("can i come in 12-05? thanks", "12-05", "DATE"),
        ("Spouse, 94, lives at home", "94", "AGE"),
        ("grandmother died at the age of 96.", "96", "AGE"),
        ("SSN: 491.58.9964     DOB: 03/10/50", "491.58.9964", "SSN"),
        ("Caregiver: son, +353 1 332 3065, by email", "+353 1 332 3065", "PHONE"),
        ("Petitioner (brother): +49 30 48287542", "+49 30 48287542", "PHONE"),
        ("Parents' contact: +31 20 933 2190 / email", "+31 20 933 2190", "PHONE"),
        ("MRN on request form is 1743-2255.", "1743-2255", "MRN"),
        ("Name: RAMIREZ, DAVID\tUR\t6287-6533", "6287-6533", "MRN"),
        ("Patient: LE, MINH   MR# 73-449-482   DOB", "73-449-482", "MRN"),
        (
            "Pacemaker serial +H932HHB7/$$3230630SL2; deactivation",
            "+H932HHB7/$$3230630SL2",
            "DEVICE",
        ),
        ("Device S/N SN 64QI22571; nightly data", "SN 64QI22571", "DEVICE"),
        ("Au.D., CCC-A, License EK 531149", "EK 531149", "LICENSE"),
        ("Vehicle towed, plate UY1 5150.", "UY1 5150", "LICENSE"),
        ("by Officer Joe O'Hara, badge #0639, incident", "0639", "ID"),
        ("[portal audit] session U5FH0CFB2W from 10.0.0.1", "U5FH0CFB2W", "ID"),
    ],
)
def test_values_in_new_layouts_are_detected(text: str, value: str, kind: str) -> None:
    found = _detected(text)
    assert found.get(value) == kind, found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Detained at 12:26 by Officer Joe O'Hara, badge #0639.", "Officer Joe O'Hara"),
        ("Patient: Bảo R. Lê   Age: 59", "Bảo R. Lê"),
        ("Met with mother Rika and father James at the bedside.", "Rika"),
        (
            "Caregiver / HCPOA: daughter Karina Buszko-Neubauer, 572.288.0164",
            "Karina Buszko-Neubauer",
        ),
        ("Yours sincerely,\n\nMiki Murakami FRCOphth, Consultant", "Miki Murakami"),
        ("admitted the twentieth of June under Myrcha, Nataniel for CAP.", "Myrcha, Nataniel"),
        ("Nephrologist:\tVân Vũ\tOn call: 555", "Vân Vũ"),
        ("SUPERVISOR: NGỌC TRẦN   PH: 555", "NGỌC TRẦN"),
        ("Law Office of Helena Ollila\n9431 Schmidt Summit", "Helena Ollila"),
    ],
)
def test_names_after_roles_relations_and_closings_are_detected(text: str, name: str) -> None:
    found = _detected(text)
    assert any(name in value and kind == "NAME" for value, kind in found.items()), found


@pytest.mark.parametrize(
    "text",
    [
        "Cheyne-Stokes respiration noted overnight.",
        "Prior BCG (Bacillus Calmette-Guerin) in childhood.",
        "Access: right Hickman line, flushed, good return.",
        "Humphrey visual field 24-2 shows an arcuate defect.",
        "Braden scale 13, turning every 2 hours.",
        "Ortolani and Barlow manoeuvres negative.",
        "A Marcus Gunn pupil was not present.",
        "Guttae in keeping with Fuchs endothelial dystrophy.",
        "Access: left Brescia-Cimino fistula, thrill present.",
        "are my Hashimoto labs back yet?",
        "Jerger type A bilaterally.",
        "Lachman test 2+ with soft end point.",
    ],
)
def test_eponym_phrases_survive(text: str) -> None:
    assert _clean(text) == text


def test_a_drug_code_is_not_an_international_phone() -> None:
    found = _detected("adalimumab 40 mg pen, NDC 0074-0554-02, qty 2 per 28 days")
    assert "PHONE" not in found.values(), found


def test_a_titled_eponym_surname_is_still_replaced() -> None:
    clean = _clean("Seen by Officer Stokes; Cheyne-Stokes respiration noted.")
    assert "Officer Stokes" not in clean and "Cheyne-Stokes respiration" in clean


def test_table_cells_take_the_type_of_their_column() -> None:
    text = (
        "Time  | Agent       | Dose    | Pump S/N   | RN\n"
        "0751  | vinblastine | 6 mg/m2 | 38-0043-BE | G.C.\n"
        "0851  | ondansetron | 8 mg    | n/a        | -\n"
        "\n"
        "Vaccine\tLot\tDate\tSite\tGiven by\n"
        "Rabies (IM)\tAZ362OF\t06NOV26\tR deltoid\tA.D.\n"
        "Test | Result | Units\n"
        "Hb   | 12     | g/dL\n"
    )
    found = [(text[a:b], kind) for a, b, kind in table_spans(text)]
    assert found == [
        ("38-0043-BE", "DEVICE"),
        ("G.C.", "NAME"),
        ("06NOV26", "DATE"),
        ("A.D.", "NAME"),
    ]


def test_a_table_without_phi_headers_gives_nothing() -> None:
    assert table_spans("Time\tBP\tHR\tQb\n06:49\t125/77\t80\t300\n") == []
    assert table_spans("no table here") == []


def test_initials_and_accented_names_are_replaced_whole() -> None:
    text = "Time | Pump S/N | RN\n0751 | 38-0043-BE | G.C.\nRe: Mrs Kristina F. Bùi, DOB 21.05.1996"
    clean = _clean(text)
    assert "G.C." not in clean and "Bùi" not in clean and "ù" not in clean
    assert clean.count("\n") == text.count("\n")


def test_initial_surrogates_are_consistent_within_a_patient() -> None:
    text = "Time | Pump S/N | RN\n0751 | 38-0043-BE | G.C.\n0851 | 38-0043-BF | G.C.\n"
    lines = _clean(text).splitlines()
    assert lines[1].split("|")[-1] == lines[2].split("|")[-1]
