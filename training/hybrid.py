"""The hybrid coder: four scores per code, mixed with weights tuned on the validation split.

Scores of a note for each candidate code:

* ``tfidf``: one-vs-rest logistic regression on TF-IDF word n-grams, negated words marked
  (codes seen in at least ``train.min_code_count`` training notes);
* ``knn``: share of the ``knn_k`` most similar training notes (TF-IDF cosine, weighted by
  similarity) that carry the code (every code seen in training, even once);
* ``embedding``: logistic regression on the note's mean segment embedding (frozen encoder);
* ``lexical``: IDF-weighted share of the code text's content words present in the note
  (``training.lexical``), a re-ranker feature;
* ``description``: highest cosine similarity between an affirmed segment of the note and the
  code's ICD-10-CM description plus inclusion terms. It is the only score of codes never seen
  in training, and it locates the evidence spans returned with each suggestion.

A second stage re-ranks each note's candidate codes (the union of every score's top codes)
with gradient-boosted trees over those scores, their ranks, the code's prior frequency and its
category's scores (``training.rerank``), trained on cross-fitted first-stage scores.

The long note is read as a sequence of short segments (clauses), each embedded separately, and
pooled over the whole note (mean for the note vector, max for description matching), so nothing
is lost to truncation. The re-ranker's log-odds (or, without a re-ranker, the mixed score) are
mapped to a probability by Platt scaling, and thresholds (global, and per code where the
validation data supports it) are tuned on that probability.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from clinicode.config import TrainParams
from clinicode.errors import ModelError
from clinicode.io import write_text_atomic
from training.baseline import make_vectorizer
from training.calibrate import apply_platt, fit_platt, per_code_thresholds, threshold_vector
from training.encoder import SentenceEncoder, check_runtime, export_onnx, quantize_int8
from training.evidence import Segment, affirmed, evidence_spans, mark_negations, split_segments
from training.labels import candidate_codes, code_texts
from training.lexical import DescriptionLexicon
from training.linear import fit_logistic
from training.model import (
    ENCODER_DIR,
    CodingModel,
    check_notes,
    multi_hot,
    quiet_transformers,
    read_model_json,
    resolve_encoder,
    seed_everything,
    sigmoid,
    suggestions,
    torch_threads,
)
from training.rerank import (
    CodeGroups,
    TreeEnsemble,
    fit_reranker,
    pair_table,
    reranked_log_odds,
)
from validation.calibration import expected_calibration_error, suggestion_outcomes
from validation.metrics import evaluate_codes, ranking_metrics

logger = logging.getLogger(__name__)

ARRAYS_FILE = "hybrid.npz"
VOCABULARY_FILE = "vocabulary.json"
ONNX_FILES = {"fp32": "encoder.onnx", "int8": "encoder.int8.onnx"}
COMPONENTS = ("tfidf", "knn", "embedding", "description", "unseen")
# Mixing weights searched on the validation split (MAP). "unseen" weighs the description score
# of codes absent from training, "description" that of seen codes.
WEIGHT_GRID = {
    "tfidf": (0.0, 0.5, 1.0),
    "knn": (0.0, 0.5, 1.0),
    "embedding": (0.0, 0.5),
    "description": (0.0, 0.25, 0.5),
    "unseen": (1.0, 0.5, 0.25, 0.0),  # descending: on a tie, unseen codes keep a voice
}
# Cosine similarities below this floor count as no match (unrelated MiniLM texts reach 0.2-0.3).
SIMILARITY_FLOORS = (0.3, 0.45)
# Evidence spans past the best one must reach this cosine similarity.
EVIDENCE_MIN_SCORE = 0.3
# Folds of the cross-fitting that gives the re-ranker first-stage scores of unseen notes: the
# validation notes are one fold, the training notes are shuffled into the others.
CROSS_FOLDS = 5
# Neighbours consulted by the wide neighbour score, a re-ranker feature.
WIDE_KNN_K = 50
RANKER_PREFIX = "ranker_"


@dataclass
class NoteFeatures:
    """What the hybrid coder computes once per note set, before mixing."""

    segments: list[list[Segment]]  # per note, the affirmed segments embedded
    segment_embeddings: list[np.ndarray]  # per note, (segments, H)
    note_embeddings: np.ndarray  # (notes, H), unit length (zero when nothing is affirmed)
    tfidf: sp.csr_matrix  # (notes, features)
    components: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (notes, labels)


@dataclass
class Mixture:
    """Weights of the components and the similarity floor."""

    weights: dict[str, float]
    floor: float

    def mix(self, components: dict[str, np.ndarray], seen: np.ndarray) -> np.ndarray:
        """Mixed score ``(notes, labels)``; ``seen`` marks codes present in training."""
        match = np.maximum(components["description"] - self.floor, 0.0) / (1.0 - self.floor)
        description = np.where(seen, self.weights["description"], self.weights["unseen"])
        total = description * match
        for name in ("tfidf", "knn", "embedding"):
            if self.weights[name]:
                total = total + self.weights[name] * components[name]
        return total.astype(np.float32)


@dataclass
class Classifiers:
    """The trained parts: TF-IDF features, the two logistic regressions and the neighbours."""

    vectorizer: Any
    tfidf_columns: np.ndarray  # (k,) label index of each TF-IDF classifier output
    tfidf_coef: np.ndarray  # (k, features)
    tfidf_intercept: np.ndarray  # (k,)
    embedding_coef: np.ndarray  # (k, H)
    embedding_intercept: np.ndarray  # (k,); both regressions cover tfidf_columns
    neighbours: sp.csr_matrix  # (train notes, features) unit-length TF-IDF rows
    neighbour_codes: sp.csr_matrix  # (train notes, labels) 0/1


class HybridCoder(CodingModel):
    """Mixed TF-IDF, neighbour, embedding and description scores; see the module docstring.

    Args:
        labels: Candidate codes (seen in training or unseen neighbours).
        encoder: The sentence encoder.
        classifiers: The trained parts.
        code_embeddings: ``(labels, H)`` unit-length embeddings of the code texts.
        seen: ``(labels,)`` True for codes present in the training notes.
        mixture: Component weights and similarity floor.
        settings: ``train.hybrid`` values used at prediction (``max_segments``,
            ``evidence_top_n``, ``knn_k``, ``ngram_max``) and the calibration.
        lexicon: Stems of the code texts; built from ICD-10-CM when not given.
        **kwargs: ``threshold``, ``top_k``, ``max_note_chars`` of ``CodingModel``.
    """

    kind: ClassVar[str] = "hybrid"

    def __init__(
        self,
        labels: Sequence[str],
        encoder: SentenceEncoder,
        classifiers: Classifiers,
        code_embeddings: np.ndarray,
        seen: np.ndarray,
        mixture: Mixture,
        settings: dict[str, Any],
        lexicon: DescriptionLexicon | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(labels, **kwargs)
        self.encoder, self.classifiers = encoder, classifiers
        self.code_embeddings, self.seen = code_embeddings, np.asarray(seen, dtype=bool)
        self.mixture, self.settings = mixture, dict(settings)
        self.per_code: dict[str, float] = {}
        self.calibration = (1.0, 0.0)
        self.folder: Path | None = None
        self.ranker: TreeEnsemble | None = None
        self.groups = CodeGroups(self.labels)
        self.lexicon = lexicon or DescriptionLexicon.build(code_texts(self.labels))

    # --- scoring -------------------------------------------------------------------------

    def embed(self, notes: list[str]) -> NoteFeatures:
        """Affirmed segments of each note and their embeddings (no TF-IDF, no scores yet)."""
        limit = self.settings["max_segments"]
        kept = [affirmed(split_segments(note))[:limit] for note in notes]
        texts = [n[s.start : s.end] for n, segs in zip(notes, kept, strict=True) for s in segs]
        flat = self.encoder.encode(texts)  # (all segments, H)
        bounds = np.cumsum([0, *(len(segs) for segs in kept)])
        per_note = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        empty = sp.csr_matrix((len(notes), 0), dtype=np.float32)
        return NoteFeatures(kept, per_note, _mean_rows(per_note, self.encoder.dim), empty)

    def features(self, notes: list[str]) -> NoteFeatures:
        """Segments, embeddings, TF-IDF rows and the four component scores of the notes."""
        features = self.embed(notes)
        marked = [mark_negations(note) for note in notes]
        features.tfidf = sp.csr_matrix(
            self.classifiers.vectorizer.transform(marked), dtype=np.float32
        )
        features.components = {"lexical": self.lexicon.coverage(marked)}
        features.components = self._components(features)
        return features

    def _components(self, features: NoteFeatures) -> dict[str, np.ndarray]:
        """First-stage scores; a ``description`` already in ``features`` is reused."""
        c, n = self.classifiers, features.tfidf.shape[0]
        tfidf = np.zeros((n, len(self.labels)), dtype=np.float32)
        embedding = np.zeros_like(tfidf)
        tfidf[:, c.tfidf_columns] = sigmoid(
            np.asarray(features.tfidf @ c.tfidf_coef.T) + c.tfidf_intercept
        )
        embedding[:, c.tfidf_columns] = sigmoid(
            features.note_embeddings @ c.embedding_coef.T + c.embedding_intercept
        )
        description = features.components.get("description")
        if description is None:
            description = self._description(features.segment_embeddings)
        return {
            "tfidf": tfidf,
            "embedding": embedding,
            "knn": neighbour_scores(features.tfidf, c, self.settings["knn_k"]),
            "knn_wide": neighbour_scores(features.tfidf, c, WIDE_KNN_K),
            "description": description,
            "lexical": features.components["lexical"],
        }

    def _description(self, segment_embeddings: list[np.ndarray]) -> np.ndarray:
        """Per note and code, the best cosine similarity of an affirmed segment (0 if none)."""
        out = np.zeros((len(segment_embeddings), len(self.labels)), dtype=np.float32)
        for row, embeddings in enumerate(segment_embeddings):
            if len(embeddings):
                out[row] = (embeddings @ self.code_embeddings.T).max(axis=0)  # (S, C) -> (C,)
        return out

    def raw_scores(self, components: dict[str, np.ndarray]) -> np.ndarray:
        """Uncalibrated ``(notes, labels)`` scores: re-ranker log-odds, else the mixture."""
        mixed = self.mixture.mix(components, self.seen)
        if self.ranker is None:
            return mixed
        prior = code_prior(self.classifiers)
        table = pair_table(components, mixed, self.seen, prior, self.groups)
        return reranked_log_odds(self.ranker, table, mixed)

    def probabilities(self, features: NoteFeatures) -> np.ndarray:
        """Calibrated probabilities ``(notes, labels)``."""
        return apply_platt(self.raw_scores(features.components), *self.calibration)

    def _score(self, notes: list[str]) -> np.ndarray:
        with torch_threads(None):
            return self.probabilities(self.features(notes))

    def predict(self, texts: Sequence[str], top_k: int | None = None) -> list[dict[str, list]]:
        """Suggested and ranked codes per note, with evidence spans for each suggested code.

        Returns:
            The records of ``training.model.suggestions``; ``evidence[i]`` lists, for
            ``suggested_codes[i]``, ``{"start", "end", "score"}`` character spans of the note
            (best first), ``score`` being the segment's cosine similarity to the code's text.
        """
        notes = check_notes(texts, self.max_note_chars)
        if not notes:
            return []
        with torch_threads(None):
            features = self.features(notes)
        limits = threshold_vector(self.labels, self.threshold, self.per_code)
        records = suggestions(
            self.probabilities(features), self.labels, limits, top_k or self.top_k
        )
        for row, record in enumerate(records):
            record["evidence"] = self.evidence(features, row, record["suggested_codes"])
        return records

    def evidence(self, features: NoteFeatures, row: int, codes: Sequence[str]) -> list[list]:
        """Evidence spans of ``codes`` in note ``row`` (one list per code)."""
        embeddings, segments = features.segment_embeddings[row], features.segments[row]
        if not codes or not len(embeddings):
            return [[] for _ in codes]
        columns = [self.code2index[code] for code in codes]
        similarity = embeddings @ self.code_embeddings[columns].T  # (S, codes)
        top_n = self.settings["evidence_top_n"]
        return [
            evidence_spans(similarity[:, i], segments, top_n, EVIDENCE_MIN_SCORE)
            for i in range(len(codes))
        ]

    # --- runtime, persistence ------------------------------------------------------------

    def set_runtime(self, runtime: str) -> str:
        """Run the encoder in ``"torch"``, ``"onnx"`` or ``"auto"`` (ONNX when saved with it).

        Raises:
            ModelError: Unknown runtime, or ``"onnx"`` without an ONNX graph in the folder.
        """
        check_runtime(runtime)
        graph = self.onnx_graph()
        if runtime == "onnx" and graph is None:
            raise ModelError("runtime 'onnx': no ONNX graph saved with this model")
        if runtime == "torch" or graph is None:
            self.encoder.use_torch()
        else:
            self.encoder.use_onnx(graph)
        logger.info("hybrid coder runs its encoder with %s", self.encoder.runtime)
        return self.encoder.runtime

    def onnx_graph(self) -> Path | None:
        """The saved ONNX graph of the encoder (INT8 preferred), if any."""
        if self.folder is None:
            return None
        for variant in ("int8", "fp32"):
            if (self.folder / ONNX_FILES[variant]).is_file():
                return self.folder / ONNX_FILES[variant]
        return None

    def thresholds(self) -> dict[str, Any]:
        """Global threshold, per-code thresholds and the calibration they apply to."""
        return {
            **super().thresholds(),
            "strategy": "per_code" if self.per_code else "global",
            "per_code": dict(sorted(self.per_code.items())),
            "calibration": {"method": "platt", "slope": self.calibration[0],
                            "intercept": self.calibration[1]},
        }  # fmt: skip

    def _settings(self) -> dict[str, Any]:
        return {
            **self.settings,
            "segment_max_length": self.encoder.max_length,
            "weights": self.mixture.weights,
            "similarity_floor": self.mixture.floor,
            "reranker": self.ranker is not None,
        }

    def _save_weights(self, folder: Path) -> None:
        c = self.classifiers
        with quiet_transformers():
            self.encoder.network.encoder.save_pretrained(folder / ENCODER_DIR)
            self.encoder.tokenizer.save_pretrained(folder / ENCODER_DIR)
        vocabulary = {term: int(i) for term, i in c.vectorizer.vocabulary_.items()}
        write_text_atomic(folder / VOCABULARY_FILE, json.dumps(vocabulary, sort_keys=True))
        np.savez(
            folder / ARRAYS_FILE,
            idf=c.vectorizer.idf_.astype(np.float32),
            tfidf_columns=c.tfidf_columns, tfidf_coef=c.tfidf_coef,
            tfidf_intercept=c.tfidf_intercept, embedding_coef=c.embedding_coef,
            embedding_intercept=c.embedding_intercept, code_embeddings=self.code_embeddings,
            seen=self.seen, **_sparse("neighbours", c.neighbours),
            **_sparse("neighbour_codes", c.neighbour_codes),
            **(self.ranker.to_arrays(RANKER_PREFIX) if self.ranker is not None else {}),
            lexicon_stems=np.asarray(self.lexicon.stems, dtype=str),
            **_sparse("lexicon_weights", self.lexicon.weights),
        )  # fmt: skip
        self._save_onnx(folder)

    def _save_onnx(self, folder: Path) -> None:
        variant = self.settings.get("onnx", "none")
        if variant == "none":
            return
        fp32 = export_onnx(self.encoder, folder / ONNX_FILES["fp32"])
        if variant in ("int8", "both"):
            quantize_int8(fp32, folder / ONNX_FILES["int8"])
        if variant == "int8":
            fp32.unlink()  # 90 MB that the INT8 graph replaces

    @classmethod
    def load(cls, model_dir: str | Path) -> HybridCoder:
        """Read a saved hybrid coder (torch runtime; see ``set_runtime``)."""
        model = super().load(model_dir)
        if not isinstance(model, HybridCoder):
            raise ModelError(f"{model_dir}: not a hybrid model")
        return model

    @classmethod
    def _from_dir(
        cls, folder: Path, config: dict, labels: list[str], threshold: float
    ) -> HybridCoder:
        try:
            with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
                data = {name: arrays[name] for name in arrays.files}
            vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{folder}: cannot read hybrid weights ({exc})") from exc
        vectorizer = make_vectorizer(config["ngram_max"], vocabulary=vocabulary)
        vectorizer.idf_ = data["idf"]
        classifiers = Classifiers(
            vectorizer, data["tfidf_columns"], data["tfidf_coef"], data["tfidf_intercept"],
            data["embedding_coef"], data["embedding_intercept"],
            _unsparse("neighbours", data), _unsparse("neighbour_codes", data),
        )  # fmt: skip
        encoder = SentenceEncoder.from_folder(folder / ENCODER_DIR, config["segment_max_length"])
        mixture = Mixture(config["weights"], config["similarity_floor"])
        lexicon = DescriptionLexicon(
            data["lexicon_stems"].tolist(), _unsparse("lexicon_weights", data)
        )
        model = cls(
            labels, encoder, classifiers, data["code_embeddings"], data["seen"], mixture,
            {key: config[key] for key in SETTING_KEYS}, lexicon, threshold=threshold,
            top_k=config["top_k"], max_note_chars=config["max_note_chars"],
        )  # fmt: skip
        saved = read_model_json(folder, "thresholds.json")
        model.per_code = {k: float(v) for k, v in saved.get("per_code", {}).items()}
        calibration = saved.get("calibration", {})
        model.calibration = (calibration.get("slope", 1.0), calibration.get("intercept", 0.0))
        model.folder = folder
        if config.get("reranker", False):
            model.ranker = TreeEnsemble.from_arrays(data, RANKER_PREFIX)
        return model


SETTING_KEYS = ("max_segments", "evidence_top_n", "knn_k", "ngram_max", "onnx")


def _sparse(name: str, matrix: sp.csr_matrix) -> dict[str, np.ndarray]:
    m = sp.csr_matrix(matrix)
    return {
        f"{name}_data": m.data, f"{name}_indices": m.indices, f"{name}_indptr": m.indptr,
        f"{name}_shape": np.asarray(m.shape),
    }  # fmt: skip


def _unsparse(name: str, data: dict[str, np.ndarray]) -> sp.csr_matrix:
    parts = (data[f"{name}_data"], data[f"{name}_indices"], data[f"{name}_indptr"])
    return sp.csr_matrix(parts, shape=tuple(data[f"{name}_shape"]))


def code_prior(classifiers: Classifiers) -> np.ndarray:
    """``(labels,)`` share of the neighbour index's notes carrying each code."""
    codes = classifiers.neighbour_codes
    return np.asarray(codes.mean(axis=0), dtype=np.float32).ravel()


