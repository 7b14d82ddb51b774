"""Second-stage re-ranker of the hybrid coder: gradient-boosted trees over (note, code) pairs.

The first stage gives each candidate code of a note several scores (TF-IDF regression,
neighbour votes, note-embedding regression, description similarity). The re-ranker reads them
together with their ranks within the note, the code's prior frequency, whether it was seen in
training and aggregates over its 3-character category, and estimates the probability that the
code is gold. It sees only the candidates: the union of each source's top codes for the note.

It is trained on cross-fitted first-stage scores (each note scored by classifiers that never saw
it), so that it learns from scores as noisy as those of new notes, and codes absent from the
other folds teach it what an unseen gold code looks like.

The fitted trees are stored as plain arrays and evaluated with numpy: loading a model never
unpickles anything.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

# Per source, how many of a note's top codes become candidates. Chosen on the CodiEsp train
# slice: these keep 73% of the gold codes at about 240 candidates per note (half as deep kept
# 63% at 110, and gave a lower slice MAP).
CANDIDATE_DEPTHS = {
    "tfidf": 60, "knn": 60, "embedding": 40, "description_seen": 50, "description_unseen": 60,
    "lexical_unseen": 40, "mixed": 100,
}  # fmt: skip
# A pair's agreement feature counts the sources that rank the code within this depth.
AGREEMENT_DEPTH = 10
# Boosting settings (chosen on the CodiEsp train slice; leaves of 40 pairs keep the rare
# positive patterns from being memorised).
BOOSTING = {
    "max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 31, "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}  # fmt: skip
# Log-odds of non-candidates (plus their first-stage score scaled to [0, 1]): below any
# candidate, whose log-odds stay above -20 in practice.
NON_CANDIDATE_FLOOR = -40.0
# Neighbours consulted by the wide neighbour score (the first stage's own uses knn_k).
WIDE_KNN_K = 50


@dataclass
class TreeEnsemble:
    """Boosted regression trees for a binary target, as flat arrays (one row per node).

    ``roots[t]`` is the node index of tree ``t``'s root; children indices are global. A pair
    goes left when its feature value is ``<= threshold`` (NaN follows ``missing_left``).
    """

    feature: np.ndarray  # (nodes,) int64
    threshold: np.ndarray  # (nodes,) float64
    missing_left: np.ndarray  # (nodes,) bool
    left: np.ndarray  # (nodes,) int64
    right: np.ndarray  # (nodes,) int64
    value: np.ndarray  # (nodes,) float64, leaf values (raw log-odds contributions)
    is_leaf: np.ndarray  # (nodes,) bool
    roots: np.ndarray  # (trees,) int64
    baseline: float  # raw log-odds before the first tree

    @classmethod
    def from_sklearn(cls, model: object) -> TreeEnsemble:
        """Flatten a fitted binary ``HistGradientBoostingClassifier`` (numeric features)."""
        parts, roots, offset = [], [], 0
        for (predictor,) in model._predictors:  # one tree per iteration for a binary target
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not supported by TreeEnsemble")
            parts.append((nodes, offset))
            roots.append(offset)
            offset += len(nodes)

        def joined(name: str, shift: bool = False) -> np.ndarray:
            return np.concatenate([n[name].astype(np.int64) + o if shift else n[name]
                                   for n, o in parts])  # fmt: skip

        return cls(
            feature=joined("feature_idx").astype(np.int64),
            threshold=joined("num_threshold").astype(np.float64),
            missing_left=joined("missing_go_to_left").astype(bool),
            left=joined("left", shift=True), right=joined("right", shift=True),
            value=joined("value").astype(np.float64), is_leaf=joined("is_leaf").astype(bool),
            roots=np.asarray(roots, dtype=np.int64),
            baseline=float(np.ravel(model._baseline_prediction)[0]),
        )  # fmt: skip

    def raw(self, features: np.ndarray, chunk: int = 32) -> np.ndarray:
        """Log-odds ``(pairs,)`` of ``features`` ``(pairs, features)``."""
        total = np.full(len(features), self.baseline, dtype=np.float64)
        rows = np.arange(len(features))[:, None]
        for start in range(0, len(self.roots), chunk):
            # (pairs, trees in chunk) node positions, walked down until every one is a leaf
            roots = self.roots[start : start + chunk]
            node = np.broadcast_to(roots, (len(features), len(roots))).copy()
            while True:
                inner = ~self.is_leaf[node]
                if not inner.any():
                    break
                values = features[rows, self.feature[node]]
                go_left = np.where(np.isnan(values), self.missing_left[node],
                                   values <= self.threshold[node])  # fmt: skip
                step = np.where(go_left, self.left[node], self.right[node])
                node = np.where(inner, step, node)
            total += self.value[node].sum(axis=1)
        return total

    def probability(self, features: np.ndarray) -> np.ndarray:
        """``P(gold)`` of each pair."""
        return 1.0 / (1.0 + np.exp(-self.raw(features)))

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """Arrays to store in an ``.npz`` under ``prefix``."""
        names = ("feature", "threshold", "missing_left", "left", "right", "value", "is_leaf",
                 "roots")  # fmt: skip
        arrays = {f"{prefix}{name}": getattr(self, name) for name in names}
        arrays[f"{prefix}baseline"] = np.asarray([self.baseline])
        return arrays

    @classmethod
    def from_arrays(cls, data: dict[str, np.ndarray], prefix: str) -> TreeEnsemble:
        """Inverse of ``to_arrays``."""
        names = ("feature", "threshold", "missing_left", "left", "right", "value", "is_leaf",
                 "roots")  # fmt: skip
        fields = {name: data[f"{prefix}{name}"] for name in names}
        return cls(**fields, baseline=float(data[f"{prefix}baseline"][0]))


@dataclass
class PairTable:
    """Candidate (note, code) pairs of a note set and their features."""

    rows: np.ndarray  # (pairs,) note index
    columns: np.ndarray  # (pairs,) label index
    features: np.ndarray  # (pairs, len(FEATURE_NAMES)) float32


FEATURE_NAMES = (
    "tfidf", "knn", "knn_wide", "embedding", "description", "mixed",
    "rank_tfidf", "rank_knn", "rank_embedding", "rank_description", "rank_mixed",
    "rank_description_seen", "rank_description_unseen", "description_below_best",
    "category_tfidf", "category_knn", "category_description", "category_knn_sum",
    "tfidf_below_category", "knn_below_category", "description_below_category",
    "prior", "category_prior", "seen", "sources_agreeing", "code_length", "ends_in_9",
    "lexical", "rank_lexical", "category_lexical", "lexical_below_best",
)  # fmt: skip


def ranks(scores: np.ndarray) -> np.ndarray:
    """Rank of each code within its note, 0 for the best ``(notes, labels)``."""
    order = np.argsort(-scores, axis=1, kind="stable")
    out = np.empty_like(order)
    np.put_along_axis(out, order, np.broadcast_to(np.arange(scores.shape[1]), order.shape), 1)
    return out


class CodeGroups:
    """Static facts of the label space: 3-character categories, code lengths, ``.9`` codes."""

    def __init__(self, labels: Sequence[str]) -> None:
        bare = [code.replace(".", "") for code in labels]
        categories = np.asarray([code[:3] for code in bare])
        if len(categories) and (categories[1:] < categories[:-1]).any():
            raise ValueError("labels must be sorted so that each category is contiguous")
        boundary = np.r_[True, categories[1:] != categories[:-1]] if len(bare) else np.zeros(0)
        self.starts = np.flatnonzero(boundary)  # first column of each category
        self.category = np.cumsum(boundary) - 1  # (labels,) category index
        self.length = np.asarray([len(code) for code in bare], dtype=np.float32)
        self.ends_in_9 = np.asarray([code.endswith("9") for code in bare], dtype=np.float32)

    def best(self, scores: np.ndarray) -> np.ndarray:
        """Highest score within each code's category, per note ``(notes, labels)``."""
        return np.maximum.reduceat(scores, self.starts, axis=1)[:, self.category]

    def total(self, scores: np.ndarray) -> np.ndarray:
        """Sum of scores within each code's category ``(notes, labels)`` (2-D input)."""
        return np.add.reduceat(scores, self.starts, axis=1)[:, self.category]


