"""Shared servers: PostgreSQL-backed Prefect and MLflow servers run the lifecycle via deployments.

The module starts its own servers with ``scripts/services.sh`` (throwaway databases, free ports),
registers the deployments, runs a process worker, and drives runs through the Prefect REST API
the way the UI does: training, revalidation (through the CLI's ``--via-deployment``), and a
promotion that pauses until the approval form is submitted.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "services.sh"
BIN = Path(sys.executable).parent
TINY = {
    "corpus": {"n_patients": 30, "max_notes_per_patient": 2, "n_codes": 10},
    "train": {"max_length": 64, "epochs": 1, "batch_size": 8, "top_k": 10},
    "revalidate": {"min_micro_f1": 0.0, "min_map": 0.0, "min_test_cases": 1},
}
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_up() -> bool:
    if shutil.which("pg_isready") is None or shutil.which("curl") is None:
        return False
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


def _services(env: dict[str, str], action: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT), action], env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Prefect and MLflow servers on free loopback ports, stopped and dropped afterwards."""
    if not _postgres_up():
        pytest.skip("PostgreSQL (and curl) needed on 127.0.0.1:5432")
    prefix = f"clinicode_test_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CLINICODE_SERVICES_DIR": str(tmp_path_factory.mktemp("services")),
        "PREFECT_PORT": str(_free_port()),
        "MLFLOW_PORT": str(_free_port()),
        "CLINICODE_DB_PREFIX": prefix,
        "VENV": str(BIN.parent),
    }
    started = _services(env, "start")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        exports = _services(env, "env").stdout.split()
        env.update(dict(line.split("=", 1) for line in exports if "=" in line))
        yield env
    finally:
        _services(env, "stop")
        for db in ("prefect", "mlflow", "audit"):
            subprocess.run(
                [
                    "dropdb",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "--force",
                    "--if-exists",
                    f"{prefix}_{db}",
                ],
                check=False,
            )


def test_start_is_idempotent(services: dict[str, str]) -> None:
    again = _services(services, "start")
    assert again.returncode == 0, again.stderr
    assert "prefect already up" in again.stdout and "mlflow already up" in again.stdout


def _clinicode(env: dict[str, str], root: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(BIN / "clinicode"), "--home", str(root), "--params", str(root / "params.yaml")]
    return subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, timeout=600, cwd=root
    )


def _api(env: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=env["PREFECT_API_URL"], timeout=30)


def _start_run(api: httpx.Client, deployment: str, parameters: dict | None = None) -> str:
    """Create a flow run of ``flow/deployment`` through the REST API, as the UI's Run does."""
    found = api.get(f"/deployments/name/{deployment}")
    found.raise_for_status()
    run = api.post(
        f"/deployments/{found.json()['id']}/create_flow_run",
        json={"parameters": parameters or {}},
    )
    run.raise_for_status()
    return run.json()["id"]


def _wait(api: httpx.Client, run_id: str, states: set[str], limit_s: float = 420) -> str:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        state = api.get(f"/flow_runs/{run_id}").json()["state"]
        if state["type"] in states or state["name"] in states:
            return state["name"]
        time.sleep(2)
    raise AssertionError(f"flow run {run_id} not in {states} after {limit_s} s")


@pytest.fixture
def worker(services: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """A project folder with tiny params, its deployments, and a process worker on the pool."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "params.yaml").write_text(yaml.safe_dump(TINY))
    env = {
        **services,
        "CLINICODE_HOME": str(root),
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "CLINICODE_USER": "svc-pipeline",
        "CLINICODE_TORCH_THREADS": "1",
    }
    env.pop("CLINICODE_PARAMS", None)
    deployed = _clinicode(env, root, "deploy")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "prefect"), "worker", "start", "--pool", "clinicode"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its flow-run children share the group and stop with it
    )
    try:
        yield {**env, "root": str(root)}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def test_lifecycle_through_deployments(worker: dict[str, str]) -> None:
    from governance.access import AccessStore
    from governance.audit import AuditLog

    root = Path(worker["root"])
    with _api(worker) as api:
        # Training (assemble + train), started through the API and executed by the worker.
        run_id = _start_run(api, "retrain/training")
        assert _wait(api, run_id, {"COMPLETED", "FAILED", "CRASHED"}) == "Completed"

        # Operations trigger a revalidation through its deployment.
        gate = _clinicode(worker, root, "revalidate", "--via-deployment", "--wait", "400")
        assert gate.returncode == 0, gate.stdout + gate.stderr
        assert '"COMPLETED"' in gate.stdout

        # Promotion pauses for the approval form; a governance-board member approves.
        store = AccessStore(worker["CLINICODE_AUDIT_URL"])
        store.add_user("board-1", "governance-board")
        store.close()
        run_id = _start_run(api, "promote/promotion")
        assert _wait(api, run_id, {"PAUSED", "FAILED", "CRASHED"}) == "Paused"
        form = {"approver": "board-1", "decision": "approve", "reason": "gate passed; reviewed"}
        resumed = api.post(f"/flow_runs/{run_id}/resume", json={"run_input": form})
        assert resumed.status_code in (200, 201), resumed.text
        assert _wait(api, run_id, {"COMPLETED", "FAILED", "CRASHED"}) == "Completed"

    # The champion is on the MLflow server, and the audit chain in PostgreSQL holds the approval.
    from mlflow import MlflowClient

    client = MlflowClient(worker["MLFLOW_TRACKING_URI"], worker["MLFLOW_TRACKING_URI"])
    champion = client.get_model_version_by_alias("clinicode-icd10", "champion")
    assert champion.tags.get("gate.status") == "pass"
    audit = AuditLog(worker["CLINICODE_AUDIT_URL"])
    assert audit.verify().ok
    promotions = [r for r in audit.records() if r["type"] == "promotion"]
    assert promotions[-1]["entity"]["approver"] == "board-1"
    audit.close()

    # Every server answers the doctor.
    doctor = _clinicode(worker, root, "doctor")
    assert doctor.returncode == 0, doctor.stdout
