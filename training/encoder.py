"""Sentence embeddings of note segments and code texts, with torch or ONNX Runtime.

The embedding is the mean of the encoder's token states over the attention mask, L2-normalised
(the recipe the packaged MiniLM was trained with), so a dot product is a cosine similarity.
The same computation runs in torch (eager) or in ONNX Runtime from an exported graph; the
exported graph takes ``(input_ids, attention_mask)`` and returns the normalised embeddings, and
``tests/test_onnx.py`` checks both give the same numbers. Texts are tokenised once and scored in
length-sorted batches, so padding stays small.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch

from clinicode.errors import ModelError
from training.model import load_encoder, pad_windows, quiet_transformers, torch_threads

logger = logging.getLogger(__name__)

RUNTIMES = ("auto", "torch", "onnx")
# Loggers of the exporter's passes, which log every rewrite at INFO.
EXPORT_LOGGERS = ("torch.onnx", "onnxscript", "onnx_ir", "torch._dynamo", "torch.export")


@contextmanager
def quiet_loggers(*names: str) -> Iterator[None]:
    """Raise the named loggers (``""`` is the root) to ERROR for the block, then restore."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [item.level for item in loggers]
    for item in loggers:
        item.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for item, level in zip(loggers, levels, strict=True):
            item.setLevel(level)


class PooledEncoder(torch.nn.Module):
    """Encoder plus masked mean pooling and L2 normalisation: ``(S, L) -> (S, H)``."""

    def __init__(self, encoder: torch.nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Unit-length embeddings ``(S, H)`` of ``S`` padded texts."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]  # (S, L, H)
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)  # (S, L, 1)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)  # (S, H)
        return torch.nn.functional.normalize(pooled, dim=-1)


class SentenceEncoder:
    """Embeds short texts with a local encoder, in torch or with an ONNX Runtime session.

    Args:
        tokenizer: The encoder's fast tokenizer.
        network: The pooled encoder (used by the torch runtime and to export).
        max_length: Texts are truncated to this many tokens.
        batch_size: Texts per forward pass.
    """

    def __init__(
        self, tokenizer: Any, network: PooledEncoder, max_length: int, batch_size: int = 64
    ) -> None:
        self.tokenizer, self.network = tokenizer, network.eval()
        self.max_length, self.batch_size = max_length, batch_size
        self.session: Any = None
        self.onnx_path: Path | None = None

    @classmethod
    def from_folder(cls, folder: Path, max_length: int, batch_size: int = 64) -> SentenceEncoder:
        """Load tokenizer and encoder from a local Hugging Face folder (never the network)."""
        tokenizer, encoder = load_encoder(folder)
        return cls(tokenizer, PooledEncoder(encoder), max_length, batch_size)

    @property
    def dim(self) -> int:
        """Width of the embeddings."""
        return int(self.network.encoder.config.hidden_size)

    @property
    def runtime(self) -> str:
        """``"onnx"`` when an ONNX Runtime session is in use, else ``"torch"``."""
        return "onnx" if self.session is not None else "torch"

    def use_onnx(self, path: Path, threads: int | None = None) -> None:
        """Score with ONNX Runtime from the graph at ``path`` from now on."""
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.log_severity_level = 3  # warnings about unused initialisers are expected
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # ORT raises its own exception types, not importable stably
            raise ModelError(f"{path}: cannot open ONNX model ({exc.__class__.__name__})") from exc
        self.onnx_path = Path(path)

    def use_torch(self) -> None:
        """Score with torch (eager) from now on."""
        self.session, self.onnx_path = None, None

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, truncated to ``max_length``."""
        if not texts:
            return []
        with quiet_transformers():
            encoded = self.tokenizer(
                list(texts),
                truncation=True,
                max_length=self.max_length,
                return_attention_mask=False,
                return_token_type_ids=False,
            )
        return encoded["input_ids"]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings ``(len(texts), H)`` float32."""
        ids = self.tokenize(texts)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        with torch_threads(None):
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                input_ids, mask = pad_windows([ids[i] for i in chunk], self.tokenizer.pad_token_id)
                out[chunk] = self._forward(input_ids, mask)
        return out

    def _forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
        if self.session is not None:
            feeds = {"input_ids": input_ids.numpy(), "attention_mask": mask.numpy()}
            return self.session.run(None, feeds)[0]
        with torch.inference_mode():
            return self.network(input_ids, mask).float().numpy()


def export_onnx(encoder: SentenceEncoder, path: Path) -> Path:
    """Export the pooled encoder to ONNX (FP32), with dynamic batch and sequence axes.

    Args:
        encoder: The encoder to export.
        path: Where to write the ``.onnx`` file (weights embedded in the file).

    Returns:
        ``path``.
    """
    import warnings

    batch = torch.export.Dim("batch", min=1, max=4096)
    sequence = torch.export.Dim("sequence", min=2, max=encoder.max_length)
    ids = torch.tensor([[encoder.tokenizer.cls_token_id or 1] * 8] * 2, dtype=torch.long)
    mask = torch.ones_like(ids)
    with warnings.catch_warnings(), quiet_transformers(), quiet_loggers(*EXPORT_LOGGERS):
        # The exporter warns about torchvision ops and pytree internals, neither used here.
        warnings.simplefilter("ignore")
        program = torch.onnx.export(
            encoder.network,
            (ids, mask),
            dynamo=True,
            input_names=["input_ids", "attention_mask"],
            output_names=["embeddings"],
            dynamic_shapes={
                "input_ids": {0: batch, 1: sequence},
                "attention_mask": {0: batch, 1: sequence},
            },
            verbose=False,
        )
    program.save(str(path), external_data=False)
    logger.info("encoder exported to ONNX: %s (%.1f MB)", path.name, path.stat().st_size / 1e6)
    return path


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic INT8 quantisation of an ONNX graph's weights (activations stay FP32)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantiser logs one INFO line per tensor on the root logger.
    with quiet_loggers(""):
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    logger.info("INT8 encoder written: %s (%.1f MB)", target.name, target.stat().st_size / 1e6)
    return target


def check_runtime(runtime: str) -> str:
    """Validate a runtime name.

    Raises:
        ModelError: Not one of ``RUNTIMES``.
    """
    if runtime not in RUNTIMES:
        raise ModelError(f"runtime {runtime!r}: expected one of {list(RUNTIMES)}")
    return runtime


def ort_telemetry_off() -> None:
    """ONNX Runtime writes a device id and event queue under ~/.cache unless told not to."""
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
