"""PHI detection: each type and date format, eponyms, site lists, the tagger and the families."""

from __future__ import annotations

import re

import numpy as np
import pytest

from clinicode.config import DeidParams
from training.deid import Deidentifier
from training.phi.evaluate import score_spans
from training.phi.synth import FAMILIES, SELF_HELD_OUT, generate_annotated
from training.phi.tagger import TokenTagger, train_tagger
from training.phi.types import PHI_TYPES

KEY = b"test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def deid(tmp_path_factory) -> Deidentifier:
    return Deidentifier(KEY, DeidParams(cache_dir=str(tmp_path_factory.getbasetemp() / "deid")))


def _types(deid: Deidentifier, text: str) -> dict[str, str]:
    return {text[s.start : s.end]: s.phi_type for s in deid.detect(text)}


@pytest.mark.parametrize(
    ("text", "value", "phi_type"),
    [
        ("Seen by Dr. Okonkwo today.", "Okonkwo", "NAME"),
        ("Spoke with Mrs. Adaeze Nwosu at bedside.", "Adaeze Nwosu", "NAME"),
        ("Note by Priya Raman, MD after rounds.", "Priya Raman", "NAME"),
        ("Pt is a 94-year-old woman.", "94", "AGE"),
        ("Call (415) 555-0182 today.", "(415) 555-0182", "PHONE"),
        ("Fax 415.208.7731 now.", "415.208.7731", "PHONE"),
        ("Mail jane.roe@hotmail.com today.", "jane.roe@hotmail.com", "EMAIL"),
        ("SSN 536-22-1234 on file.", "536-22-1234", "SSN"),
        ("MRN: 00481516 on file.", "00481516", "MRN"),
        ("Account #: A123456789 billed.", "A123456789", "ID"),
        ("ACCESSION: S24-18832 received.", "S24-18832", "ID"),
        ("Lives at 42 Maple Street, Salem, OR 97301.", "42 Maple Street", "ADDRESS"),
        ("Lives at 42 Maple Street, Salem, OR 97301.", "Salem", "CITY"),
        ("Lives at 42 Maple Street, Salem, OR 97301.", "97301", "ZIP"),
        ("Portal https://mychart.lakeshore.org/u/8812 today.", None, "URL"),
        ("Workstation 10.20.4.117 logged.", "10.20.4.117", "IP"),
        ("Pump serial ZGE078666 checked.", "ZGE078666", "DEVICE"),
        ("Prescriber DEA AB1234563 on file.", "AB1234563", "LICENSE"),
        ("Transferred from Lakeshore Memorial Hospital yesterday.", None, "FACILITY"),
    ],
)
def test_each_phi_type_is_detected(deid, text, value, phi_type):
    found = _types(deid, text)
    if value is None:
        assert phi_type in found.values()
    else:
        assert found.get(value) == phi_type


@pytest.mark.parametrize(
    "written",
    [
        "03/14/2024",
        "14.03.2024",
        "2024-03-14",
        "March 14th",
        "14-Mar-24",
        "the 3rd of May",
        "March 14, 2024",
        "Mar 14",
        "3/14/24",
        "14 March 2024",
    ],
)
def test_each_date_format_is_detected_whole(deid, written):
    assert _types(deid, f"Follow up on {written} in clinic.").get(written) == "DATE"


def test_not_phi_blood_pressure_pain_score_and_icd_codes(deid):
    text = "BP 168/94, pain 4/10, oriented x3. Dx K50.90 and I10. May need Lasix."
    assert deid.detect(text) == []


@pytest.mark.parametrize(
    "eponym",
    ["Parkinson disease", "Crohn's disease", "Hodgkin lymphoma", "Babinski sign", "Graves disease"],
)
def test_eponyms_are_not_names(deid, eponym):
    text = f"History of {eponym}. Mr. Graves is stable."
    spans = deid.detect(text)
    start = text.index(eponym)
    assert not any(s.start < start + len(eponym) and start < s.end for s in spans)
    assert _types(deid, text).get("Graves") == "NAME"


