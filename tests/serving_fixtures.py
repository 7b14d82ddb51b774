"""A transparent registered model and staff users for the serving tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from clinicode.config import Params, Workspace
from clinicode.stages import access_store, with_overrides
from clinicode.tracking import mlflow_client, use_experiment

MODEL = "serving-test-model"
NOTE = "Known hypertension, stable. Type 2 diabetes mellitus without complications."
TABLE = {"hypertension": "I10", "diabetes": "E11.9"}


def register(workspace: Workspace, keywords: dict[str, str], alias: bool = True) -> str:
    """Register a stand-in model that suggests a code per keyword found, with the keyword's
    span as evidence, and point ``champion`` at it (unless ``alias`` is false)."""
    import mlflow

    class _Pyfunc(mlflow.pyfunc.PythonModel):
        def __init__(self, table: dict[str, str]) -> None:
            self.table = table

        def predict(self, context, model_input, params=None):  # noqa: ANN001
            rows = []
            for text in model_input["text"]:
                found = [(k, c) for k, c in self.table.items() if k in text.lower()]
                codes = [c for _, c in found]
                scores = [0.9 - 0.1 * i for i in range(len(codes))]
                # One list of spans per suggested code, as training.predict returns them.
                evidence = [
                    [{"start": text.lower().index(k), "end": text.lower().index(k) + len(k),
                      "score": 0.8}]
                    for k, _ in found
                ]  # fmt: skip
                rows.append(
                    {"suggested_codes": codes, "confidences": scores, "ranked_codes": codes,
                     "ranked_scores": scores, "evidence": evidence}
                )  # fmt: skip
            return pd.DataFrame(rows)

    client = mlflow_client(workspace)
    use_experiment(workspace, "serving-test")
    with mlflow.start_run():
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=_Pyfunc(keywords),
            registered_model_name=MODEL,
            pip_requirements=["mlflow==3.17.2"],
        )
    version = str(info.registered_model_version)
    if alias:
        client.set_registered_model_alias(MODEL, "champion", version)
    return version


def serving_params(**serve: object) -> Params:
    """Parameters of the serving tests (small limits, alias re-read on every request)."""
    return with_overrides(
        Params(),
        train={"registered_model": MODEL},
        serve={"max_note_chars": 500, "alias_poll_s": 0, "max_batch": 3,
               "max_body_bytes": 4000, **serve},
    )  # fmt: skip


def add_staff(workspace: Workspace) -> dict[str, str]:
    """One user per role; returns role -> token."""
    store = access_store(workspace)
    roles = ("coder", "ml-engineer", "governance-board", "operations", "auditor")
    return {role: store.add_user(f"{role}-1", role) for role in roles}


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Served:
    """A registry with the stand-in champion, one user per role, and a test client."""

    workspace: Workspace
    tokens: dict[str, str]
    client: object  # fastapi.testclient.TestClient


@contextmanager
def served_app(folder: Path, **serve: object) -> Iterator[Served]:
    """The serving app over a fresh project in ``folder`` (``serve`` overrides the limits).

    MLflow and audit addresses of the environment are cleared for the block, so the project's
    own SQLite files are used.
    """
    from fastapi.testclient import TestClient

    from serving.app import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        patch.delenv("CLINICODE_AUDIT_URL", raising=False)
        workspace = Workspace(folder / "project").ensure()
        register(workspace, TABLE)
        tokens = add_staff(workspace)
        app = create_app(serving_params(**serve), workspace, allow_demo_key=True)
        # raise_server_exceptions off: a 500 must reach the test as a response, as it would a
        # real client.
        yield Served(workspace, tokens, TestClient(app, raise_server_exceptions=False))
