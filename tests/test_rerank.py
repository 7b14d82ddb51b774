"""Code tests of the re-ranker: category aggregates by hand, candidates, the flat trees."""

from __future__ import annotations

import numpy as np
import pytest

from training.rerank import (
    FEATURE_NAMES,
    CodeGroups,
    TreeEnsemble,
    fit_reranker,
    pair_table,
    ranks,
    reranked_log_odds,
)

LABELS = ["E11.65", "E11.9", "I10", "R59.0", "R59.9"]


def test_ranks_within_each_note() -> None:
    scores = np.array([[0.1, 0.9, 0.5], [0.3, 0.2, 0.1]])
    assert ranks(scores).tolist() == [[2, 0, 1], [0, 1, 2]]


def test_code_groups_aggregate_by_category() -> None:
    groups = CodeGroups(LABELS)
    scores = np.array([[0.2, 0.7, 0.1, 0.4, 0.3]], dtype=np.float32)
    # categories E11 (columns 0-1), I10 (2), R59 (3-4)
    assert groups.best(scores)[0].tolist() == pytest.approx([0.7, 0.7, 0.1, 0.4, 0.4])
    assert groups.total(scores)[0].tolist() == pytest.approx([0.9, 0.9, 0.1, 0.7, 0.7])
    assert groups.length.tolist() == [5, 4, 3, 4, 4]
    assert groups.ends_in_9.tolist() == [0, 1, 0, 0, 1]


def test_code_groups_need_sorted_labels() -> None:
    with pytest.raises(ValueError, match="sorted"):
        CodeGroups(["I10", "E11.9"])


def _components(notes: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    names = ("tfidf", "knn", "knn_wide", "embedding", "description", "lexical")
    return {name: rng.random((notes, len(LABELS)), dtype=np.float32) for name in names}


def test_pair_table_covers_small_label_spaces_whole() -> None:
    rng = np.random.default_rng(0)
    components = _components(3, rng)
    seen = np.array([True, True, True, False, True])
    table = pair_table(components, components["tfidf"], seen, np.full(5, 0.1), CodeGroups(LABELS))
    # fewer labels than any candidate depth: every (note, code) pair is a candidate
    assert len(table.rows) == 3 * len(LABELS)
    assert table.features.shape == (15, len(FEATURE_NAMES))
    seen_column = table.features[:, FEATURE_NAMES.index("seen")]
    assert seen_column.tolist() == [float(seen[c]) for c in table.columns]


def test_flat_trees_match_scikit_learn_and_round_trip() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rng = np.random.default_rng(1)
    x = rng.normal(size=(600, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] ** 2 + 0.3 * rng.normal(size=600) > 1.0).astype(int)
    model = HistGradientBoostingClassifier(max_iter=25, random_state=0).fit(x, y)
    trees = TreeEnsemble.from_arrays(TreeEnsemble.from_sklearn(model).to_arrays("r_"), "r_")
    np.testing.assert_allclose(trees.probability(x), model.predict_proba(x)[:, 1], atol=1e-9)


def test_reranked_log_odds_put_candidates_first() -> None:
    rng = np.random.default_rng(2)
    components = _components(40, rng)
    groups = CodeGroups(LABELS)
    table = pair_table(components, components["tfidf"], np.ones(5, bool), np.full(5, 0.2), groups)
    gold = (components["description"] > 0.5).astype(np.float32)
    ranker = fit_reranker([table], [gold], seed=0)
    assert ranker is not None
    raw = reranked_log_odds(ranker, table, components["tfidf"])
    assert raw.shape == (40, 5) and np.isfinite(raw).all()
    # the description score decides gold here, so the re-ranker learns to follow it
    top = raw.argmax(axis=1)
    assert np.mean(gold[np.arange(40), top]) > 0.8


def test_single_class_pairs_give_no_ranker() -> None:
    rng = np.random.default_rng(3)
    components = _components(4, rng)
    table = pair_table(components, components["tfidf"], np.ones(5, bool), np.zeros(5),
                       CodeGroups(LABELS))  # fmt: skip
    assert fit_reranker([table], [np.zeros((4, 5), np.float32)], seed=0) is None
