"""Contract of held-out set H's note generator; the de-identifier is never run here."""

from __future__ import annotations

import ipaddress
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from training.phi.types import PHI_TYPES, AnnotatedNote, PhiSpan

sys.path.insert(0, str(Path(__file__).parents[1]))  # benchmarks/ is not an installed package
from benchmarks.phi_heldout import FAMILIES  # noqa: E402
from benchmarks.phi_heldout_b import FAMILIES_B  # noqa: E402
from benchmarks.phi_heldout_c import FAMILIES_C  # noqa: E402
from benchmarks.phi_heldout_d import FAMILIES_D  # noqa: E402
from benchmarks.phi_heldout_e import FAMILIES_E  # noqa: E402
from benchmarks.phi_heldout_f import FAMILIES_F  # noqa: E402
from benchmarks.phi_heldout_g import FAMILIES_G  # noqa: E402
from benchmarks.phi_heldout_h import FAMILIES_H, generate_heldout_h  # noqa: E402

IDENTIFIER_KEYS = {"name", "mrn", "birth_date", "address", "phone"}
SEED = 17
UNITS = "zero one two three four five six seven eight nine".split()
DIGIT_WORDS = {word: str(index) for index, word in enumerate(UNITS)} | {"oh": "0"}
RUNS = {"double": 2, "treble": 3}
# Text that looks like PHI but is not: no gold span may overlap it.
HARD_NEGATIVES = re.compile(
    r"recall 6/12|review 3/52|acuity (?:6/9|20/40)|(?:6/12|20/25) left|Gest 39\+\d|"
    r"TRIGGER:-PT24H|ORPHA:\d+|c\.\d+[ACGT]>[ACGT]|p\.[A-Z][a-z]{2}\d+[A-Z][a-z]{2}|"
    r'loinc="[\d-]+"|schema 3\.1\.0|"fw":"4\.2\.0"|RPMHub/4\.2\.0|flight [A-Z0-9]{2} \d{3,4}|'
    r"tank \d canister [A-Z] cane \d+|tank 2 cane 7|blastocysts 4AA, 3BB, 4BC|\blot [A-Z]\d{4}|"
    r"Sysmex XN-1000|\^PW\d+|\^LL\d+|(?:Kōwhai|Rimu|Jacaranda|Heron|St Brigid's) Ward|Ward 7B|"
    r"\b[Bb]ed \d+|room \d+|bleep 4417, ext 2231|PG-13\) \d+|KDPI \d+%|MICU bed \d+|"
    r"\b(?:in|en|sedan|seit) (?:19|20)\d\d\b|\| 0\d{3}-\d{4}-\d{2}|"
    # public short numbers of each country
    r"dial (?:999 or 112|111|999|000) in an emergency|call (?:911|999|111|999 or 112)\.|"
    r"emergencies (?:995|108);|call (?:10177|995|111|999 or 112) for an ambulance|"
    r"Bereitschaftsdienst 116117|SAMU 15, SOS Médecins 3624|Spoed: bel 112|ring 1177"
)
# Date formats set H promises; each must be labelled somewhere.
NEW_DATE_FORMS = {
    "German long": r"\d{1,2}\. (?:Januar|Februar|März|April|Mai|Juni|Juli|August|September"
    r"|Oktober|November|Dezember) \d{4}",
    "German abbreviated": r"\d{1,2}\. (?:Jan|Feb|Aug|Sept|Okt|Nov|Dez)\. \d{4}",
    "German weekday": r"(?:Mon|Diens|Donners|Frei|Sams|Sonn)tag, \d{1,2}\. \S+ \d{4}|"
    r"Mittwoch, \d{1,2}\. \S+ \d{4}",
    "French": r"(?:1er|\d{1,2}) (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre) \d{4}",
    "French weekday": r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) \d{1,2} \S+ \d{4}",
    "Dutch": r"\d{1,2} (?:januari|februari|maart|mei|juni|juli|augustus|oktober) \d{4}",
    "Dutch dashes": r"\d{1,2}-\d{1,2}-\d{4}",
    "Swedish": r"\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|september"
    r"|oktober|november|december) \d{4}",
    "Japanese": r"\d{4}年\d{1,2}月\d{1,2}日",
    "Japanese era": r"[RHST]\d{1,2}\.\d{1,2}\.\d{1,2}",
    "Korean": r"\d{4}\. \d{1,2}\. \d{1,2}\.",
    "ISO ordinal": r"\d{4}-\d{3}",
    "day-Mon heading": r"\d{1,2}-[A-Z][a-z]{2}",
    "dd/mm heading": r"\d{2}/\d{2}",
    "month of a year": r"[A-Z][a-z]+ \d{4}",
    "year-month": r"\d{4}-\d{2}",
    "iCalendar local": r"\d{8}T\d{6}",
    "iCalendar UTC": r"\d{8}T\d{6}Z",
    "ISO with ms and offset": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}",
    "epoch ms": r"1\d{12}",
    "spoken with year": r"[a-z]+(?: [a-z]+)* of [a-z]+ (?:eighteen|nineteen|twenty)[a-z ]*",
    "spoken card": r"[A-Z][a-z]+ (?:[a-z]+ ?){1,2}",
    "expiry": r"[A-Z]{3} \d{4}|\d{2}/\d{4}",
}
ZIP_FORMS = (
    r"\d{5}(?:-\d{4})?",  # US, Germany, France
    r"\d{4}",  # Australia, New Zealand, South Africa
    r"[A-Z]\d[A-Z] \d[A-Z]\d",  # Canada
    r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",  # UK
    r"[A-Z]\d[\dW] [0-9ACDEFHKNPRTVWXY]{4}",  # Ireland (Eircode)
    r"\d{6}|\d{3} \d{3}",  # India (PIN), Singapore
    r"\d{3}-\d{4}",  # Japan
    r"\d{4} ?[A-Z]{2}",  # the Netherlands
    r"\d{3} \d{2}",  # Sweden
)
TITLED = re.compile(
    r"^(?:Dr|DR|Prof|Mrs?|Ms|Mx|Miss|Mme|Sra?|Frau|Herrn?|mevrouw|de heer|leg|överläkare|med"
    r"|Pr|Docteur|dr|prof|OA|Inv|Doctor|Baby|RN|Cons)\b\.?\s"
)
# An age where the note writes one: the number is AGE exactly when it is over 89.
AGE_CONTEXTS = re.compile(
    r"\bAge:? \(?(\d{1,3})\b|\baged (\d{1,3})\b|(\d{1,3}) (?:Jahre|ans|jaar|år)\b|"
    r"(\d{1,3})-jährig|(\d{1,3})歳|\((\d{1,3})Y\)|\b(\d{1,3})/[FM]\b|"
    r'"age_years":(\d{1,3})|<Age unit="a">(\d{1,3})<|age_at_enrolment: (\d{1,3})|'
    r"^age = (\d{1,3})$|X-PATIENT-AGE:(\d{1,3})$|so I'm ([a-z ]+?) now",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_h(320, SEED)


def _value(note: AnnotatedNote, span: PhiSpan) -> str:
    return note.text[span.start : span.end]


def _values(notes: list[AnnotatedNote], phi_type: str) -> list[tuple[str, str]]:
    """``(family, value)`` of every gold span of one type."""
    return [
        (note.family, _value(note, s))
        for note in notes
        for s in note.spans
        if s.phi_type == phi_type
    ]


def _spoken_digits(value: str) -> str:
    """Digits read aloud the British way ("oh double seven, treble two") as digits."""
    digits, repeat = [], 1
    for word in value.replace(",", " ").split():
        if word in RUNS:
            repeat = RUNS[word]
            continue
        digits.append(DIGIT_WORDS[word] * repeat)
        repeat = 1
    return "".join(digits)


def _digits(value: str) -> str:
    """The digits of a value written in digits or read aloud."""
    if re.fullmatch(r"[a-z ,]+", value):
        return _spoken_digits(value)
    return re.sub(r"\D", "", value)


def _number(text: str) -> int:
    """An age in digits or in English words ("ninety three")."""
    if text.isdigit():
        return int(text)
    tens = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
    words = text.split()
    if words[0] in teens.split():
        return 10 + teens.split().index(words[0])
    return 10 * tens.index(words[0]) + (UNITS.index(words[1]) if len(words) > 1 else 0)


def _fingerprint(note: AnnotatedNote) -> tuple:
    return (note.text, note.spans, note.keep_spans, note.identifiers, note.family)


def _covered(note: AnnotatedNote, start: int, end: int, phi_type: str | None = None) -> bool:
    return any(
        s.start <= start and end <= s.end and phi_type in (None, s.phi_type) for s in note.spans
    )


def test_same_seed_gives_same_notes_and_longer_runs_extend_shorter(
    notes: list[AnnotatedNote],
) -> None:
    again = generate_heldout_h(40, SEED)
    assert [_fingerprint(n) for n in again] == [_fingerprint(n) for n in notes[:40]]


def test_other_seed_gives_other_notes(notes: list[AnnotatedNote]) -> None:
    other = generate_heldout_h(40, SEED + 1)
    assert [n.text for n in other] != [n.text for n in notes[:40]]


def test_spans_in_bounds_sorted_disjoint_and_trimmed(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        previous_end = 0
        for span in note.spans:
            assert previous_end <= span.start < span.end <= len(note.text), note.patient_id
            value = _value(note, span)
            assert value == value.strip(), (note.patient_id, span.phi_type, value)
            assert span.phi_type in PHI_TYPES
            previous_end = span.end


def test_every_phi_type_occurs_often(notes: list[AnnotatedNote]) -> None:
    counts = Counter(span.phi_type for note in notes for span in note.spans)
    assert set(counts) == set(PHI_TYPES)
    assert min(counts.values()) >= 40, counts


def test_ages_are_labelled_exactly_when_over_89(notes: list[AnnotatedNote]) -> None:
    ages = [value for _, value in _values(notes, "AGE")]
    assert len(ages) >= 60
    assert all(_number(age) > 89 for age in ages), ages
    assert any(age.startswith("ninety") for age in ages), "no age in words"
    checked = Counter()
    for note in notes:
        for match in AGE_CONTEXTS.finditer(note.text):
            group = match.lastindex  # each alternative has one group
            start, end = match.span(group)
            over_89 = _number(match.group(group)) > 89
            assert _covered(note, start, end, "AGE") == over_89, (note.patient_id, match.group())
            checked[over_89] += 1
    assert checked[True] >= 60 and checked[False] >= 60, checked


def test_age_spans_hold_the_number_only(notes: list[AnnotatedNote]) -> None:
    suffixes = Counter()
    for note in notes:
        for span in note.spans:
            if span.phi_type == "AGE":
                assert re.fullmatch(r"\d{2,3}|ninety(?: [a-z]+)?", _value(note, span)), (
                    note.patient_id
                )
                suffixes[note.text[span.end : span.end + 3]] += 1
    # "93 yrs", "93Y", "93歳", "93 Jahre", "93-jährige", "(93)", "93/F", ...: many wordings
    assert len(suffixes) >= 8, suffixes


def test_hard_negatives_carry_no_gold_span(notes: list[AnnotatedNote]) -> None:
    matched = 0
    for note in notes:
        for match in HARD_NEGATIVES.finditer(note.text):
            matched += 1
            clash = [s for s in note.spans if s.start < match.end() and match.start() < s.end]
            assert not clash, (note.patient_id, match.group(), clash)
    assert matched >= 2 * len(notes)


def test_new_date_formats_are_labelled(notes: list[AnnotatedNote]) -> None:
    dates = [value for _, value in _values(notes, "DATE")]
    missing = [
        name
        for name, form in NEW_DATE_FORMS.items()
        if not any(re.fullmatch(form, d) for d in dates)
    ]
    assert not missing


def test_articles_and_le_of_dates_stay_outside(notes: list[AnnotatedNote]) -> None:
    dates = [value for _, value in _values(notes, "DATE")]
    assert not [d for d in dates if re.match(r"(?:the|le|den|am) ", d, re.IGNORECASE)]
    before = Counter()
    for note in notes:
        for span in note.spans:
            if span.phi_type == "DATE":
                before[note.text[max(0, span.start - 4) : span.start]] += 1
    assert before["the "] and before[" le "], "no spoken 'the' or French 'le' before a date"


def test_structured_values_have_their_shape(notes: list[AnnotatedNote]) -> None:
    emails = [value for _, value in _values(notes, "EMAIL")]
    for value in emails:
        spoken = re.fullmatch(r"[a-z0-9 ]+ at [a-z0-9 -]+ dot [a-z ]+", value)
        assert spoken or re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", value), value
    assert any(" at " in email for email in emails), "no e-mail read aloud"
    urls = [value for _, value in _values(notes, "URL")]
    assert all("." in url and not re.search(r"\s", url) for url in urls)
    for _, value in _values(notes, "IP"):
        ipaddress.ip_address(value)  # a port never belongs to the IP span
    for family, value in _values(notes, "SSN"):
        assert len(_digits(value)) == 9, (family, value)
    phones = [value for _, value in _values(notes, "PHONE")]
    for value in phones:
        assert len(_digits(value)) >= 8, value
    assert any(re.search(r"\b(?:double|treble) ", phone) for phone in phones), "no spoken run"
    for family, value in _values(notes, "ZIP"):
        assert any(re.fullmatch(form, value) for form in ZIP_FORMS), (family, value)


def test_markers_stay_outside_spans(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        for span in note.spans:
            value = _value(note, span)
            assert not re.search(r"〒|mailto:|^(?:Co\.|S\()", value), (note.patient_id, value)
    preceded = Counter(
        note.text[s.start - 1]
        for note in notes
        for s in note.spans
        if s.phi_type in ("ZIP", "EMAIL") and s.start
    )
    assert preceded["〒"] and preceded[":"], preceded


def test_singapore_is_never_a_city(notes: list[AnnotatedNote]) -> None:
    cities = [value.lower() for _, value in _values(notes, "CITY")]
    assert "singapore" not in cities
    singapore = [n for n in notes if "Singapore" in n.text or "SINGAPORE" in n.text]
    assert len(singapore) >= 10


def test_blocks_landmarks_erven_and_gps_fixes_are_addresses(notes: list[AnnotatedNote]) -> None:
    addresses = [value for _, value in _values(notes, "ADDRESS")]
    forms = {
        "Singapore block and unit": r"Blk \d+ .+, #\d{2}-\d{2,3}",
        "Indian landmark": r".+, (?:Near|Opp\.|Behind) .+",
        "South African erf or stand": r"(?:Erf|Stand) \d+.*",
        "GPS fix": r"-?\d+\.\d{6};-?\d+\.\d{6}",
        "house and townland": r"(?:Ard na Gréine|Teach Bán|Hillcrest House|The Haven"
        r"|Cnoc Álainn), [A-Z][a-z]+",
    }
    missing = [
        name for name, form in forms.items() if not any(re.fullmatch(form, a) for a in addresses)
    ]
    assert not missing


def test_name_spans_leave_titles_and_credentials_outside(notes: list[AnnotatedNote]) -> None:
    names = _values(notes, "NAME")
    assert len(names) >= 4 * len(notes)
    assert not [value for _, value in names if TITLED.match(value)]
    assert not [value for _, value in names if re.search(r",\s*(?:MD|RN|RPh|CPhT)$", value)]


def test_hard_name_forms_occur(notes: list[AnnotatedNote]) -> None:
    names = [value for _, value in _values(notes, "NAME")]
    assert any(re.search(r"\b(?:bin|binte)\b", name) for name in names), "no Malay name"
    assert any(re.fullmatch(r"[A-Z]{2,}(?: [A-Z][a-z]+)+", n) for n in names), "no surname first"
    tamil = r"[A-Z]\. (?:Saravanan|Murugan|Senthil|Karthik|Balaji|Ramesh|Lakshmi|Kavitha"
    tamil += r"|Meenakshi|Priya|Revathi|Selvi)"
    assert any(re.fullmatch(tamil, name) for name in names), "no father's initial first"
    assert any(re.fullmatch(r"[A-Z]{2,3}|[a-z]{2,3}|(?:[A-Z]\.){2,3}", n) for n in names)


def test_whole_name_fields_are_one_span_split_fields_one_each(notes: list[AnnotatedNote]) -> None:
    split = 0
    for note in notes:
        if note.family != "calendar_ics_invite":
            continue
        line = re.search(r"^N:(.*);;;$", note.text, re.MULTILINE)
        assert line, note.patient_id
        parts = [p for p in line.group(1).split(";") if p]
        start = line.start(1)
        for part in parts:
            offset = note.text.index(part, start)
            assert _covered(note, offset, offset + len(part), "NAME"), (note.patient_id, part)
            start = offset + len(part)
        split += len(parts) == 2
    assert split
    labels = [v for f, v in _values(notes, "NAME") if f == "wristband_zpl_print" and "," in v]
    assert labels, "no 'SURNAME, GIVEN' label field"


def test_practices_named_after_doctors_are_facilities(notes: list[AnnotatedNote]) -> None:
    practices = 0
    for note in notes:
        for span in note.spans:
            value = _value(note, span)
            if re.match(r"(?:Praxis Dr\.|Cabinet du Dr|Huisartsenpraktijk) ", value):
                assert span.phi_type == "FACILITY", (note.patient_id, value)
                practices += 1
    assert practices


def test_national_numbers_with_a_birth_date_are_one_id(notes: list[AnnotatedNote]) -> None:
    ids = [value for _, value in _values(notes, "ID")]
    forms = {
        "personnummer": r"(?:19|20)?\d{6}[-+]\d{4}",
        "South African ID": r"\d{13}",
        "NIR": r"[12] \d{2} \d{2} \d{2} \d{3} \d{3} \d{2}",
    }
    missing = [name for name, form in forms.items() if not any(re.fullmatch(form, i) for i in ids)]
    assert not missing


def test_a_partners_clinic_number_is_mrn(notes: list[AnnotatedNote]) -> None:
    partners = 0
    for note in notes:
        if note.family == "ivf_embryology_worksheet" and "Partner: " in note.text:
            mrns = {_value(note, s) for s in note.spans if s.phi_type == "MRN"}
            assert len(mrns) == 2, note.patient_id
            partners += 1
    assert partners


def test_keep_spans_in_every_family_and_clear_of_gold(notes: list[AnnotatedNote]) -> None:
    families_with_keeps = {note.family for note in notes if note.keep_spans}
    assert families_with_keeps == set(FAMILIES_H)
    for note in notes:
        previous_end = 0
        for start, end in note.keep_spans:
            assert previous_end <= start < end <= len(note.text), note.patient_id
            assert not any(start < s.end and s.start < end for s in note.spans), note.patient_id
            previous_end = end
    kept = " ".join(note.text[a:b] for note in notes for a, b in note.keep_spans)
    for phrase in ("Morbus ", "maladie de ", "ziekte van ", "sjukdom"):
        assert phrase in kept, phrase


def test_some_names_collide_with_eponyms(notes: list[AnnotatedNote]) -> None:
    collisions = 0
    for note in notes:
        kept = " ".join(note.text[a:b] for a, b in note.keep_spans).lower()
        kept_words = set(re.findall(r"[^\W\d_]{3,}", kept))
        named = {
            word
            for s in note.spans
            if s.phi_type == "NAME"
            for word in re.findall(r"[^\W\d_]{3,}", _value(note, s).lower())
        }
        collisions += bool(kept_words & named)
    assert collisions >= len(notes) // 10


def test_families_spread_evenly_and_new(notes: list[AnnotatedNote]) -> None:
    counts = Counter(note.family for note in notes)
    assert set(counts) == set(FAMILIES_H)
    assert len(FAMILIES_H) == 16
    assert max(counts.values()) - min(counts.values()) <= 1
    earlier = set(FAMILIES) | set(FAMILIES_B) | set(FAMILIES_C) | set(FAMILIES_D)
    earlier |= set(FAMILIES_E) | set(FAMILIES_F) | set(FAMILIES_G)
    assert not set(FAMILIES_H) & earlier


def test_identifiers_and_patient_ids(notes: list[AnnotatedNote]) -> None:
    for index, note in enumerate(notes):
        assert set(note.identifiers) == IDENTIFIER_KEYS
        assert all(note.identifiers.values()), note.patient_id
        date.fromisoformat(note.identifiers["birth_date"])
        assert note.patient_id == f"HH{SEED}-{index}"


def test_record_mrn_matches_the_mrn_in_the_text(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        mrns = {
            re.sub(r"[^0-9A-Za-z]", "", _value(note, s)) for s in note.spans if s.phi_type == "MRN"
        }
        assert note.identifiers["mrn"] in mrns, note.patient_id


def test_record_surname_is_a_name_span_of_the_note(notes: list[AnnotatedNote]) -> None:
    found = 0
    for note in notes:
        surname = note.identifiers["name"].split()[-1].lower()[:6]
        names = [_value(note, s).lower() for s in note.spans if s.phi_type == "NAME"]
        found += any(surname in name for name in names)
    assert found >= len(notes) * 9 // 10


def test_zero_notes_and_negative_count() -> None:
    assert generate_heldout_h(0, SEED) == []
    with pytest.raises(ValueError, match="n must be"):
        generate_heldout_h(-1, SEED)
