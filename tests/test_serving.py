"""The suggestions API on a registered champion: answers, refusals, audit, alias switch."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from clinicode.config import Params, Workspace
from clinicode.stages import audit_log, with_overrides
from clinicode.tracking import mlflow_client, use_experiment
from serving.app import INTENDED_PURPOSE, create_app

MODEL = "serving-test-model"


def _register(workspace: Workspace, keywords: dict[str, str]) -> str:
    """Register a transparent stand-in model (a code per keyword) and make it champion."""
    import mlflow

    class _Pyfunc(mlflow.pyfunc.PythonModel):
        def __init__(self, table: dict[str, str]) -> None:
            self.table = table

        def predict(self, context, model_input, params=None):  # noqa: ANN001
            rows = []
            for text in model_input["text"]:
                codes = [c for k, c in self.table.items() if k in text.lower()]
                scores = [0.9] * len(codes)
                rows.append(
                    {
                        "suggested_codes": codes,
                        "confidences": scores,
                        "ranked_codes": codes,
                        "ranked_scores": scores,
                    }
                )
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
    client.set_registered_model_alias(MODEL, "champion", version)
    return version


@pytest.fixture
def params() -> Params:
    return with_overrides(
        Params(),
        train={"registered_model": MODEL},
        serve={"max_note_chars": 500, "alias_poll_s": 0},
    )


@pytest.fixture
def client(workspace: Workspace, params: Params) -> TestClient:
    _register(workspace, {"hypertension": "I10"})
    return TestClient(create_app(params, workspace, allow_demo_key=True))


def test_suggestions_with_description_and_purpose(client: TestClient) -> None:
    response = client.post("/v1/suggestions", json={"text": "Known hypertension, stable."})
    assert response.status_code == 200
    body = response.json()
    assert body["model_name"] == MODEL and body["model_version"] == "1"
    assert [s["code"] for s in body["suggestions"]] == ["I10"]
    assert "hypertension" in body["suggestions"][0]["description"].lower()
    assert body["intended_purpose"] == INTENDED_PURPOSE
    assert client.get("/health").json()["model_version"] == "1"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"text": "   "}, 422),
        ({"text": "x" * 501}, 413),
        ({"note": "Patient John Smith"}, 422),
        ({"text": ["a list"]}, 422),
    ],
)
def test_bad_requests_get_clear_4xx_without_note_text(
    client: TestClient, payload: dict, status: int
) -> None:
    response = client.post("/v1/suggestions", json=payload)
    assert response.status_code == status
    assert "John Smith" not in response.text and "xxxx" not in response.text
    assert "detail" in response.json()


def test_prediction_is_audited_without_text(client: TestClient, workspace: Workspace) -> None:
    client.post(
        "/v1/suggestions",
        json={"text": "Hypertension. Seen by Dr. Alvarez.", "case_id": "ENC-0042"},
    )
    records = audit_log(workspace).records()
    prediction = [r for r in records if r["type"] == "prediction"][-1]
    dumped = str(prediction)
    assert "Alvarez" not in dumped and "ENC-0042" not in dumped
    assert prediction["entity"]["suggested_codes"] == ["I10"]
    assert len(prediction["entity"]["note_sha256"]) == 64
    assert audit_log(workspace).verify().ok


def test_alias_switch_is_picked_up(client: TestClient, workspace: Workspace) -> None:
    assert client.post("/v1/suggestions", json={"text": "asthma"}).json()["suggestions"] == []
    _register(workspace, {"asthma": "J45.909"})
    body = client.post("/v1/suggestions", json={"text": "asthma"}).json()
    assert body["model_version"] == "2"
    assert [s["code"] for s in body["suggestions"]] == ["J45.909"]