def _mean_rows(per_note: list[np.ndarray], dim: int) -> np.ndarray:
    """Unit-length mean of each note's segment embeddings ``(notes, H)``."""
    out = np.zeros((len(per_note), dim), dtype=np.float32)
    for row, embeddings in enumerate(per_note):
        if len(embeddings):
            mean = embeddings.mean(axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


def neighbour_scores(tfidf: sp.csr_matrix, classifiers: Classifiers, k: int) -> np.ndarray:
    """Similarity-weighted share of the ``k`` nearest training notes carrying each code."""
    similarity = np.asarray((tfidf @ classifiers.neighbours.T).todense())  # (notes, train)
    k = min(k, similarity.shape[1])
    nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]  # (notes, k)
    weights = np.zeros_like(similarity)
    np.put_along_axis(weights, nearest, np.take_along_axis(similarity, nearest, axis=1), axis=1)
    totals = weights.sum(axis=1, keepdims=True)
    scores = np.asarray(weights @ classifiers.neighbour_codes.toarray())  # (notes, labels)
    return (scores / np.maximum(totals, 1e-12)).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def _logistic(features: Any, targets: np.ndarray, c_value: float) -> tuple:
    """``(coef, intercept)`` of one logistic regression per target column."""
    return fit_logistic(features, targets, c_value)


