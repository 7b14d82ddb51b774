"""Code tests: note segmentation, negation scopes, evidence spans, label text, calibration."""

from __future__ import annotations

import numpy as np
import pytest

from training.calibrate import apply_platt, fit_platt, per_code_thresholds, suggested_at
from training.evidence import (
    MAX_SEGMENT_CHARS,
    Segment,
    affirmed,
    evidence_spans,
    mark_negations,
    split_segments,
)
from training.labels import candidate_codes, code_text


def _clauses(note: str) -> list[tuple[str, bool]]:
    return [(note[s.start : s.end], s.negated) for s in split_segments(note)]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("No evidence of pneumonia.", [("No evidence of pneumonia", True)]),
        (
            "Denies chest pain but reports cough.",
            [("Denies chest pain", True), ("but reports cough", False)],
        ),
        (
            "Tuberculosis was ruled out, fever persists.",
            [("Tuberculosis was ruled out", True), ("fever persists", False)],
        ),
        (
            "Dose 3.5 mg daily. Hypertension.",
            [("Dose 3.5 mg daily", False), ("Hypertension", False)],
        ),
        ("Asthma.\n\nNegative for diabetes", [("Asthma", False), ("Negative for diabetes", True)]),
    ],
)
def test_segments_split_sentences_and_negation_scopes(note, expected) -> None:
    assert _clauses(note) == expected


def test_long_clauses_are_cut_and_offsets_index_the_note() -> None:
    note = "Intro. " + " ".join(["word"] * 300) + "."
    segments = split_segments(note)
    assert all(s.end - s.start <= MAX_SEGMENT_CHARS for s in segments)
    assert all(note[s.start : s.end].strip() == note[s.start : s.end] for s in segments)
    assert sum(note[s.start : s.end].count("word") for s in segments) == 300


def test_negated_words_get_a_prefix_and_affirmed_ones_do_not() -> None:
    note = "No pneumonia; asthma present."
    assert mark_negations(note) == "neg_No neg_pneumonia; asthma present."
    assert [s.negated for s in affirmed(split_segments(note))] == [False]


def test_evidence_spans_rank_segments_and_drop_weak_ones() -> None:
    segments = [Segment(0, 5, False), Segment(6, 12, False), Segment(13, 20, False)]
    spans = evidence_spans(np.array([0.2, 0.9, 0.5]), segments, top_n=3, min_score=0.3)
    assert spans == [
        {"start": 6, "end": 12, "score": pytest.approx(0.9)},
        {"start": 13, "end": 20, "score": pytest.approx(0.5)},
    ]
    # The best span is kept even below the floor; nothing comes from no segment.
    assert len(evidence_spans(np.array([0.1]), segments[:1], 2, 0.3)) == 1
    assert evidence_spans(np.zeros(0), [], 2, 0.3) == []


def test_code_text_carries_description_and_inclusion_terms() -> None:
    assert code_text("A00.0").startswith("Cholera due to Vibrio cholerae 01, biovar cholerae")
    assert "Classical cholera" in code_text("A00.0")
    assert "high blood pressure" in code_text("I10")
    # A code unknown to ICD-10-CM falls back to its category.
    assert code_text("E11.99999") == code_text("E11")


def test_candidates_add_unseen_siblings_without_seventh_characters() -> None:
    candidates = candidate_codes(["E11.9", "S72.001A"], max_candidates=5_000)
    assert {"E11.9", "E11.65", "S72.001A"} <= set(candidates)  # seen codes always kept
    assert "S72.001" in candidates and "S72.001D" not in candidates
    assert candidate_codes(["E11.9", "J18.9"], max_candidates=3) == ["E11.9", "J18.9"]


def test_platt_scaling_recovers_a_known_logistic_curve() -> None:
    rng = np.random.default_rng(0)
    scores = rng.uniform(-3, 3, size=(400, 50)).astype(np.float32)
    targets = (rng.uniform(size=scores.shape) < 1 / (1 + np.exp(-(2 * scores - 1)))).astype(float)
    slope, intercept = fit_platt(scores, targets, top=50)
    assert slope == pytest.approx(2.0, abs=0.2)
    assert intercept == pytest.approx(-1.0, abs=0.2)
    assert apply_platt(np.array([0.5]), slope, intercept)[0] == pytest.approx(0.5, abs=0.05)


def test_per_code_threshold_only_where_validation_supports_it() -> None:
    # 30 notes. A: gold in notes 0-4 at 0.2, 0.1 elsewhere. B: gold in notes 0-5 at 0.9, 0.3
    # in the 24 others. Globally, 0.35 wins (micro-F1 12/17 against 22/46 at 0.15); A alone
    # is perfect at 0.15, so it gets that threshold; B's best is the global one.
    probabilities = np.full((30, 2), [0.1, 0.3], dtype=np.float32)
    probabilities[:5, 0], probabilities[:6, 1] = 0.2, 0.9
    gold = [["A"] * (i < 5) + ["B"] * (i < 6) for i in range(30)]
    global_threshold, own = per_code_thresholds(probabilities, ["A", "B"], gold, min_positives=5)
    assert global_threshold == pytest.approx(0.35)
    assert own == {"A": pytest.approx(0.15)}
    limits = np.array([own["A"], global_threshold], dtype=np.float32)
    suggested = suggested_at(probabilities, ["A", "B"], limits)
    assert suggested == gold
