"""The suggestions API on a registered champion: answers, limits, roles, audit, alias switch."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from serving_fixtures import (
    MODEL,
    NOTE,
    TABLE,
    Served,
    add_staff,
    bearer,
    register,
    served_app,
    serving_params,
)

from clinicode.config import Workspace
from clinicode.stages import audit_log
from serving.app import INTENDED_PURPOSE, create_app, running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One registry, staff and app for the module: creating MLflow's tables takes seconds."""
    with served_app(tmp_path_factory.mktemp("serving")) as app:
        yield app


@pytest.fixture
def client(served: Served) -> TestClient:
    return served.client


@pytest.fixture
def tokens(served: Served) -> dict[str, str]:
    return served.tokens


def test_suggestions_carry_description_evidence_version_and_purpose(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.post("/v1/suggestions", json={"text": NOTE}, headers=bearer(tokens["coder"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model_name"] == MODEL and body["model_version"] == "1"
    assert [s["code"] for s in body["suggestions"]] == ["I10", "E11.9"]
    first = body["suggestions"][0]
    assert "hypertension" in first["description"].lower() and first["confidence"] == 0.9
    (span,) = first["evidence"]
    assert NOTE[span["start"] : span["end"]].lower() == "hypertension"
    assert body["intended_purpose"] == INTENDED_PURPOSE and body["case_ref"] is None


def test_batch_answers_in_order_and_is_capped(client: TestClient, tokens: dict[str, str]) -> None:
    notes = [{"text": "hypertension"}, {"text": "no codable finding"}, {"text": "diabetes"}]
    headers = bearer(tokens["coder"])
    body = client.post("/v1/suggestions/batch", json={"notes": notes}, headers=headers).json()
    assert [[s["code"] for s in r["suggestions"]] for r in body["results"]] == [
        ["I10"],
        [],
        ["E11.9"],
    ]
    too_many = client.post("/v1/suggestions/batch", json={"notes": notes * 2}, headers=headers)
    assert too_many.status_code == 413 and "serve.max_batch" in too_many.json()["detail"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        ('{"text": "   "}', "application/json", 422, "empty"),
        ('{"text": "' + "x" * 501 + '"}', "application/json", 413, "max_note_chars"),
        ('{"text": "' + "x" * 5000 + '"}', "application/json", 413, "max_body_bytes"),
        ('{"note": "Patient John Smith"}', "application/json", 422, "text"),
        ('{"text": ["a list"]}', "application/json", 422, "text"),
        ('{"text": "John Smith", "mrn": "123"}', "application/json", 422, "mrn"),
        ('{"text": "John Smith"', "application/json", 422, "JSON"),
        ("text=John Smith", "application/x-www-form-urlencoded", 415, "application/json"),
        ('{"text": "John Smith"}', "application/json; charset=latin-1", 415, "UTF-8"),
        (b'{"text": "John \xff Smith"}', "application/json", 400, "UTF-8"),
    ],
)
def test_bad_requests_get_clear_4xx_without_note_text(
    client: TestClient,
    tokens: dict[str, str],
    body: str | bytes,
    content_type: str,
    status: int,
    says: str,
) -> None:
    headers = {**bearer(tokens["coder"]), "Content-Type": content_type}
    response = client.post("/v1/suggestions", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert "John" not in response.text and "xxxx" not in response.text
    assert says in str(response.json()["detail"])


@pytest.mark.parametrize(
    ("role", "method", "path", "status"),
    [
        (None, "post", "/v1/suggestions", 401),
        ("bogus", "post", "/v1/suggestions", 401),
        ("auditor", "post", "/v1/suggestions", 403),
        ("governance-board", "post", "/v1/suggestions/batch", 403),
        ("ml-engineer", "post", "/v1/cases/ENC-1/review", 403),
        ("auditor", "post", "/v1/cases/ENC-1/review", 403),
        ("operations", "get", "/v1/cases/ENC-1", 403),
        ("coder", "get", "/v1/cases/ENC-1/trace", 403),
        ("ml-engineer", "get", "/v1/cases/ENC-1/trace", 403),
    ],
)
def test_every_role_refusal_is_a_clear_401_or_403_and_audited(
    client: TestClient,
    served: Served,
    tokens: dict[str, str],
    role: str | None,
    method: str,
    path: str,
    status: int,
) -> None:
    headers = {} if role is None else bearer(tokens.get(role, "cct_bogus"))
    payload = {"json": {"text": "hypertension"}} if method == "post" else {}
    response = getattr(client, method)(path, headers=headers, **payload)
    assert response.status_code == status
    assert "refused" in response.json()["detail"] or "token" in response.json()["detail"]
    denied = audit_log(served.workspace).records()[-1]
    assert denied["type"] == "access-denied" and denied["outcome"] == "refused"


def test_prediction_is_audited_with_hash_and_pseudonym_only(
    client: TestClient, served: Served, tokens: dict[str, str]
) -> None:
    audit = audit_log(served.workspace)
    text = "Hypertension. Seen by Dr. Alvarez."
    client.post(
        "/v1/suggestions",
        json={"text": text, "case_id": "ENC-0042"},
        headers=bearer(tokens["coder"]),
    )
    prediction = audit.records()[-1]
    dumped = str(prediction)
    assert "Alvarez" not in dumped and "ENC-0042" not in dumped
    assert prediction["agent"] == {"who": "coder-1", "role": "coder"}
    assert prediction["entity"]["suggested_codes"] == ["I10"]
    assert prediction["entity"]["case_ref"].startswith("C-")
    assert len(prediction["entity"]["note_sha256"]) == 64
    assert prediction["type"] == "prediction" and audit.verify().ok


def _metric(text: str, line_start: str) -> float:
    found = [line.split()[-1] for line in text.splitlines() if line.startswith(line_start)]
    return float(found[0]) if found else 0.0


def test_health_ready_and_metrics(client: TestClient, tokens: dict[str, str]) -> None:
    health = client.get("/health").json()
    assert health["model_version"] == "1" and health["revalidation"]["status"] == "never"
    assert health["runtime"] == "pyfunc"  # the stand-in is no clinicode coding model
    assert client.get("/ready").json()["ready"] is True
    route = 'method="POST",route="/v1/suggestions"'
    names = (
        f'clinicode_requests_total{{{route},status="200"}}',
        f"clinicode_request_errors_total{{{route}}}",
        f'clinicode_request_seconds_bucket{{{route},le="+Inf"}}',
        "clinicode_suggested_codes_total",
    )
    before = client.get("/metrics").text
    client.post("/v1/suggestions", json={"text": NOTE}, headers=bearer(tokens["coder"]))
    client.post("/v1/suggestions", json={"text": " "}, headers=bearer(tokens["coder"]))
    after = client.get("/metrics").text
    assert [_metric(after, n) - _metric(before, n) for n in names] == [1, 1, 2, 2]
    assert 'clinicode_model_info{version="1"} 1' in after
    assert "/v1/suggestions" in client.get("/openapi.json").json()["paths"]


def test_alias_switch_is_picked_up(workspace: Workspace) -> None:
    register(workspace, TABLE)
    token = add_staff(workspace)["coder"]
    client = TestClient(create_app(serving_params(), workspace, allow_demo_key=True))
    body = client.post("/v1/suggestions", json={"text": "asthma"}, headers=bearer(token)).json()
    assert body["suggestions"] == []
    register(workspace, {"asthma": "J45.909"})
    body = client.post("/v1/suggestions", json={"text": "asthma"}, headers=bearer(token)).json()
    assert body["model_version"] == "2"
    assert [s["code"] for s in body["suggestions"]] == ["J45.909"]


def _hammer(
    url: str, token: str, stop: threading.Event, seen: list, errors: list, mine: list
) -> None:
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            try:
                response = http.post(url, json={"text": "asthma"}, headers=bearer(token))
                response.raise_for_status()
                version = response.json()["model_version"]
                seen.append(version)
                mine.append(version)
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)


@pytest.mark.slow
def test_model_swap_under_load_fails_no_request(workspace: Workspace) -> None:
    register(workspace, TABLE)
    tokens = add_staff(workspace)
    app = create_app(serving_params(alias_poll_s=0.2), workspace, allow_demo_key=True)
    v2 = register(workspace, {"asthma": "J45.909"}, alias=False)
    stop, seen, errors = threading.Event(), [], []
    per_client: list[list[str]] = [[] for _ in range(4)]
    with running_server(app, "127.0.0.1", _free_port()) as base:
        workers = [
            threading.Thread(
                target=_hammer,
                args=(f"{base}/v1/suggestions", tokens["coder"], stop, seen, errors, mine),
            )
            for mine in per_client
        ]
        for worker in workers:
            worker.start()
        time.sleep(1.0)
        from clinicode.tracking import mlflow_client

        mlflow_client(workspace).set_registered_model_alias(MODEL, "champion", v2)
        deadline = time.monotonic() + 30
        while (not seen or seen[-1] != v2) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join()
    assert errors == []
    assert "1" in seen and seen[-1] == v2 and len(seen) > 20
    # Once a client has been answered by the new version, it is never answered by the old one
    # again. (Across clients, a request that started before the switch may still finish after
    # another client's first new answer, so the global order is not the right check.)
    for versions in per_client:
        if v2 in versions:
            assert "1" not in versions[versions.index(v2) :], versions


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ([[{"start": 0, "end": 5, "score": 0.7}], []], [[(0, 5)], []]),
        ({"I10": [{"start": 0, "end": 5}]}, [[(0, 5)], []]),
        ([[{"start": 0, "end": 5}]], [[], []]),  # not one list per code: dropped
        ([[{"start": 3, "end": 99}, {"start": "x"}, {"end": 2}], []], [[], []]),  # off the note
        (None, [[], []]),
    ],
)
def test_evidence_spans_are_aligned_and_checked(evidence: object, expected: list) -> None:
    import numpy as np
    import pandas as pd

    from serving.api import NoteIn, score_notes
    from serving.holder import LoadedModel

    class Model:
        def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
            row = {"suggested_codes": np.array(["I10", "E11.9"]), "confidences": [0.9, 0.8]}
            if evidence is not None:
                row["evidence"] = evidence
            return pd.DataFrame([row])

    loaded = LoadedModel("m", "1", Model(), "torch")
    (answer,) = score_notes(loaded, [NoteIn(text="hypertension, diabetes")], b"k" * 32)
    spans = [[(e.start, e.end) for e in s.evidence] for s in answer.suggestions]
    assert spans == expected


def _self_signed(folder) -> tuple[str, str]:  # noqa: ANN001
    """A throwaway certificate for 127.0.0.1 and its key (PEM files)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


def test_tls_when_given_a_certificate_and_key(served: Served, tmp_path) -> None:  # noqa: ANN001
    import ssl

    cert, key = _self_signed(tmp_path)
    app = served.client.app
    with running_server(app, "127.0.0.1", _free_port(), ssl_certfile=cert, ssl_keyfile=key) as base:
        assert base.startswith("https://")
        context = ssl.create_default_context(cafile=cert)
        health = httpx.get(f"{base}/health", verify=context, timeout=30)
        assert health.status_code == 200 and health.json()["model_version"] == "1"
        with pytest.raises(httpx.HTTPError):
            httpx.get(base.replace("https", "http") + "/health", timeout=5)