def fit_classifiers(
    model: HybridCoder,
    notes: list[str],
    codes: Sequence[Sequence[str]],
    params: TrainParams,
    embedded: NoteFeatures | None = None,
) -> NoteFeatures:
    """Fit TF-IDF, both regressions and the neighbour index of ``model`` on ``notes``.

    Args:
        model: The coder whose classifiers are replaced.
        notes: Training notes.
        codes: Their gold codes.
        params: The ``train`` section.
        embedded: The notes' segments and embeddings when already computed (``model.embed``).

    Returns:
        The training notes' features (segments and embeddings, reusable for other fits).
    """
    started = time.perf_counter()
    settings, c = params.baseline, model.classifiers
    marked = [mark_negations(note) for note in notes]
    c.vectorizer = make_vectorizer(settings.ngram_max, settings.max_features)
    tfidf = sp.csr_matrix(c.vectorizer.fit_transform(marked), dtype=np.float32)
    frequent = _frequent_columns(model.labels, codes, params.min_code_count)
    targets = multi_hot(codes, [model.labels[j] for j in frequent])
    c.tfidf_columns = frequent
    c.tfidf_coef, c.tfidf_intercept = _logistic(tfidf, targets, params.hybrid.C)
    features = model.embed(notes) if embedded is None else embedded
    c.embedding_coef, c.embedding_intercept = _logistic(features.note_embeddings, targets, 1.0)
    c.neighbours = tfidf
    c.neighbour_codes = sp.csr_matrix(multi_hot(codes, model.labels))
    features.tfidf = tfidf
    logger.info(
        "classifiers fitted on %d notes: %d features, %d codes with a classifier, %.1f s",
        len(notes), tfidf.shape[1], len(frequent), time.perf_counter() - started,
    )  # fmt: skip
    return features


