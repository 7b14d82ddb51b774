"""Data tests of held-out set C: gold spans well-formed, every PHI type present, deterministic."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

# ``benchmarks`` is not an installed package: import it from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.phi_heldout_c import FAMILIES_C, generate_heldout_c  # noqa: E402
from training.phi.types import PHI_TYPES, AnnotatedNote  # noqa: E402

N_NOTES = 200
EPONYM_SURNAMES = {"Graves", "Wilson", "Addison", "Parkinson", "Bell", "Barrett", "Baker"}


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_c(N_NOTES, seed=11)


def _values(note: AnnotatedNote, phi_type: str) -> list[str]:
    return [note.text[s.start : s.end] for s in note.spans if s.phi_type == phi_type]


def test_every_span_is_a_stripped_value_of_a_known_type(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        for span in note.spans:
            value = note.text[span.start : span.end]
            assert value and value == value.strip(), (note.family, span)
            assert span.phi_type in PHI_TYPES
        for start, end in note.keep_spans:
            assert note.text[start:end].strip() == note.text[start:end] != ""


def test_spans_are_sorted_and_do_not_overlap(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        for before, after in zip(note.spans, note.spans[1:], strict=False):
            assert before.end <= after.start, note.family
        assert note.keep_spans == sorted(note.keep_spans)


def test_keep_spans_never_overlap_phi(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        for start, end in note.keep_spans:
            assert all(s.end <= start or s.start >= end for s in note.spans), note.family


def test_every_phi_type_occurs(notes: list[AnnotatedNote]) -> None:
    seen = {span.phi_type for note in notes for span in note.spans}
    assert seen == set(PHI_TYPES)


def test_only_ages_over_89_are_annotated(notes: list[AnnotatedNote]) -> None:
    ages = [value for note in notes for value in _values(note, "AGE")]
    assert len(ages) >= 20
    for value in ages:
        if value.isdigit():
            assert int(value) > 89
        else:  # written out: "ninety-one", "one hundred and two"
            assert value.startswith(("ninety", "one hundred")), value
    # Ages of 89 and under are written but left unannotated.
    young = re.compile(r"\b([1-8]\d)(?:-year-old| y/o|yo|y\b| years)")
    assert any(young.search(note.text) for note in notes)


def test_identifiers_match_the_annotated_values(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        ids = note.identifiers
        assert ids and note.patient_id
        if "mrn" in ids:
            assert ids["mrn"] in _values(note, "MRN")
        if "address" in ids:
            assert ids["address"].lower() in note.text.lower()
        if "birth_date" in ids:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", ids["birth_date"])
        if "ssn" in ids:
            assert re.fullmatch(r"\d{3}-\d{2}-\d{4}", ids["ssn"])
        if "patient_last_name" in ids:
            names = " ".join(_values(note, "NAME")).lower()
            assert ids["patient_last_name"].lower() in names


def test_eponyms_are_kept_and_eponym_surnames_are_names(notes: list[AnnotatedNote]) -> None:
    with_keep = sum(bool(note.keep_spans) for note in notes)
    assert with_keep >= 0.9 * len(notes)
    eponymous = [
        note
        for note in notes
        if any(word in EPONYM_SURNAMES for v in _values(note, "NAME") for word in v.split())
    ]
    assert len(eponymous) >= 0.05 * len(notes)


def test_same_seed_same_notes_other_seed_other_notes() -> None:
    first, again = generate_heldout_c(24, seed=3), generate_heldout_c(24, seed=3)
    assert [n.text for n in first] == [n.text for n in again]
    assert [n.spans for n in first] == [n.spans for n in again]
    other = generate_heldout_c(24, seed=4)
    assert sum(a.text != b.text for a, b in zip(first, other, strict=True)) == 24


def test_round_robin_over_all_families() -> None:
    assert len(FAMILIES_C) >= 10
    families = [note.family for note in generate_heldout_c(2 * len(FAMILIES_C), seed=5)]
    assert families == list(FAMILIES_C) * 2


def test_negative_count_is_rejected_and_zero_is_empty() -> None:
    with pytest.raises(ValueError, match="n must be >= 0"):
        generate_heldout_c(-1, seed=0)
    assert generate_heldout_c(0, seed=0) == []