def pair_table(
    components: dict[str, np.ndarray],
    mixed: np.ndarray,
    seen: np.ndarray,
    prior: np.ndarray,
    groups: CodeGroups,
) -> PairTable:
    """Candidates of each note and the features of every candidate pair.

    Args:
        components: ``tfidf``, ``knn``, ``knn_wide``, ``embedding``, ``description`` and
            ``lexical`` scores, each ``(notes, labels)``.
        mixed: ``(notes, labels)`` first-stage mixture.
        seen: ``(labels,)`` codes present in the notes the first stage was fitted on.
        prior: ``(labels,)`` share of those notes carrying each code.
        groups: Categories and code facts of the label space.
    """
    notes = mixed.shape[0]
    description, lexical = components["description"], components["lexical"]
    rank = {name: ranks(components[name]) for name in ("tfidf", "knn", "embedding", "lexical")}
    rank["description"], rank["mixed"] = ranks(description), ranks(mixed)
    rank["seen"] = ranks(np.where(seen, description, -1.0))
    rank["unseen"] = ranks(np.where(seen, -1.0, description))
    rank["lexical_unseen"] = ranks(np.where(seen, -1.0, lexical))
    depth = CANDIDATE_DEPTHS
    candidate = (
        (rank["tfidf"] < depth["tfidf"]) | (rank["knn"] < depth["knn"])
        | (rank["embedding"] < depth["embedding"]) | (rank["mixed"] < depth["mixed"])
        | (rank["seen"] < depth["description_seen"])
        | (rank["unseen"] < depth["description_unseen"])
        | (rank["lexical_unseen"] < depth["lexical_unseen"])
    )  # fmt: skip
    rows, columns = np.nonzero(candidate)

    # Features, each (notes, labels) or (labels,), read at the candidate pairs only.
    best = {name: groups.best(components[name])
            for name in ("tfidf", "knn", "description", "lexical")}  # fmt: skip
    agreeing = sum((rank[name] < AGREEMENT_DEPTH).astype(np.float32)
                   for name in ("tfidf", "knn", "embedding", "description"))  # fmt: skip
    prior_row = prior[None, :]
    columns_of = [
        components["tfidf"], components["knn"], components["knn_wide"],
        components["embedding"], description, mixed,
        *(np.log1p(rank[name]) for name in ("tfidf", "knn", "embedding", "description",
                                            "mixed", "seen", "unseen")),
        description - description.max(axis=1, keepdims=True),
        best["tfidf"], best["knn"], best["description"], groups.total(components["knn"]),
        components["tfidf"] - best["tfidf"], components["knn"] - best["knn"],
        description - best["description"],
        np.log1p(100.0 * prior_row), np.log1p(100.0 * groups.total(prior_row)),
        seen.astype(np.float32)[None, :], agreeing,
        groups.length[None, :], groups.ends_in_9[None, :],
        lexical, np.log1p(rank["lexical"]), best["lexical"],
        lexical - lexical.max(axis=1, keepdims=True),
    ]  # fmt: skip
    features = np.empty((len(rows), len(columns_of)), dtype=np.float32)
    for k, values in enumerate(columns_of):
        values = np.broadcast_to(values, (notes, values.shape[1]))
        features[:, k] = values[rows, columns]
    return PairTable(rows, columns, features)