def _frequent_columns(
    labels: Sequence[str], codes: Sequence[Sequence[str]], min_count: int
) -> np.ndarray:
    counts = multi_hot(codes, labels).sum(axis=0)
    columns = np.flatnonzero(counts >= min_count)
    if not len(columns):
        raise ModelError(
            f"no code occurs in at least {min_count} training notes (train.min_code_count)"
        )
    return columns


def tune_mixture(
    components: dict[str, np.ndarray], seen: np.ndarray, labels: list[str], gold: list[list[str]]
) -> tuple[Mixture, float]:
    """The weights and similarity floor that maximise MAP on the validation notes."""
    best: tuple[float, Mixture] = (-1.0, Mixture(dict.fromkeys(COMPONENTS, 1.0), 0.3))
    names = list(WEIGHT_GRID)
    for floor in SIMILARITY_FLOORS:
        for values in itertools.product(*(WEIGHT_GRID[name] for name in names)):
            weights = dict(zip(names, values, strict=True))
            if not any(weights[name] for name in ("tfidf", "knn", "embedding", "description")):
                continue
            mixture = Mixture(weights, floor)
            score = _map_at(mixture.mix(components, seen), labels, gold)
            if score > best[0] + 1e-9:
                best = (score, mixture)
    logger.info("mixture weights %s, floor %.2f: validation MAP %.3f",
                best[1].weights, best[1].floor, best[0])  # fmt: skip
    return best[1], best[0]


