"""Sampling plan, sample size and bootstrap intervals, checked against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from validation.sampling import (
    bootstrap_f1,
    decision_counts,
    draw_sample,
    interval_table,
    sample_size,
    z_value,
)


def test_sample_size_by_hand() -> None:
    # z(0.95) = 1.95996; var = 0.8 * 0.2 = 0.16; half width 0.075
    # n = 1.95996^2 * 0.16 / 0.075^2 = 3.84146 * 0.16 / 0.005625 = 109.27 -> 110
    plan = sample_size(0.15, 0.95, 0.8)
    assert plan["z"] == pytest.approx(1.959964, abs=1e-6)
    assert plan["variance"] == pytest.approx(0.16)
    assert plan["n"] == plan["unclamped"] == 110
    # an explicit variance wins over assumed_f1: 3.84146 * 0.04 / 0.0025 = 61.46 -> 62
    assert sample_size(0.1, 0.95, 0.8, variance=0.04)["n"] == 62
    assert sample_size(0.15, 0.95, 0.8, minimum=200)["n"] == 200
    assert sample_size(0.15, 0.95, 0.8, maximum=50)["n"] == 50
    assert z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    with pytest.raises(ValueError, match="ci_width"):
        sample_size(0.0, 0.95, 0.8)


def _pool() -> pd.DataFrame:
    note_types = ["discharge summary"] * 60 + ["ED note"] * 30 + ["pathology report"] * 10
    specialties = ["cardiology"] * 40 + ["medicine"] * 20 + ["emergency"] * 30 + ["pathology"] * 10
    return pd.DataFrame({"note_type": note_types, "specialty": specialties, "x": range(100)})


def test_draw_is_stratified_repeatable_and_recorded() -> None:
    sample, plan = draw_sample(_pool(), 20, seed=7)
    again, _ = draw_sample(_pool(), 20, seed=7)
    assert sample["x"].tolist() == again["x"].tolist()
    assert plan["seed"] == 7 and plan["planned"] == plan["selected"] == 20
    # proportional: 40/100, 20/100, 30/100, 10/100 of 20 cases
    assert {k: v["sample"] for k, v in plan["strata"].items()} == {
        "discharge summary | cardiology": 8,
        "discharge summary | medicine": 4,
        "ED note | emergency": 6,
        "pathology report | pathology": 2,
    }
    assert sample.groupby(["note_type", "specialty"]).size().sum() == 20


def test_small_pool_is_taken_whole_and_every_stratum_kept() -> None:
    sample, plan = draw_sample(_pool().head(65), 200, seed=1)
    assert plan["selected"] == 65 and plan["planned"] == 200
    tiny, tiny_plan = draw_sample(_pool(), 4, seed=1)
    assert all(s["sample"] == 1 for s in tiny_plan["strata"].values()) and len(tiny) == 4


def test_decision_counts_by_hand() -> None:
    gold = [["A", "B"], ["A"], ["C"]]
    suggested = [["A"], ["A", "C"], []]
    groups, tp, fp, fn = decision_counts(gold, suggested, group_of={c: c for c in "ABC"})
    assert groups == ["A", "B", "C"]
    assert tp.toarray().sum(0).tolist() == [2, 0, 0]
    assert fp.toarray().sum(0).tolist() == [0, 0, 1]
    assert fn.toarray().sum(0).tolist() == [0, 1, 1]
    cases, *_ = decision_counts(gold, suggested, case_group=["x", "y", "x"])
    assert cases == ["x", "y"]


def _cases(n_each: int) -> tuple[list[list[str]], list[list[str]]]:
    # per block of 4 cases: tp=2, fp=1, fn=1 -> F1 = 2*2 / (2*2 + 1 + 1) = 2/3
    gold = [["A"], ["A"], ["A"], []] * n_each
    suggested = [["A"], ["A"], [], ["A"]] * n_each
    return gold, suggested


def test_bootstrap_interval_holds_the_estimate_and_shrinks() -> None:
    widths = []
    for n_each in (5, 50):
        gold, suggested = _cases(n_each)
        groups, tp, fp, fn = decision_counts(gold, suggested, group_of={"A": "A"})
        stats = bootstrap_f1(tp, fp, fn, n_boot=400, confidence=0.95, seed=3)
        point, low, high = (stats["f1"][k][0] for k in ("point", "low", "high"))
        assert point == pytest.approx(2 / 3)
        assert low <= point <= high
        widths.append(high - low)
        same = bootstrap_f1(tp, fp, fn, n_boot=400, confidence=0.95, seed=3)
        assert same["f1"]["low"][0] == low  # seeded: repeatable
    assert widths[1] < widths[0] / 2  # 10x the cases: about sqrt(10) narrower


def test_interval_table_counts_and_no_bootstrap() -> None:
    gold, suggested = _cases(2)
    groups, tp, fp, fn = decision_counts(gold, suggested, group_of={"A": "A"})
    row = interval_table(groups, tp, fp, fn, n_boot=0, confidence=0.95, seed=0)["A"]
    assert (row["tp"], row["fp"], row["fn"], row["support"]) == (4, 2, 2, 6)
    assert row["recall"] == pytest.approx(4 / 6) and row["precision"] == pytest.approx(4 / 6)
    assert math.isnan(row["f1_low"])


def test_bootstrap_memory_is_blocked_for_large_samples() -> None:
    rng = np.random.default_rng(0)
    gold = [["A"] if rng.random() < 0.5 else [] for _ in range(20_000)]
    suggested = [g if rng.random() < 0.8 else ["B"] for g in gold]
    groups, tp, fp, fn = decision_counts(gold, suggested, group_of={"A": "A", "B": "B"})
    stats = bootstrap_f1(tp, fp, fn, n_boot=300, seed=1)
    assert np.all(stats["f1"]["low"] <= stats["f1"]["point"])
    assert np.all(stats["f1"]["point"] <= stats["f1"]["high"])
