"""Per-epoch checkpoints of a fine-tuning run, so that an interrupted run resumes.

After every epoch the trainable weights, the optimizer and schedule state, torch's random state
and the epoch history are written to ``<folder>/last.pt`` (to a temporary file, then renamed, so
a crash mid-write leaves the previous checkpoint whole). A rerun with the same settings, labels
and training notes starts after the last finished epoch and ends with the same model as an
uninterrupted run; any difference in those inputs (the fingerprint) starts afresh. The file is
read with ``weights_only=True``: loading it never runs pickled code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

logger = logging.getLogger(__name__)

CHECKPOINT_FILE = "last.pt"
# Settings that change how fast a run goes but not what it computes.
_SPEED_ONLY = ("threads",)


def fingerprint(
    settings: dict[str, Any],
    labels: Sequence[str],
    texts: Sequence[str],
    codes: Sequence[Sequence[str]],
    world_size: int = 1,
) -> str:
    """SHA-256 of what determines the training trajectory."""
    digest = hashlib.sha256()
    kept = {k: v for k, v in settings.items() if k not in _SPEED_ONLY}
    digest.update(
        json.dumps([kept, list(labels), world_size], sort_keys=True, default=str).encode()
    )
    for text, note_codes in zip(texts, codes, strict=True):
        digest.update(text.encode("utf-8"))
        digest.update(("\x1f" + "\x1e".join(note_codes) + "\x1d").encode())
    return digest.hexdigest()


def save_checkpoint(folder: Path, state: dict[str, Any]) -> Path:
    """Write ``state`` atomically to ``folder/last.pt``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CHECKPOINT_FILE
    partial = folder / f".{CHECKPOINT_FILE}.{os.getpid()}.tmp"
    torch.save(state, partial)
    os.replace(partial, path)
    return path


def load_checkpoint(folder: Path | None, expected: str) -> dict[str, Any] | None:
    """The saved state if one exists for this ``expected`` fingerprint, else None.

    A checkpoint of other settings or data is ignored with a warning (and overwritten by the
    new run); an unreadable one too.
    """
    path = None if folder is None else folder / CHECKPOINT_FILE
    if path is None or not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        logger.warning("checkpoint %s unreadable (%s); starting afresh", path, type(exc).__name__)
        return None
    if state.get("fingerprint") != expected:
        logger.warning("checkpoint %s is of other settings or data; starting afresh", path)
        return None
    return state


def remove_checkpoint(folder: Path | None) -> None:
    """Delete the checkpoint of a finished run."""
    if folder is not None:
        (folder / CHECKPOINT_FILE).unlink(missing_ok=True)
