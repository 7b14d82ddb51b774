"""Contract of held-out set E's note generator; the de-identifier is never run here."""

from __future__ import annotations

import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from training.phi.types import PHI_TYPES, AnnotatedNote

sys.path.insert(0, str(Path(__file__).parents[1]))  # benchmarks/ is not an installed package
from benchmarks.phi_heldout import FAMILIES  # noqa: E402
from benchmarks.phi_heldout_b import FAMILIES_B  # noqa: E402
from benchmarks.phi_heldout_c import FAMILIES_C  # noqa: E402
from benchmarks.phi_heldout_d import FAMILIES_D  # noqa: E402
from benchmarks.phi_heldout_e import FAMILIES_E, generate_heldout_e  # noqa: E402

IDENTIFIER_KEYS = {"name", "mrn", "birth_date", "address", "phone"}
_UNITS = "zero one two three four five six seven eight nine".split()


@pytest.fixture(scope="module")
def notes() -> list[AnnotatedNote]:
    return generate_heldout_e(320, 17)


def _fingerprint(note: AnnotatedNote) -> tuple:
    return (note.text, note.spans, note.keep_spans, note.identifiers, note.family)


def _age_value(text: str) -> int:
    """An AGE span's number, written in digits or as "ninety-two"."""
    if text.isdigit():
        return int(text)
    tens, _, unit = text.partition("-")
    assert tens == "ninety", text  # every word-written AGE is in the nineties
    return 90 + (_UNITS.index(unit) if unit else 0)


def test_same_seed_gives_same_notes(notes: list[AnnotatedNote]) -> None:
    again = generate_heldout_e(40, 17)
    assert [_fingerprint(n) for n in again] == [_fingerprint(n) for n in notes[:40]]


def test_other_seed_gives_other_notes(notes: list[AnnotatedNote]) -> None:
    other = generate_heldout_e(40, 18)
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
    assert min(counts.values()) >= 20, counts


def test_ages_are_labelled_only_over_89(notes: list[AnnotatedNote]) -> None:
    ages = [note.text[s.start : s.end] for note in notes for s in note.spans if s.phi_type == "AGE"]
    assert ages
    assert all(_age_value(age) > 89 for age in ages), ages


def test_keep_spans_in_every_family_and_disjoint_from_gold(notes: list[AnnotatedNote]) -> None:
    families_with_keeps = {note.family for note in notes if note.keep_spans}
    assert families_with_keeps == set(FAMILIES_E)
    for note in notes:
        for start, end in note.keep_spans:
            assert 0 <= start < end <= len(note.text)
            assert not any(start < s.end and s.start < end for s in note.spans), note.patient_id


def test_some_names_collide_with_eponyms(notes: list[AnnotatedNote]) -> None:
    collisions = 0
    for note in notes:
        kept = " ".join(note.text[a:b] for a, b in note.keep_spans)
        kept_words = set(re.findall(r"[A-Z][a-z]+", kept))
        named = {
            word
            for s in note.spans
            if s.phi_type == "NAME"
            for word in re.findall(r"[A-Z][a-z]+", note.text[s.start : s.end])
        }
        collisions += bool(kept_words & named)
    assert collisions >= len(notes) // 20


def test_families_spread_evenly_and_new(notes: list[AnnotatedNote]) -> None:
    counts = Counter(note.family for note in notes)
    assert set(counts) == set(FAMILIES_E)
    assert len(FAMILIES_E) == 16
    assert max(counts.values()) - min(counts.values()) <= 1
    earlier = set(FAMILIES) | set(FAMILIES_B) | set(FAMILIES_C) | set(FAMILIES_D)
    assert not set(FAMILIES_E) & earlier


def test_identifiers_and_patient_ids(notes: list[AnnotatedNote]) -> None:
    for index, note in enumerate(notes):
        assert set(note.identifiers) == IDENTIFIER_KEYS
        assert all(note.identifiers.values()), note.patient_id
        date.fromisoformat(note.identifiers["birth_date"])
        assert note.patient_id == f"HE17-{index}"


def test_record_mrn_matches_the_mrn_in_the_text(notes: list[AnnotatedNote]) -> None:
    with_mrn = 0
    for note in notes:
        mrns = {
            re.sub(r"[^0-9A-Za-z]", "", note.text[s.start : s.end])
            for s in note.spans
            if s.phi_type == "MRN"
        }
        if mrns:
            with_mrn += 1
            assert note.identifiers["mrn"] in mrns, note.patient_id
    assert with_mrn >= len(notes) // 2


def test_zero_notes_and_negative_count() -> None:
    assert generate_heldout_e(0, 17) == []
    with pytest.raises(ValueError, match="n must be"):
        generate_heldout_e(-1, 17)