def fit_reranker(tables: Sequence[PairTable], targets: Sequence[np.ndarray], seed: int):
    """Boosted trees on the pairs of ``tables``; ``targets[i]`` is table i's gold matrix.

    Returns:
        A ``TreeEnsemble``, or ``None`` when the pairs hold a single class (nothing to learn).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.vstack([t.features for t in tables])
    y = np.concatenate([g[t.rows, t.columns] for t, g in zip(tables, targets, strict=True)])
    if y.min(initial=0) == y.max(initial=0):
        logger.warning("re-ranker skipped: its %d training pairs hold a single class", len(y))
        return None
    model = HistGradientBoostingClassifier(**BOOSTING, random_state=seed).fit(x, y)
    logger.info("re-ranker: %d trees on %d pairs (%d gold)", model.n_iter_, len(y), int(y.sum()))
    return TreeEnsemble.from_sklearn(model)


def reranked_log_odds(ranker: TreeEnsemble, table: PairTable, mixed: np.ndarray) -> np.ndarray:
    """``(notes, labels)`` log-odds: the re-ranker's for candidates, far lower for the rest.

    Non-candidates keep their first-stage order, below every candidate, so the ranked list
    stays complete.
    """
    out = (NON_CANDIDATE_FLOOR + mixed / max(float(mixed.max(initial=0.0)), 1e-12)).astype(
        np.float32
    )
    out[table.rows, table.columns] = ranker.raw(table.features)
    return out
