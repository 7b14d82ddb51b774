"""Contract of held-out set F's note generator; the de-identifier is never run here."""

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
from benchmarks.phi_heldout_f import FAMILIES_F, generate_heldout_f  # noqa: E402

IDENTIFIER_KEYS = {"name", "mrn", "birth_date", "address", "phone"}
SEED = 17
# The scanner's confusions in the OCR family, mapped back to digits before values are checked.
UNDO_OCR = str.maketrans("OlIS", "0115")
DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
UNITS_EN = {word: int(digit) for word, digit in DIGIT_WORDS.items() if word != "oh"}
UNITS_ES = {"un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7}
UNITS_ES |= {"ocho": 8, "nueve": 9}
# Text that looks like PHI but is not: no gold span may overlap it.
HARD_NEGATIVES = re.compile(
    r"in her nineties|Tuesday last|last Friday|\b988\b|\b911\b|GCS 15|CPT \d{5}|"
    r"LOINC [\d-]+|\blot [A-Z0-9]+|REF [\d-]+|http://loinc\.org|urn:oid:[\d.]+|"
    r"BP \d+/\d+|[1-5]/5 [RL]|\bBed \d+|room \d+|Room B-\d+|HCPCS E\d{4}|ICD|E11\.9"
)


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_f(320, SEED)


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


def _digits(value: str) -> str:
    """The digits of a value written in digits, read aloud, or scanned with O/0 and l/1 swaps."""
    words = value.split()
    if words and all(word in DIGIT_WORDS for word in words):
        return "".join(DIGIT_WORDS[word] for word in words)
    return re.sub(r"\D", "", value.translate(UNDO_OCR))


def _unscanned(family: str, value: str) -> str:
    """The value with the OCR family's character swaps undone."""
    return value.translate(UNDO_OCR) if family == "ocr_fax_scan" else value


def _age_value(text: str) -> int:
    """An AGE span's number: digits, English or Spanish words, maybe with scanning noise."""
    plain = text.translate(UNDO_OCR)
    if plain.isdigit():
        return int(plain)
    words = text.replace("-", " ").split()
    assert words[0] in ("ninety", "noventa"), text  # every age written in words is in the 90s
    if len(words) == 1:
        return 90
    units = UNITS_EN if words[0] == "ninety" else UNITS_ES
    return 90 + units[words[-1]]


def _fingerprint(note: AnnotatedNote) -> tuple:
    return (note.text, note.spans, note.keep_spans, note.identifiers, note.family)


def test_same_seed_gives_same_notes_and_longer_runs_extend_shorter(
    notes: list[AnnotatedNote],
) -> None:
    again = generate_heldout_f(40, SEED)
    assert [_fingerprint(n) for n in again] == [_fingerprint(n) for n in notes[:40]]


def test_other_seed_gives_other_notes(notes: list[AnnotatedNote]) -> None:
    other = generate_heldout_f(40, SEED + 1)
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


def test_ages_are_labelled_only_over_89(notes: list[AnnotatedNote]) -> None:
    ages = [value for _, value in _values(notes, "AGE")]
    assert len(ages) >= 60
    assert all(_age_value(age) > 89 for age in ages), ages
    worded = [age for age in ages if not age.translate(UNDO_OCR).isdigit()]
    assert any(age.startswith("noventa") for age in worded), "no Spanish age in words"
    assert any(age.startswith("ninety") for age in worded), "no English age in words"


def test_hard_negatives_carry_no_gold_span(notes: list[AnnotatedNote]) -> None:
    matched = 0
    for note in notes:
        for match in HARD_NEGATIVES.finditer(note.text):
            matched += 1
            clash = [s for s in note.spans if s.start < match.end() and match.start() < s.end]
            assert not clash, (note.patient_id, match.group(), clash)
    assert matched >= len(notes)


def test_structured_values_have_their_shape(notes: list[AnnotatedNote]) -> None:
    for family, value in _values(notes, "EMAIL"):
        assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", _unscanned(family, value)), value
    for _, value in _values(notes, "URL"):
        assert "." in value and not re.search(r"\s", value), value
    for family, value in _values(notes, "IP"):
        ipaddress.ip_address(_unscanned(family, value))
    for family, value in _values(notes, "SSN"):
        assert len(_digits(value)) == 9, (family, value)
    for family, value in _values(notes, "PHONE"):
        alnum = re.sub(r"[^0-9A-Z]", "", value) if "-" in value else _digits(value)
        assert len(alnum) >= 10 or len(_digits(value)) >= 10, (family, value)
    zip_forms = (
        r"\d{5}(-?\d{4})?",  # US, read aloud without the hyphen in dictation
        r"\d{4}",  # Australia
        r"[A-Z]\d[A-Z] \d[A-Z]\d",  # Canada
        r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",  # UK
    )
    for family, value in _values(notes, "ZIP"):
        plain = _digits(value) if family == "dictation_transcript" else _unscanned(family, value)
        assert any(re.fullmatch(form, plain) for form in zip_forms), (family, value)


def test_name_spans_leave_titles_outside(notes: list[AnnotatedNote]) -> None:
    titled = re.compile(
        r"^(?:Dr|DR|Prof|Mrs?|Ms|Mx|Sra?|Dra|Mme|Rev|Cst|PC|Sen)\.?\s"
        r"|^(?:Doctor|Father|Pastor|Imam|Rabbi|Pandit|Bhai|Venerable|Doña|Baby)\s"
    )
    names = _values(notes, "NAME")
    assert len(names) >= 4 * len(notes)
    assert not [value for _, value in names if titled.match(value)]
    assert not [value for _, value in names if re.search(r",\s*(?:MD|RN|DO|CNM)$", value)]


def test_keep_spans_in_every_family_and_clear_of_gold(notes: list[AnnotatedNote]) -> None:
    families_with_keeps = {note.family for note in notes if note.keep_spans}
    assert families_with_keeps == set(FAMILIES_F)
    for note in notes:
        previous_end = 0
        for start, end in note.keep_spans:
            assert previous_end <= start < end <= len(note.text), note.patient_id
            assert not any(start < s.end and s.start < end for s in note.spans), note.patient_id
            previous_end = end


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
    assert set(counts) == set(FAMILIES_F)
    assert len(FAMILIES_F) == 16
    assert max(counts.values()) - min(counts.values()) <= 1
    earlier = set(FAMILIES) | set(FAMILIES_B) | set(FAMILIES_C) | set(FAMILIES_D) | set(FAMILIES_E)
    assert not set(FAMILIES_F) & earlier


def test_dictation_is_lower_case_without_punctuation(notes: list[AnnotatedNote]) -> None:
    dictated = [n for n in notes if n.family == "dictation_transcript"]
    assert dictated
    for note in dictated:
        body = note.text.split("\n")[1]  # the first line is the transcription system's header
        assert body == body.lower(), note.patient_id
        assert not re.search(r"[.,;:!?()]", body), note.patient_id


def test_identifiers_and_patient_ids(notes: list[AnnotatedNote]) -> None:
    for index, note in enumerate(notes):
        assert set(note.identifiers) == IDENTIFIER_KEYS
        assert all(note.identifiers.values()), note.patient_id
        date.fromisoformat(note.identifiers["birth_date"])
        assert note.patient_id == f"HF{SEED}-{index}"


def test_record_mrn_matches_the_mrn_in_the_text(notes: list[AnnotatedNote]) -> None:
    with_mrn = 0
    for note in notes:
        mrns = set()
        for span in note.spans:
            if span.phi_type == "MRN":
                value = _value(note, span)
                spoken = value.split()[0] in DIGIT_WORDS
                plain = _digits(value) if spoken else re.sub(r"[^0-9A-Za-z]", "", value)
                mrns.add(plain.translate(UNDO_OCR))
        if mrns:
            with_mrn += 1
            assert note.identifiers["mrn"].translate(UNDO_OCR) in mrns, note.patient_id
    assert with_mrn >= len(notes) * 3 // 4


def test_zero_notes_and_negative_count() -> None:
    assert generate_heldout_f(0, SEED) == []
    with pytest.raises(ValueError, match="n must be"):
        generate_heldout_f(-1, SEED)