def _map_at(scores: np.ndarray, labels: list[str], gold: list[list[str]], top: int = 100) -> float:
    order = np.argsort(-scores, axis=1, kind="stable")[:, :top]
    ranked = [[labels[j] for j in row] for row in order]
    return ranking_metrics(gold, ranked)["map"]


def new_model(params: TrainParams, labels: list[str], seen: np.ndarray) -> HybridCoder:
    """An untrained hybrid coder over ``labels``, with its encoder and code embeddings."""
    hybrid = params.hybrid
    encoder = SentenceEncoder.from_folder(
        resolve_encoder(params.encoder), hybrid.segment_max_length
    )
    started = time.perf_counter()
    code_embeddings = encoder.encode(code_texts(labels))
    logger.info("%d code descriptions embedded in %.1f s", len(labels),
                time.perf_counter() - started)  # fmt: skip
    none, matrix = np.zeros(0), np.zeros((0, 0))
    classifiers = Classifiers(None, none.astype(np.int64), matrix, none, matrix, none,
                              sp.csr_matrix(matrix), sp.csr_matrix(matrix))  # fmt: skip
    settings = {
        "max_segments": hybrid.max_segments, "evidence_top_n": hybrid.evidence_top_n,
        "knn_k": hybrid.knn_k, "ngram_max": params.baseline.ngram_max, "onnx": hybrid.onnx,
    }  # fmt: skip
    mixture = Mixture(dict.fromkeys(COMPONENTS, 1.0), SIMILARITY_FLOORS[0])
    return HybridCoder(
        labels, encoder, classifiers, code_embeddings, seen, mixture, settings,
        top_k=params.top_k, max_note_chars=params.max_note_chars,
    )  # fmt: skip