def test_site_lists_catch_what_rules_miss(tmp_path):
    staff, facilities = tmp_path / "staff.txt", tmp_path / "facilities.txt"
    staff.write_text("# staff of the site\nZebulon Quackenbush\n", encoding="utf-8")
    facilities.write_text("Harborview Annex\n", encoding="utf-8")
    params = DeidParams(
        cache_dir=str(tmp_path / "cache"), tagger=None,
        staff_names=str(staff), facility_names=str(facilities),
    )  # fmt: skip
    text = "seen with quackenbush; zebulon quackenbush paged. Quackenbush to Harborview Annex."
    found = _types(Deidentifier(KEY, params), text)
    assert found.get("Quackenbush") == "NAME" and found.get("Harborview Annex") == "FACILITY"
    assert "quackenbush" not in found  # site lists are case-sensitive on purpose


def test_generator_covers_families_types_and_eponyms():
    notes = generate_annotated(len(FAMILIES) * 3, seed=3)
    assert len(FAMILIES) >= 8 and {n.family for n in notes} == set(FAMILIES)
    types = {s.phi_type for n in notes for s in n.spans}
    assert types == set(PHI_TYPES)
    assert sum(bool(n.keep_spans) for n in notes) >= 0.8 * len(notes)
    assert generate_annotated(5, seed=3)[4].text == notes[4].text  # seeded
    with pytest.raises(ValueError, match="unknown note families"):
        generate_annotated(1, families=["held_out_family"])


def test_tagger_trains_saves_and_loads_without_pickle(tmp_path):
    notes = generate_annotated(30, seed=21)
    path = train_tagger(notes, tmp_path / "tagger.npz", vocabulary=["history", "patient"])
    with np.load(path, allow_pickle=False) as data:
        assert data["weights"].dtype == np.float16
    tagger = TokenTagger(path)
    text = "Report given to Melinda Clayton, RN. Pt's daughter Bernadette visited."
    names = {text[s.start : s.end] for s, _ in tagger.predict(text) if s.phi_type == "NAME"}
    assert "Melinda Clayton" in names


def test_detection_on_tuning_families_meets_floor(deid):
    notes = generate_annotated(40, seed=77)
    scores = score_spans(notes, [deid.detect(n.text) for n in notes])
    assert scores["eponyms_kept"] == 1.0
    for phi_type in ("DATE", "PHONE", "EMAIL", "SSN", "MRN", "URL"):
        assert scores["recall"][phi_type] == 1.0, phi_type
    assert scores["recall"]["NAME"] >= 0.95


@pytest.mark.parametrize(
    ("text", "value", "phi_type"),
    [
        # names: surname-first capitals, initials in sign-offs, lower-case dictation, relatives
        ("Chart reviewed for OYELARAN, TEMITOPE before the visit.", "OYELARAN, TEMITOPE", "NAME"),
        ("Thanks for the referral.\n-- R. Vandermeer", "R. Vandermeer", "NAME"),
        ("reviewed with dr przybylski this morning", "przybylski", "NAME"),
        ("Her son Leopold drove her in today.", "Leopold", "NAME"),
        # record numbers in any label style
        ("Badge No. 40917 scanned at entry.", "40917", "ID"),
        ("Beneficiary Number: 7QW3-RT5-ZZ81 verified.", "7QW3-RT5-ZZ81", "ID"),
        ("Requisition #: Q3390127 sent.", "Q3390127", "ID"),
        # phones: bare after a label, 1-800 form, extensions
        ("Mobile 6175550143 preferred.", "6175550143", "PHONE"),
        ("Helpline 1-800-334-9127 open late.", "1-800-334-9127", "PHONE"),
        ("Desk 312-448-2290 ext. 415 after noon.", "312-448-2290 ext. 415", "PHONE"),
        # SSN variants after a label
        ("Social security number 612 48 3307 on the form.", "612 48 3307", "SSN"),
        ("SSN: 612483307 copied.", "612483307", "SSN"),
        # licences
        ("Driver's license #: W4471093 checked.", "W4471093", "LICENSE"),
        ("DL S530-4127-8812 scanned.", "S530-4127-8812", "LICENSE"),
        # dates: compact, bare month/day after a cue word
        ("Collected 09OCT2023 at noon.", "09OCT2023", "DATE"),
        ("Next appt 17Feb2025 confirmed.", "17Feb2025", "DATE"),
        ("Was admitted 3/10 with a fall.", "3/10", "DATE"),
        # spelled-out ages over 89
        ("A ninety-three-year-old woman.", "ninety-three", "AGE"),
        ("He is one hundred and two years old.", "one hundred and two", "AGE"),
        # facilities without the usual suffixes
        ("Transferred from Quarrybend Hospice overnight.", "Quarrybend Hospice", "FACILITY"),
        ("Records faxed to St. Brigid's this morning.", "St. Brigid's", "FACILITY"),
    ],
)
def test_new_phrasings_are_detected(deid, text, value, phi_type):
    found = _types(deid, text)
    assert any(value in span and found[span] == phi_type for span in found), (value, found)


