"""Contract of held-out set G's note generator; the de-identifier is never run here."""

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
from benchmarks.phi_heldout_g import FAMILIES_G, generate_heldout_g  # noqa: E402

IDENTIFIER_KEYS = {"name", "mrn", "birth_date", "address", "phone"}
SEED = 17
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
# Cyrillic look-alikes and no-break characters the generator pastes into some values.
UNDISGUISE = str.maketrans(
    "аеорсхАЕОМТКНВСР\u00a0\u202f\u2011\u2010\u2013\u2019", "aeopcxAEOMTKHBCP  ---'"
)
# Text that looks like PHI but is not: no gold span may overlap it.
HARD_NEGATIVES = re.compile(
    r"Q[1-4] 20\d\d|FY20\d\d|\bv\d+\.\d+\.\d+(?:\.\d+)?|layout 24\.1\.0|\(NUCC\) 02/12|"
    r"CPT \d{5}|(?:NDC|DIN) [\d-]+|Lot: [A-Z0-9]+|\blot [A-Z0-9-]+|BIN \d{6} PCN [A-Z0-9]+|"
    r"Store #\d+|\b(?:BP|TA|PA|RR) \d+/\d+|GA \d+\+\d wk|Day 1 of life|\bcot \d+|ICU bed \d+|"
    r"cell \d-\d+|ward 7B|dial 988|CT: 911|MOS 11B|paygrade E-5|HoNOS 18|PCL-5 \d+|"
    r"CIWA-Ar 14|APACHE IV \d+|RASS -2|called (?:Biscuit|Molly|Charlie|Bella|Max|Poppy|Rosie|"
    r"Alfie)|in (?:her|his) nineties|Determinant 09-E-01|Units M\d+, E\d+|text RX to \d{5}|"
    r"code=E-1043|pT\d[ab]? pN\d[ab]?|C50\.4 8500/3|ICD-10 [A-Z]\d+\.\d+|"
    r"since 1990|in 2016|back in 2019|(?:Willow|Ash|Rowan|Larch) Ward"
)
# Date formats set G introduces; each must be labelled somewhere.
NEW_DATE_FORMS = {
    "roman lower": r"\d{1,2}/[ivx]+/\d{4}",
    "roman upper": r"\d{1,2}[. ][IVX]+[. ]\d{4}",
    "nth of the": r"\d{1,2}(st|nd|rd|th) of the [a-z]+",
    "military": r"\d{2}[A-Z]{3}\d{2}(\d{2})?",
    "claim box": r"\d{2} \d{2} \d{2}(\d{2})?",
    "ISO UTC": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z",
    "date-time group": r"\d{6}Z[A-Z]{3}\d{2}",
    "epoch": r"1\d{9}",
    "Portuguese": r"\d{1,2} de [a-zç]+ de \d{4}",
    "Italian": r"\d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre"
    r"|ottobre|novembre|dicembre) \d{4}",
    "Polish": r"\d{1,2} [a-ząćęłńóśźż]+ \d{4}",
    "month and year": r"[A-Z][a-z]+ \d{4}",
}


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_g(320, SEED)


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
    """The digits of a value written in digits (any script) or read aloud."""
    words = value.split()
    if words and all(word in DIGIT_WORDS for word in words):
        return "".join(DIGIT_WORDS[word] for word in words)
    return re.sub(r"\D", "", value)


def _age_value(text: str) -> int:
    """An AGE span's number: digits (zero-padded in fixed-width fields) or English words."""
    if text.isdigit():
        return int(text)
    words = text.replace("-", " ").split()
    assert words[0] == "ninety", text  # every age written in words is in the nineties
    return 90 + (UNITS_EN[words[1]] if len(words) > 1 else 0)


def _fingerprint(note: AnnotatedNote) -> tuple:
    return (note.text, note.spans, note.keep_spans, note.identifiers, note.family)


def test_same_seed_gives_same_notes_and_longer_runs_extend_shorter(
    notes: list[AnnotatedNote],
) -> None:
    again = generate_heldout_g(40, SEED)
    assert [_fingerprint(n) for n in again] == [_fingerprint(n) for n in notes[:40]]


def test_other_seed_gives_other_notes(notes: list[AnnotatedNote]) -> None:
    other = generate_heldout_g(40, SEED + 1)
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
    assert any(age.startswith("ninety") for age in ages), "no age in words"
    assert any(len(age) == 3 and age.startswith("0") for age in ages), "no zero-padded age"


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