def fit_hybrid(
    params: TrainParams,
    train_texts: Sequence[str],
    train_codes: Sequence[Sequence[str]],
    val_texts: Sequence[str],
    val_codes: Sequence[Sequence[str]],
) -> tuple[HybridCoder, dict[str, float]]:
    """Fit the hybrid coder, tune its mixture, re-ranker, calibration and thresholds.

    The first stage is cross-fitted (``CROSS_FOLDS`` folds, the validation notes being one):
    every labelled note gets scores from classifiers that did not see it. The mixture is
    tuned on the validation fold; a re-ranker trained on the other folds scores the validation
    fold, on which calibration and thresholds are tuned. With ``hybrid.refit`` the re-ranker is
    then retrained on every fold and the classifiers on every labelled note.

    Args:
        params: The ``train`` section (``hybrid`` and ``baseline`` sub-sections used).
        train_texts: Training notes.
        train_codes: Their gold codes.
        val_texts: Validation notes (tuning; refitted on when ``hybrid.refit``).
        val_codes: Their gold codes.

    Returns:
        The model and a summary: ``val_map_tuned`` (first-stage mixture), ``threshold``,
        ``codes_seen``, ``codes_unseen_candidates``, ``seconds``, ``validation`` (set and
        ranking metrics plus ``ece`` on the validation notes, before any refit) and
        ``outcomes`` (confidence and correctness of each validation suggestion).

    Raises:
        ModelError: Bad notes, an empty label space or an unusable encoder.
    """
    started = time.perf_counter()
    seed_everything(params.seed)
    train_notes = check_notes(train_texts, params.max_note_chars)
    val_notes = check_notes(val_texts, params.max_note_chars)
    train_gold, val_gold = [list(c) for c in train_codes], [list(c) for c in val_codes]
    refit = params.hybrid.refit and bool(val_notes)
    notes, gold = train_notes + val_notes, train_gold + val_gold
    with torch_threads(params.threads):
        model, seen_codes = _candidates_model(params, gold if refit else train_gold)
        embedded = model.embed(notes)
        embedded.components["description"] = model._description(embedded.segment_embeddings)
        embedded.components["lexical"] = model.lexicon.coverage([mark_negations(n) for n in notes])

        # First stage, cross-fitted; mixture tuned on the validation fold.
        folds = cross_folds(len(train_notes), len(val_notes), params.seed)
        scored = cross_fit(model, notes, gold, embedded, folds, params)
        model.mixture, tuned_map = tune_mixture(
            scored[0].components, scored[0].seen, model.labels, val_gold
        )

        tables, targets = _pair_tables(model, scored, gold)
        validation, outcomes = _tune_second_stage(
            model, scored[0], tables, targets, val_gold, params
        )

        # Final parts: every fold for the re-ranker, every labelled note for the classifiers.
        if refit and model.ranker is not None:
            model.ranker = fit_reranker(tables, targets, params.seed)
        kept = np.arange(len(notes) if refit else len(train_notes))
        fit_classifiers(model, [notes[i] for i in kept], [gold[i] for i in kept], params,
                        _subset(embedded, kept))  # fmt: skip
        model.seen = np.asarray(model.classifiers.neighbour_codes.sum(axis=0)).ravel() > 0
    summary = {
        "val_map_tuned": tuned_map, "threshold": model.threshold, "validation": validation,
        "outcomes": outcomes,
        "codes_seen": float(len(seen_codes)),
        "codes_unseen_candidates": float(len(model.labels) - len(seen_codes)),
        "seconds": time.perf_counter() - started,
    }  # fmt: skip
    return model, summary


