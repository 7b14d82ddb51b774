"""Metric functions against values worked out by hand."""

from __future__ import annotations

import pytest

from validation.metrics import (
    average_precision,
    category_of,
    chapter_of,
    evaluate_codes,
    per_chapter_metrics,
    per_code_metrics,
    precision_at_k,
    ranking_metrics,
    set_metrics,
    to_categories,
)

GOLD = [["A00.0", "B01.9"], ["C50.911"]]
SUGGESTED = [["A00.0", "D50.9"], ["C50.911"]]
RANKED = [["A00.0", "D50.9", "B01.9"], ["C50.911"]]


def test_set_metrics_by_hand() -> None:
    # tp = A00.0, C50.911; fp = D50.9; fn = B01.9 -> micro P = R = F1 = 2/3.
    m = set_metrics(GOLD, SUGGESTED)
    assert m["micro_precision"] == pytest.approx(2 / 3)
    assert m["micro_recall"] == pytest.approx(2 / 3)
    assert m["micro_f1"] == pytest.approx(2 / 3)
    # Macro over the gold codes A00.0 (F1 1), B01.9 (F1 0), C50.911 (F1 1).
    assert m["macro_f1"] == pytest.approx(2 / 3)
    assert m["macro_recall"] == pytest.approx(2 / 3)


def test_average_precision_codiesp_definition() -> None:
    # Gold hits at ranks 1 and 3: (1/1 + 2/3) / 2 gold codes.
    assert average_precision(["A00.0", "B01.9"], RANKED[0]) == pytest.approx((1 + 2 / 3) / 2)
    # A gold code never ranked still counts in the denominator.
    assert average_precision(["A00.0", "Z00.00"], ["A00.0"]) == pytest.approx(0.5)
    assert average_precision([], ["A00.0"]) == 0.0


def test_ranking_metrics_by_hand() -> None:
    m = ranking_metrics(GOLD, RANKED, k=2)
    assert m["p_at_2"] == pytest.approx((1 / 2 + 1 / 2) / 2)
    assert m["map"] == pytest.approx(((1 + 2 / 3) / 2 + 1.0) / 2)
    assert precision_at_k(["A00.0"], ["X", "Y", "A00.0"], 5) == pytest.approx(1 / 5)


def test_per_code_counts_and_sorting() -> None:
    rows = per_code_metrics(GOLD, SUGGESTED)
    assert rows["D50.9"] == {
        "tp": 0,
        "fp": 1,
        "fn": 0,
        "support": 0,
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert rows["B01.9"]["fn"] == 1 and rows["B01.9"]["recall"] == 0.0
    assert list(rows)[-1] == "D50.9"  # unsupported codes sort last


def test_chapters_and_categories() -> None:
    assert chapter_of("E11.9") == "Chapter 4"
    assert chapter_of("I10") == "Chapter 9"
    assert chapter_of("NOT.A.CODE") == "unknown"
    assert category_of("E11.9") == "E11"
    assert to_categories([["E11.9", "E11.65", "I10"]]) == [["E11", "I10"]]
    chapters = per_chapter_metrics([["E11.9", "I10"]], [["E11.65", "I10"]])
    assert chapters["Chapter 9"]["f1"] == 1.0
    assert chapters["Chapter 4"]["tp"] == 0 and chapters["Chapter 4"]["fp"] == 1


def test_misaligned_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="2 cases"):
        evaluate_codes(GOLD, SUGGESTED[:1], RANKED)