@pytest.mark.parametrize(
    "text",
    [
        "Specimen labelled and sent. Consent signed. Spanish interpreter present.",
        "Subscriber information updated. Glucometer teaching done.",
        "Seen with LCSW and RN; PA-C to follow up.",
        "Pain 3/10 today; strength 5/5; 2/6 murmur; take 1/2 tab.",
        "Ninety minutes of counselling; ninety percent adherence.",
        "Reference range 135-145. St. John's wort stopped.",
    ],
)
def test_ordinary_words_scores_and_fractions_are_not_phi(deid, text):
    assert deid.detect(text) == [], _types(deid, text)


def test_all_caps_and_lower_case_notes_keep_eponyms(deid):
    text = "HX OF PARKINSON DISEASE. mr graves has crohn's disease and graves disease."
    found = _types(deid, text)
    assert "graves" in found and found["graves"] == "NAME"
    for eponym in ("PARKINSON DISEASE", "crohn's disease", "graves disease"):
        start = text.index(eponym)
        assert not any(s.start < start + len(eponym) and start < s.end for s in deid.detect(text))


def test_compact_and_lower_case_dates_shift_in_their_format():
    deid = Deidentifier(KEY)
    out = deid.deidentify_text("Collected 09OCT2023; seen 22-dec-18.", "PT9")
    assert "09OCT2023" not in out and "22-dec-18" not in out
    assert re.search(r"Collected \d\d[A-Z]{3}20\d\d;", out) and re.search(r"\d+-[a-z]{3}-\d\d", out)


def test_generator_writes_whole_notes_in_one_case_and_exact_spans():
    notes = generate_annotated(len(FAMILIES), seed=4)
    by_family = {n.family: n for n in notes}
    assert by_family["fax_cover"].text.isupper() or not any(
        c.islower() for c in by_family["fax_cover"].text if c.isascii()
    )
    assert not any(c.isupper() for c in by_family["dictation_transcript"].text if c.isascii())
    for note in notes:
        for span in note.spans:
            value = note.text[span.start : span.end]
            assert value == value.strip() and value, (note.family, span)
    assert set(SELF_HELD_OUT) < set(FAMILIES)


def test_tagger_tokenizes_accented_names_and_smooths_neighbours(tmp_path):
    from training.phi.tagger import tokenize

    assert [t for _, _, t in tokenize("Óliver Peña-Núñez")] == ["Óliver", "Peña", "-", "Núñez"]
    tagger = TokenTagger()
    text = "Handoff from B. Ridderhof to Sarah Peña, RN."
    names = {text[s.start : s.end] for s, _ in tagger.predict(text) if s.phi_type == "NAME"}
    assert "Sarah Peña" in names


@pytest.mark.parametrize(
    ("text", "value", "phi_type"),
    [
        # a form label after a name is no eponym head ("chart" in "Bell chart")
        ("Bell, David   Chart #08323762   Encounter 5", "Bell, David", "NAME"),
        ("Client: Martinez, Michael   Chart #2620263", "Martinez, Michael", "NAME"),
        # a role in brackets after a surname is no generic drug name
        ("Message routed to Dickerson (attending).", "Dickerson", "NAME"),
        # initials of the person spoken to
        ("Spoke w/ S.R. directly, confirms dob.", "S.R.", "NAME"),
        ("spoke w/ BA directly about results.", "BA", "NAME"),
        # street words in the plural and the flat number after them
        ("Lives at 250 Decker Coves Apt. 483, Lake Kimberly, ID 68556.", "Apt. 483", "ADDRESS"),
        # UK addresses split over lines: flat, street, town, postcode
        ("Practice\nFlat 54X\nAmanda Pine\nArmstrongborough\nB7 1TT\n", "Amanda Pine", "ADDRESS"),
        ("Practice\nFlat 54X\nAmanda Pine\nArmstrongborough\nB7 1TT\n", "Flat 54X", "ADDRESS"),
        ("Practice\nFlat 54X\nAmanda Pine\nArmstrongborough\nB7 1TT\n", "Armstrongborough", "CITY"),
    ],
)
def test_rules_added_for_names_and_addresses(deid, text, value, phi_type):
    found = _types(deid, text)
    assert any(value in span and found[span] == phi_type for span in found), (value, found)


