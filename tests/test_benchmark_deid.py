"""Tests of the held-out de-identification benchmark: scoring by hand, gold spans, smoke run."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# ``benchmarks`` is not an installed package: import it from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import deid as bench  # noqa: E402
from benchmarks.phi_heldout import EPONYM_PHRASES, FAMILIES, generate_heldout  # noqa: E402
from training.phi.types import PHI_TYPES, AnnotatedNote, PhiSpan  # noqa: E402


def _span(text: str, value: str, phi_type: str) -> PhiSpan:
    start = text.index(value)
    return PhiSpan(start, start + len(value), phi_type)


@pytest.mark.parametrize(
    ("detected", "caught"),
    [
        ([(10, 20)], True),  # exact
        ([(10, 15), (15, 19)], True),  # two pieces, 9 of 10 characters = 90%
        ([(10, 18)], False),  # 8 of 10
        ([(0, 30)], True),  # wider than the gold span
        ([(20, 30)], False),  # touches but does not overlap
        ([], False),
    ],
)
def test_is_caught_applies_the_90_percent_coverage_rule(
    detected: list[tuple[int, int]], caught: bool
) -> None:
    spans = [PhiSpan(a, b, "NAME") for a, b in detected]
    intervals = bench.merge_intervals(spans)
    assert bench.is_caught(PhiSpan(10, 20, "NAME"), intervals, coverage=0.9) is caught


def test_merge_intervals_joins_overlapping_and_adjacent_spans() -> None:
    spans = [PhiSpan(5, 8, "DATE"), PhiSpan(0, 3, "NAME"), PhiSpan(3, 4, "ID"), PhiSpan(7, 9, "X")]
    assert bench.merge_intervals(spans) == [(0, 4), (5, 9)]
    assert bench.covered_chars([(0, 4), (5, 9)], 2, 7) == 4  # 2,3 and 5,6


def test_tally_scores_a_hand_made_note() -> None:
    text = "Seen by Ann Lee on 03/14/2024 for Wilson disease."
    name, day = _span(text, "Ann Lee", "NAME"), _span(text, "03/14/2024", "DATE")
    keep = _span(text, "Wilson disease", "KEEP")
    note = AnnotatedNote(text, [name, day], keep_spans=[(keep.start, keep.end)], family="f")
    detected = [
        _span(text, "Ann", "NAME"),  # 3 of 7 characters: the name is missed
        day,  # caught
        _span(text, "Wilson", "NAME"),  # false positive on the eponym
    ]
    tally = bench.Tally()
    tally.add(note, detected, coverage=0.9)
    summary = tally.summary()

    assert summary["recall"] == 1 / 2
    assert summary["per_type"]["NAME"]["recall"] == 0.0
    assert summary["per_type"]["DATE"]["recall"] == 1.0
    # Tokens: Ann, Lee, 03, 14, 2024; all but Lee covered.
    assert summary["token_recall"] == 4 / 5
    assert summary["precision"] == 2 / 3
    assert summary["per_type"]["NAME"]["precision"] == 1 / 2
    assert summary["structured_recall"] == 1.0  # DATE is structured, NAME is not
    assert summary["eponym_retention"] == 0.0
    assert summary["per_family_recall"] == {"f": 1 / 2}


def test_residual_counts_ignore_non_phi_occurrences_of_a_value() -> None:
    text = "Aged 92, BP 92/60, seen by Ann Lee."
    note = AnnotatedNote(text, [_span(text, "92", "AGE"), _span(text, "Ann Lee", "NAME")])
    assert bench.residual_counts(note, "Aged [AGE], BP 92/60, seen by Jo Day.") == {}
    assert bench.residual_counts(note, text) == {"AGE": 1, "NAME": 1}


def test_presidio_detector_maps_entity_names() -> None:
    @dataclass
    class Result:
        entity_type: str
        start: int
        end: int

    class Analyzer:
        def analyze(self, text: str, language: str, score_threshold: float) -> list[Result]:
            return [Result("US_SSN", 0, 11), Result("NRP", 12, 15), Result("PERSON", 16, 19)]

    detect = bench.presidio_detector(Analyzer(), threshold=0.35)
    assert [s.phi_type for s in detect("x" * 20, None)] == ["SSN", "OTHER", "NAME"]


def test_run_detectors_times_every_system_on_every_note() -> None:
    notes = generate_heldout(7, seed=1)
    calls: list[str] = []

    def detect(text: str, identifiers: dict[str, str] | None) -> list[PhiSpan]:
        calls.append(text)
        return [PhiSpan(0, 1, "NAME")]

    spans, seconds = bench.run_detectors({"a": detect, "b": detect}, notes, chunks=3)
    assert [len(spans[name]) for name in ("a", "b")] == [7, 7]
    assert len(calls) == 2 * (7 + bench.WARMUP_NOTES)
    assert set(seconds) == {"a", "b"} and all(s >= 0 for s in seconds.values())


def test_heldout_gold_spans_are_exact_and_well_formed() -> None:
    notes = generate_heldout(64, seed=11)
    assert {note.family for note in notes} == set(FAMILIES)
    eponyms = {phrase.lower() for phrase in EPONYM_PHRASES}
    for note in notes:
        assert all(a.end <= b.start for a, b in zip(note.spans, note.spans[1:], strict=False))
        for span in note.spans:
            value = note.text[span.start : span.end]
            assert span.phi_type in PHI_TYPES and value and value == value.strip()
            if span.phi_type == "MRN":
                assert value == note.identifiers["mrn"]
            if span.phi_type == "EMAIL":
                assert re.fullmatch(r"[\w.]+@[\w.-]+\.\w+", value)
            if span.phi_type == "IP":
                assert re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", value)
        assert all(note.text[a:b].lower() in eponyms for a, b in note.keep_spans)
        assert note.patient_id and set(note.identifiers) >= {"patient_name", "mrn", "birth_date"}


def test_heldout_notes_are_deterministic_by_seed() -> None:
    assert generate_heldout(12, seed=5) == generate_heldout(12, seed=5)
    assert generate_heldout(12, seed=5) != generate_heldout(12, seed=6)


def test_benchmark_smoke_run_writes_a_report(tmp_path: Path) -> None:
    pytest.importorskip("presidio_analyzer")
    out = tmp_path / "deid.json"
    report = bench.main(["--n", "5", "--seed", "3", "--out", str(out)])
    assert json.loads(out.read_text(encoding="utf-8"))["corpus"]["notes"] == 5
    for system in report["systems"].values():
        assert 0.0 <= system["recall"] <= 1.0
        assert system["throughput"]["notes_per_s"] > 0
    assert set(report["targets"]) >= {"recall >= 99.5%", "throughput >= Presidio"}