def _tune_second_stage(
    model: HybridCoder,
    validation_scores: FoldScores,
    tables: list,
    targets: list,
    val_gold: list[list[str]],
    params: TrainParams,
) -> tuple[dict, list]:
    """Re-ranker on the training folds, judged, calibrated and thresholded on the validation fold.

    ``tables`` and ``targets`` are the candidate pair tables of every fold, the validation fold
    first. Sets ``model.ranker`` (none without validation notes), ``calibration``,
    ``threshold`` and ``per_code``; returns the validation metrics and suggestion outcomes.
    """
    has_val = bool(val_gold)
    model.ranker = fit_reranker(tables[1:], targets[1:], params.seed) if has_val else None
    raw = _validation_raw(model, validation_scores, tables[0])
    model.calibration = fit_platt(raw, targets[0])
    probabilities = apply_platt(raw, *model.calibration)
    model.threshold, model.per_code = per_code_thresholds(
        probabilities, model.labels, val_gold, params.hybrid.per_code_min_positives
    )
    return held_out_scores(model, probabilities, val_gold)


@dataclass
class FoldScores:
    """First-stage scores of one fold's notes, from classifiers fitted on the other folds."""

    index: np.ndarray  # (fold notes,) positions among the labelled notes
    components: dict[str, np.ndarray]  # name -> (fold notes, labels)
    seen: np.ndarray  # (labels,) codes present in the other folds
    prior: np.ndarray  # (labels,) share of the other folds' notes carrying each code