@pytest.mark.parametrize(
    ("text", "is_drug"),
    [
        ("Eliquis (apixaban)", True),
        ("Zestoretic (lisinopril/HCTZ)", True),
        ("Okafor (daughter)", False),
        ("Dickerson (attending)", False),
        ("Ramos (interpreter)", False),
    ],
)
def test_brand_rule_needs_a_generic_drug_name_in_brackets(text, is_drug):
    from training.deid import _drug_name

    assert _drug_name(text, 0, text.index(" ")) is is_drug


def test_a_street_number_is_not_cut_by_a_surname_first_name_reading(deid):
    text = "IMAGING\n6764 Renee Mountain, West David, PA 68743\n"
    found = _types(deid, text)
    assert found.get("6764 Renee Mountain") == "ADDRESS", found


@pytest.mark.parametrize(
    "text",
    [
        "Started Eliquis (apixaban) and Keppra (levetiracetam) today.",
        "Hx of Wilson disease, Bell's palsy and Parkinson's disease.",
        "Spoke with ED charge nurse; discussed with ICU team.",
    ],
)
def test_brands_eponyms_and_departments_stay(deid, text):
    assert deid.detect(text) == [], _types(deid, text)


def test_layout_families_vary_name_forms_and_mark_negatives():
    from training.phi.synth import LAYOUT_FAMILIES, styled_name

    notes = generate_annotated(len(LAYOUT_FAMILIES) * 4, seed=5, families=list(LAYOUT_FAMILIES))
    names = [n.text[s.start : s.end] for n in notes for s in n.spans if s.phi_type == "NAME"]
    assert any("," in x for x in names) and any(x.isupper() for x in names)
    assert any(x.islower() for x in names) and any(". " in x for x in names)
    uk = [n for n in notes if n.family == "uk_letter"]
    assert any(
        "\n" in n.text[s.start : s.end] for n in uk for s in n.spans if s.phi_type == "ADDRESS"
    )
    # negatives ("Intensive Care Unit", "Denies", brands) are text, never spans
    for note in notes:
        for span in note.spans:
            assert note.text[span.start : span.end] not in {"Denies", "Dx", "Intensive Care Unit"}
    assert callable(styled_name)


def test_packaged_tagger_does_not_flag_clinical_capitalised_words():
    tagger = TokenTagger()
    text = "Dx: pneumonia. Denies chest pain. Seen in clinic. Transferred to Intensive Care Unit."
    assert [text[s.start : s.end] for s, _ in tagger.predict(text)] == []


def test_a_short_date_after_a_visit_to_a_named_place_is_a_date(deid):
    text = "Pt was seen at Downs Pediatrics 4/10 for follow-up. Pain 4/10."
    found = [(text[s.start : s.end], s.start) for s in deid.detect(text) if s.phi_type == "DATE"]
    assert found == [("4/10", text.index("4/10"))]


