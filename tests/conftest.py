"""Shared fixtures: an isolated workspace per test, offline and telemetry-free."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinicode.config import Workspace
from clinicode.runtime import prepare_environment

_SESSION_STATE = Path(os.environ.get("CLINICODE_TEST_STATE", "/tmp/clinicode-test-state"))
prepare_environment(_SESSION_STATE)
# Tests share the 2 cores with other work; one torch thread keeps timings stable.
os.environ.setdefault("CLINICODE_TORCH_THREADS", "1")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh project folder with its own MLflow and audit databases."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("CLINICODE_AUDIT_URL", raising=False)
    return Workspace(tmp_path / "project").ensure()
