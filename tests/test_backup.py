"""Backup and restore: a round trip brings back MLflow, artifacts and a verifying audit chain."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from clinicode.backup import MANIFEST, Stores, backup, restore, stores_of
from clinicode.config import Workspace
from clinicode.errors import ConfigError, GovernanceError
from clinicode.servers import Servers
from governance.audit import AuditLog

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _fill(workspace: Workspace, audit_url: str, n_events: int = 3) -> str:
    """One MLflow run with a param and an artifact, and ``n_events`` audit events."""
    import mlflow

    from clinicode.tracking import use_experiment

    use_experiment(workspace)
    with mlflow.start_run() as run:
        mlflow.log_param("threshold", 0.4)
        mlflow.log_text("gate passed", "notes/verdict.txt")
    log = AuditLog(audit_url)
    for n in range(n_events):
        log.append("model-training", "C", "ml-eng-1", "ml-engineer", {"version": str(n + 1)})
    log.close()
    return run.info.run_id


def _audit_count(url: str) -> int:
    log = AuditLog(url)
    try:
        assert log.verify().ok
        return len(log.records())
    finally:
        log.close()


def test_round_trip_restores_runs_artifacts_and_the_audit_chain(workspace, tmp_path) -> None:
    from clinicode.tracking import mlflow_client

    run_id = _fill(workspace, workspace.audit_url)
    stores = stores_of(workspace, Servers())
    made = backup(stores, tmp_path / "backups")
    assert made["audit"] == {**made["audit"], "ok": True, "n_records": 3}

    # Damage everything: a later event, the tracking database and the artifact folder.
    log = AuditLog(workspace.audit_url)
    log.append("promotion", "U", "board-1", "governance-board", {"version": "9"})
    log.close()
    (workspace.state_dir / "mlflow.db").unlink()
    shutil.rmtree(workspace.mlflow_artifacts)

    done = restore(stores, Path(made["path"]))
    assert done["restored"] == ["mlflow", "artifacts", "audit"]
    assert done["audit"]["head_hash"] == made["audit"]["head_hash"]
    assert _audit_count(workspace.audit_url) == 3
    client = mlflow_client(workspace)
    assert client.get_run(run_id).data.params == {"threshold": "0.4"}
    local = client.download_artifacts(run_id, "notes/verdict.txt", str(tmp_path))
    assert Path(local).read_text() == "gate passed"


def test_an_altered_backup_file_is_refused_before_anything_changes(workspace, tmp_path) -> None:
    _fill(workspace, workspace.audit_url)
    stores = stores_of(workspace, Servers())
    folder = Path(backup(stores, tmp_path / "backups")["path"])
    with (folder / "audit.sqlite").open("ab") as handle:
        handle.write(b"\0")
    log = AuditLog(workspace.audit_url)
    log.append("promotion", "U", "board-1", "governance-board", {"version": "9"})
    log.close()
    with pytest.raises(ConfigError, match="audit.sqlite: checksum differs"):
        restore(stores, folder)
    assert _audit_count(workspace.audit_url) == 4  # untouched


def test_a_rewritten_audit_history_fails_verification_after_restore(workspace, tmp_path) -> None:
    _fill(workspace, workspace.audit_url)
    stores = stores_of(workspace, Servers())
    folder = Path(backup(stores, tmp_path / "backups")["path"])
    # A forger edits an event and fixes the manifest's checksum; the hash chain still tells.
    dump = folder / "audit.sqlite"
    with sqlite3.connect(dump) as db:
        db.execute("UPDATE audit_event SET agent_who = 'someone-else' WHERE seq = 2")
    manifest = json.loads((folder / MANIFEST).read_text())
    from clinicode.backup import _sha256

    manifest["files"]["audit.sqlite"]["sha256"] = _sha256(dump)
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(GovernanceError, match="does not verify"):
        restore(stores, folder)


def test_a_tracking_server_without_its_database_cannot_be_backed_up(workspace, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9/")
    with pytest.raises(ConfigError, match="servers.mlflow_backend_store"):
        stores_of(workspace, Servers(mlflow_tracking_uri="http://127.0.0.1:9/"))


@pytest.fixture
def pg_audit_url():
    """A throwaway PostgreSQL database for the audit log, dropped afterwards."""
    if (
        shutil.which("psql") is None
        or subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode
    ):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    name = f"clinicode_test_backup_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    yield f"{PG}/{name}"
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--force", "--if-exists", name], check=True
    )


def test_postgresql_audit_log_round_trip(workspace, tmp_path, pg_audit_url) -> None:
    _fill(workspace, pg_audit_url, n_events=4)
    stores = Stores(workspace.mlflow_uri, workspace.mlflow_artifacts, pg_audit_url)
    made = backup(stores, tmp_path / "backups")
    assert "audit.pgdump" in made["files"]
    log = AuditLog(pg_audit_url)
    log.append("promotion", "U", "board-1", "governance-board", {"version": "9"})
    log.close()
    assert _audit_count(pg_audit_url) == 5
    done = restore(stores, Path(made["path"]))
    assert done["audit"]["ok"] and _audit_count(pg_audit_url) == 4