def test_structured_values_have_their_shape(notes: list[AnnotatedNote]) -> None:
    for _, value in _values(notes, "EMAIL"):
        assert re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", value), value
    urls = [value for _, value in _values(notes, "URL")]
    assert all("." in url and not re.search(r"\s", url) for url in urls)
    assert sum("?" in url for url in urls) >= len(urls) // 2, "too few URLs with a query"
    for _, value in _values(notes, "IP"):
        ipaddress.ip_address(value)  # a port never belongs to the IP span
    for family, value in _values(notes, "SSN"):
        assert len(_digits(value)) == 9, (family, value)
    for family, value in _values(notes, "PHONE"):
        vanity = re.fullmatch(r"1-\d{3}-[A-Z0-9-]+", value)
        alnum = re.sub(r"[^0-9A-Z]", "", value)
        assert len(alnum if vanity else _digits(value)) >= 9, (family, value)
    zip_forms = (
        r"\d{5}(-\d{4})?",  # US, Italy
        r"\d{4}",  # Australia
        r"[A-Z]\d[A-Z] \d[A-Z]\d",  # Canada
        r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}",  # UK
        r"\d{4}-\d{3}",  # Portugal
        r"\d{2}-\d{3}",  # Poland
    )
    for family, value in _values(notes, "ZIP"):
        assert any(re.fullmatch(form, value) for form in zip_forms), (family, value)


def test_name_spans_leave_titles_and_ranks_outside(notes: list[AnnotatedNote]) -> None:
    titled = re.compile(
        r"^(?:Dr|DR|Prof|Mrs?|Ms|Mx|Miss|Mme|Sra?|Dra|Dott|PC|Ofc|Paramedic|Doctor|Baby|lek|c/o)"
        r"(?:\.ª|\.ssa)?\.?\s|^(?:SGT|CPT|SFC|SPC|1SG|COL|SSG)\b"
    )
    names = _values(notes, "NAME")
    assert len(names) >= 4 * len(notes)
    assert not [value for _, value in names if titled.match(value)]
    assert not [value for _, value in names if re.search(r",\s*(?:MD|RN|OT|NNP)$", value)]


def test_hard_name_forms_occur(notes: list[AnnotatedNote]) -> None:
    names = [value for _, value in _values(notes, "NAME")]
    assert any(re.search(r"\b(?:bin|ibn|bint)\b", name) for name in names), "no nasab"
    assert any(name.endswith(("dóttir", "son")) for name in names), "no patronymic"
    assert any(re.fullmatch(r"[A-Z]{2,3}|[a-z]{2,3}|(?:[A-Z]\.){2,3}", n) for n in names)
    assert any("&nbsp;" in name or "\u00a0" in name for name in names), "no no-break space"
    assert any(name != name.translate(UNDISGUISE) for name in names), "no look-alike letters"


def test_keep_spans_in_every_family_and_clear_of_gold(notes: list[AnnotatedNote]) -> None:
    families_with_keeps = {note.family for note in notes if note.keep_spans}
    assert families_with_keeps == set(FAMILIES_G)
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
    assert set(counts) == set(FAMILIES_G)
    assert len(FAMILIES_G) == 16
    assert max(counts.values()) - min(counts.values()) <= 1
    earlier = set(FAMILIES) | set(FAMILIES_B) | set(FAMILIES_C) | set(FAMILIES_D)
    earlier |= set(FAMILIES_E) | set(FAMILIES_F)
    assert not set(FAMILIES_G) & earlier


def test_registry_fields_run_together_without_delimiters(notes: list[AnnotatedNote]) -> None:
    registry = [note for note in notes if note.family == "registry_fixed_width"]
    assert registry
    for note in registry:
        ends = {span.end for span in note.spans}
        assert any(span.start in ends for span in note.spans), note.patient_id


def test_identifiers_and_patient_ids(notes: list[AnnotatedNote]) -> None:
    for index, note in enumerate(notes):
        assert set(note.identifiers) == IDENTIFIER_KEYS
        assert all(note.identifiers.values()), note.patient_id
        date.fromisoformat(note.identifiers["birth_date"])
        assert note.patient_id == f"HG{SEED}-{index}"


def test_record_mrn_matches_the_mrn_in_the_text(notes: list[AnnotatedNote]) -> None:
    with_mrn = 0
    for note in notes:
        mrns = {
            re.sub(r"[^0-9A-Za-z]", "", _value(note, s)) for s in note.spans if s.phi_type == "MRN"
        }
        if mrns:
            with_mrn += 1
            assert note.identifiers["mrn"] in mrns, note.patient_id
    assert with_mrn >= len(notes) * 3 // 4


def test_record_surname_is_a_name_span_of_the_note(notes: list[AnnotatedNote]) -> None:
    found = 0
    for note in notes:
        surname = note.identifiers["name"].split()[-1].lower()[:6]
        names = [
            _value(note, s).replace("&nbsp;", " ").translate(UNDISGUISE).lower()
            for s in note.spans
            if s.phi_type == "NAME"
        ]
        found += any(surname in name for name in names)
    assert found >= len(notes) * 9 // 10


def test_zero_notes_and_negative_count() -> None:
    assert generate_heldout_g(0, SEED) == []
    with pytest.raises(ValueError, match="n must be"):
        generate_heldout_g(-1, SEED)
