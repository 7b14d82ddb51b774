"""Tests of the held-out de-identification benchmark: scoring by hand, gold spans, smoke run."""

from __future__ import annotations

import ipaddress
import json
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

# ``benchmarks`` is not an installed package: import it from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import deid as bench  # noqa: E402
from benchmarks import phi_heldout_b as hb  # noqa: E402
from benchmarks.phi_heldout import EPONYM_PHRASES, FAMILIES, generate_heldout  # noqa: E402
from benchmarks.phi_heldout_b import (  # noqa: E402
    EPONYM_BY_SURNAME,
    EPONYM_PHRASES_B,
    FAMILIES_B,
    generate_heldout_b,
)
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
    report = bench.main(["--n", "5", "--seed", "3", "--set", "a", "--out", str(out)])["a"]
    assert json.loads(out.read_text(encoding="utf-8"))["corpus"]["notes"] == 5
    for system in report["systems"].values():
        assert 0.0 <= system["recall"] <= 1.0
        assert system["throughput"]["notes_per_s"] > 0
    assert set(report["targets"]) >= {"recall >= 99.5%", "throughput >= Presidio"}


# Held-out set B
def test_heldout_b_gold_spans_are_exact_and_well_formed() -> None:
    notes = generate_heldout_b(80, seed=11)
    assert {note.family for note in notes} == set(FAMILIES_B)
    assert not set(FAMILIES_B) & set(FAMILIES)  # no family repeats set A's
    for note in notes:
        assert all(a.end <= b.start for a, b in zip(note.spans, note.spans[1:], strict=False))
        for span in note.spans:
            value = note.text[span.start : span.end]
            assert span.phi_type in PHI_TYPES and value and value == value.strip()
            if span.phi_type == "MRN":
                assert value == note.identifiers["mrn"]
            if span.phi_type == "EMAIL":
                assert re.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+", value)
            if span.phi_type == "AGE":
                assert not value.isdigit() or int(value) > 89
            if span.phi_type == "IP":
                ipaddress.ip_address(value)  # raises on a malformed address
        assert all(note.text[a:b] in EPONYM_PHRASES_B for a, b in note.keep_spans)
        assert note.patient_id.startswith("HB011-")
        assert set(note.identifiers) == {"patient_name", "mrn", "birth_date", "address", "phone"}


def test_heldout_b_covers_every_phi_type_and_eponym_named_patients() -> None:
    notes = generate_heldout_b(200, seed=2)
    assert {span.phi_type for note in notes for span in note.spans} == set(PHI_TYPES)
    kept = {note.text[a:b] for note in notes for a, b in note.keep_spans}
    assert kept == set(EPONYM_PHRASES_B)
    named = [n for n in notes if n.identifiers["patient_name"].split()[-1] in EPONYM_BY_SURNAME]
    assert named
    # The patient's surname is a NAME while a same-named eponym in the note is kept.
    both = [
        note
        for note in named
        if any(
            note.text[a:b].startswith(note.identifiers["patient_name"].split()[-1])
            for a, b in note.keep_spans
        )
    ]
    assert both


def test_heldout_b_builder_records_exact_offsets() -> None:
    builder = hb._Builder()
    builder.add("Pt: ").phi("Ann Lee", "NAME").add(", hx ").eponym("Addison disease")
    builder.row("\nDOB", "03/05/1931", "DATE")
    assert builder.text() == "Pt: Ann Lee, hx Addison disease\nDOB: 03/05/1931\n"
    assert builder.spans == [PhiSpan(4, 11, "NAME"), PhiSpan(37, 47, "DATE")]
    assert builder.keep == [(16, 31)]
    with pytest.raises(ValueError, match="empty or padded"):
        builder.phi(" 555-0100", "PHONE")


@pytest.mark.parametrize(
    ("age", "words"),
    [(90, "ninety"), (93, "ninety-three"), (100, "one hundred"), (102, "one hundred and two")],
)
def test_heldout_b_spells_ages_over_89(age: int, words: str) -> None:
    assert hb._age_words(age) == words


def test_heldout_b_date_styles_put_the_yearless_ones_last() -> None:
    styles = hb._date_styles(date(2024, 3, 5))
    assert {"03/05/2024", "5 Mar 2024", "05-MAR-2024", "Mar 2024", "20240305"} <= set(styles)
    yearless = styles[-hb._YEARLESS_STYLES :]
    assert yearless == ("3/5", "5 Mar", "March 5th", "Tue 03/05")
    assert all("24" in style for style in styles[: -hb._YEARLESS_STYLES])


def test_heldout_b_notes_are_deterministic_by_seed() -> None:
    assert generate_heldout_b(15, seed=5) == generate_heldout_b(15, seed=5)
    assert generate_heldout_b(15, seed=5) != generate_heldout_b(15, seed=6)
    with pytest.raises(ValueError, match="n must be >= 0"):
        generate_heldout_b(-1, seed=5)


def test_benchmark_smoke_run_on_set_b(tmp_path: Path) -> None:
    pytest.importorskip("presidio_analyzer")
    out = tmp_path / "deid_b.json"
    reports = bench.main(["--n", "5", "--seed", "3", "--set", "b", "--out", str(out)])
    assert list(reports) == ["b"]
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["config"]["heldout_set"] == "b"
    assert written["corpus"]["notes"] == 5
    assert written["corpus"]["families"] == sorted(FAMILIES_B)
    for system in reports["b"]["systems"].values():
        assert 0.0 <= system["recall"] <= 1.0


def test_set_flag_defaults_to_both_and_names_the_sets() -> None:
    assert bench._parse_args([]).heldout_set == "both"
    assert bench._parse_args(["--set", "b"]).heldout_set == "b"
    assert bench._parse_args(["--set", "c"]).heldout_set == "c"
    assert bench._parse_args(["--set", "d"]).heldout_set == "d"
    assert bench._parse_args(["--set", "e"]).heldout_set == "e"
    assert bench._parse_args(["--set", "f"]).heldout_set == "f"
    assert bench._parse_args(["--set", "g"]).heldout_set == "g"
    assert bench._parse_args(["--set", "h"]).heldout_set == "h"
    with pytest.raises(SystemExit):
        bench._parse_args(["--set", "i"])
    with pytest.raises(
        ValueError,
        match=r"heldout_set must be one of \['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'\]",
    ):
        bench.run_benchmark(1, seed=1, heldout_set="i")


def test_age_class_90_plus_is_not_a_residual_of_an_age_of_90() -> None:
    text = "Patient aged 90 today."
    note = AnnotatedNote(text=text, spans=[PhiSpan(13, 15, "AGE")])
    assert bench.residual_counts(note, "Patient aged 90+ today.") == {}
    assert bench.residual_counts(note, "Patient aged 90 today.") == {"AGE": 1}