@pytest.mark.parametrize(
    ("text", "value", "phi_type"),
    [
        # a facility named "... Skilled Nursing Facility" and a saint's name before a practice
        ("Discharged to Brookhaven Skilled Nursing Facility today.", "Brookhaven", "FACILITY"),
        ("Seen at St. Aidan's Orthopedic Associates on Monday.", "St. Aidan's", "FACILITY"),
        ("VIDEO VISIT\nHollowmere Family Medicine\nLink sent.", "Hollowmere", "FACILITY"),
        # a name cut at a particle, and a particle before a surname-first name
        ("Her partner Joost van der Wiel in 2023.", "van der Wiel", "NAME"),
        ("Apologies: van Dam, Selena\nCase 2", "van Dam, Selena", "NAME"),
        # an initial before a credentialed name; a role word, then a name with a credential
        ("Photo by T. Okafor, RN, CWON at bedside.", "T. Okafor", "NAME"),
        ("PI: Dr Hana Wirth; CRC Tomas Lindqvist, CCRP", "Tomas Lindqvist", "NAME"),
        # surnames before their ten-digit NPIs in a list
        ("Prescriber NPI: Halloran 1234567893; Quist 1987654321.", "Quist", "NAME"),
        # a relative named before their relation in brackets
        ("Informant: Petra Ulm (daughter).", "Petra Ulm", "NAME"),
        ("Insurance: plan A, subscriber Ó Brolcháin, Aoife, ID 55.", "Ó Brolcháin, Aoife", "NAME"),
        # an address in capitals, and a ZIP+4 after a known address
        (
            "PICKUP: 77 ORCHARD HILL ROAD, SUITE 4; CALLER",
            "77 ORCHARD HILL ROAD, SUITE 4",
            "ADDRESS",
        ),
    ],
)
def test_rules_for_listed_misses(deid, text, value, phi_type):
    found = _types(deid, text)
    assert any(value in span and found[span] == phi_type for span in found), (value, found)


def test_zip_plus_four_is_covered_after_a_known_address(deid):
    text = "Home: 12 Elm Court, Dover, DE 19901-2233. Next line."
    spans = deid.detect(text, {"address": "12 Elm Court, Dover, DE 19901"})
    assert any(text[s.start : s.end].endswith("19901-2233") for s in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "Referred to Nuclear Medicine for a scan.",
        "Follow-up in Internal Medicine clinic.",
        "Photo by T. Okafor, RN, CWON at bedside.",
    ],
)
def test_generic_departments_and_credentials_are_not_names_or_facilities(deid, text):
    found = _types(deid, text)
    assert not any(t == "FACILITY" for t in found.values()), found
    assert not any("RN" in span or "CWON" in span for span in found), found


def test_lean_pattern_loop_returns_what_presidio_returns(deid):
    from presidio_analyzer import PatternRecognizer

    from training.phi.engine import _pattern_results

    text = (
        "MRN: 00481516. Acct # A1234567, serial SN-88213X, DEA AB1234563, lic. 8659. "
        "Seen 3/14/2024 and Wed 01/10 by Dr. Ann van Dijk, RN. SSN 536-22-1234; 99 yo."
    )
    recognizers = [
        r
        for r in deid.analyzer.registry.get_recognizers(language="en", all_fields=True)
        if type(r) is PatternRecognizer
    ]

    def key(results):
        return sorted((r.entity_type, r.start, r.end, r.score) for r in results)

    for recognizer in recognizers:
        expected = recognizer.analyze(text, recognizer.supported_entities)
        found = _pattern_results(recognizer, text, text.lower())
        assert key(found) == key(expected), recognizer.name


def test_tagger_window_cache_does_not_change_predictions():
    tagger = TokenTagger()
    text = "Spoke with Maria Okonkwo.\nSeen at Brookhaven Clinic by Dr. Lutz. Spoke with Maria."
    first = tagger.predict(text)
    assert tagger._cache  # the windows of this note are cached
    tagger._cache.clear()
    assert tagger.predict(text) == first == tagger.predict(text)


def test_literal_triggers_are_substring_tests_that_skip_nothing():
    """A trigger read as plain words finds at least every note its regex finds."""
    import regex

    from training.phi.engine import _literal_options, _trigger
    from training.phi.patterns import TRIGGERS

    assert _literal_options(r"ssn|ss\#|social") == ("ssn", "ss#", "social")
    assert _literal_options(r"\bsin\b|s\.i\.n") == ("sin", "s.i.n")
    assert _literal_options(r"\bur|hosp") is None  # too short without its boundaries
    assert _literal_options(r"t[ée]l|fax") is None
    texts = [
        "SSN: 536-22-1234",
        "S.I.N. 046 454 286",
        "Pt ID 44",
        "Mother: Ann",
        "plain words only",
        "Hospital no. 4",
        "Lic. 8659 and NPI",
    ]
    for name, words in TRIGGERS.items():
        compiled = regex.compile(words, regex.IGNORECASE)
        test = _trigger(words)
        for text in texts:
            if compiled.search(text):
                assert test(text, text.lower()), (name, text)
