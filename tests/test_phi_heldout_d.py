"""Contract of held-out set D's note generator; the de-identifier is never run here."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from training.phi.types import PHI_TYPES, AnnotatedNote

sys.path.insert(0, str(Path(__file__).parents[1]))  # benchmarks/ is not an installed package
from benchmarks.phi_heldout_d import FAMILIES_D, generate_heldout_d  # noqa: E402

IDENTIFIER_KEYS = {"name", "mrn", "birth_date", "address", "phone"}


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_d(200, 17)


def _fingerprint(note: AnnotatedNote) -> tuple:
    return (note.text, note.spans, note.keep_spans, note.identifiers, note.family)


def test_same_seed_gives_same_notes(notes: list[AnnotatedNote]) -> None:
    again = generate_heldout_d(40, 17)
    assert [_fingerprint(n) for n in again] == [_fingerprint(n) for n in notes[:40]]


def test_other_seed_gives_other_notes(notes: list[AnnotatedNote]) -> None:
    other = generate_heldout_d(40, 18)
    assert [n.text for n in other] != [n.text for n in notes[:40]]


def test_spans_in_bounds_sorted_and_disjoint(notes: list[AnnotatedNote]) -> None:
    for note in notes:
        previous_end = 0
        for span in note.spans:
            assert previous_end <= span.start < span.end <= len(note.text), note.patient_id
            value = note.text[span.start : span.end]
            assert value == value.strip(), (note.patient_id, span.phi_type)
            previous_end = span.end


def test_every_phi_type_occurs(notes: list[AnnotatedNote]) -> None:
    counts = Counter(span.phi_type for note in notes for span in note.spans)
    assert set(counts) == set(PHI_TYPES)


def test_keep_spans_present_and_disjoint_from_gold(notes: list[AnnotatedNote]) -> None:
    assert sum(len(note.keep_spans) for note in notes) >= len(notes)
    for note in notes:
        for start, end in note.keep_spans:
            assert 0 <= start < end <= len(note.text)
            assert not any(start < s.end and s.start < end for s in note.spans), note.patient_id


def test_families_spread_evenly(notes: list[AnnotatedNote]) -> None:
    counts = Counter(note.family for note in notes)
    assert set(counts) == set(FAMILIES_D)
    assert len(FAMILIES_D) >= 12
    assert max(counts.values()) - min(counts.values()) <= 1


def test_identifiers_and_patient_ids(notes: list[AnnotatedNote]) -> None:
    for index, note in enumerate(notes):
        assert set(note.identifiers) == IDENTIFIER_KEYS
        assert all(note.identifiers.values()), note.patient_id
        date.fromisoformat(note.identifiers["birth_date"])
        assert note.patient_id == f"HD17-{index}"


def test_negative_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="n must be"):
        generate_heldout_d(-1, 17)