def cross_folds(n_train: int, n_val: int, seed: int) -> list[np.ndarray]:
    """Validation notes (after the training notes) as fold 0, training notes shuffled into
    ``CROSS_FOLDS - 1`` more (fewer when there are fewer notes)."""
    order = np.random.default_rng(seed).permutation(n_train)
    parts = max(1, min(CROSS_FOLDS - 1, n_train))
    return [np.arange(n_train, n_train + n_val), *np.array_split(order, parts)]


def cross_fit(
    model: HybridCoder,
    notes: list[str],
    gold: list[list[str]],
    embedded: NoteFeatures,
    folds: list[np.ndarray],
    params: TrainParams,
) -> list[FoldScores]:
    """Scores of each fold by classifiers fitted on the others (``model``'s are replaced)."""
    scored = []
    for held in folds:
        rest = np.setdiff1d(np.arange(len(notes)), held)
        fit_classifiers(model, [notes[i] for i in rest], [gold[i] for i in rest], params,
                        _subset(embedded, rest))  # fmt: skip
        features = _subset(embedded, held)
        marked = [mark_negations(notes[i]) for i in held]
        features.tfidf = sp.csr_matrix(
            model.classifiers.vectorizer.transform(marked), dtype=np.float32
        )
        codes = model.classifiers.neighbour_codes
        seen = np.asarray(codes.sum(axis=0)).ravel() > 0
        scored.append(FoldScores(held, model._components(features), seen,
                                 code_prior(model.classifiers)))  # fmt: skip
    return scored


def _subset(embedded: NoteFeatures, index: np.ndarray) -> NoteFeatures:
    """The notes ``index`` of ``embedded`` (segments, embeddings, cached description)."""
    components = {name: values[index] for name, values in embedded.components.items()}
    return NoteFeatures(
        [embedded.segments[i] for i in index],
        [embedded.segment_embeddings[i] for i in index],
        embedded.note_embeddings[index],
        sp.csr_matrix((len(index), 0), dtype=np.float32),
        components,
    )


def _pair_tables(model: HybridCoder, scored: list[FoldScores], gold: list[list[str]]) -> tuple:
    """Candidate pairs of each fold and the fold's gold matrix ``(fold notes, labels)``."""
    tables, targets = [], []
    for fold in scored:
        mixed = model.mixture.mix(fold.components, fold.seen)
        tables.append(pair_table(fold.components, mixed, fold.seen, fold.prior, model.groups))
        targets.append(multi_hot([gold[i] for i in fold.index], model.labels))
    return tables, targets


def _validation_raw(model: HybridCoder, fold: FoldScores, table: Any) -> np.ndarray:
    """Uncalibrated scores of the validation fold (re-ranker log-odds, else the mixture)."""
    mixed = model.mixture.mix(fold.components, fold.seen)
    if model.ranker is None:
        return mixed
    return reranked_log_odds(model.ranker, table, mixed)


def held_out_scores(
    model: HybridCoder, probabilities: np.ndarray, gold: list[list[str]]
) -> tuple[dict[str, float], tuple]:
    """Validation metrics and suggestion outcomes of the tuned, not yet refitted, model."""
    limits = threshold_vector(model.labels, model.threshold, model.per_code)
    records = suggestions(probabilities, model.labels, limits, top_k=100)
    suggested = [r["suggested_codes"] for r in records]
    metrics = evaluate_codes(gold, suggested, [r["ranked_codes"] for r in records])
    outcomes = suggestion_outcomes(gold, suggested, [r["confidences"] for r in records])
    metrics["ece"] = expected_calibration_error(*outcomes)
    return metrics, outcomes


def _candidates_model(params: TrainParams, train_gold: list[list[str]]) -> tuple:
    seen_codes = sorted({code for codes in train_gold for code in codes})
    labels = candidate_codes(seen_codes, params.hybrid.max_candidates)
    seen = np.isin(np.asarray(labels), np.asarray(seen_codes))
    return new_model(params, labels, seen), seen_codes
