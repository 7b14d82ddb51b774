"""``clinicode doctor``: each connection is checked for real and a failure says what to do."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest
from typer.testing import CliRunner

from clinicode.config import Params
from clinicode.doctor import EMBEDDED, FAIL, OK, check_database, check_prefect, run_doctor
from clinicode.servers import Servers, apply_servers, redact, resolve_servers

PG = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_up() -> bool:
    if shutil.which("pg_isready") is None:
        return False
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


def test_embedded_defaults_need_no_server(workspace, monkeypatch) -> None:
    for variable in ("PREFECT_API_URL", "CLINICODE_DEID_KEY", "CLINICODE_DEID_KEY_FILE"):
        monkeypatch.delenv(variable, raising=False)
    checks = {c.name: c for c in run_doctor(Params(), workspace, Servers())}
    assert {c.status for c in checks.values()} == {EMBEDDED}
    assert checks["mlflow"].detail == "local SQLite file works"


def test_a_dead_prefect_server_fails_with_a_hint() -> None:
    check = check_prefect(f"http://127.0.0.1:{_free_port()}/api")
    assert check.status == FAIL and "services.sh start" in check.hint


def test_a_missing_driver_is_named() -> None:
    check = check_database("audit", "mysql+mysqldb://auditor@127.0.0.1/audit")
    assert check.status == FAIL and "driver missing (MySQLdb)" in check.detail


@pytest.mark.skipif(not _postgres_up(), reason="PostgreSQL is not running on 127.0.0.1")
def test_postgresql_checks_reach_the_server_and_never_show_a_password() -> None:
    assert check_database("audit", f"{PG}/postgres").status == OK
    missing = check_database("audit", "postgresql+psycopg://postgres:s3cret@127.0.0.1:5432/nodb_x")
    assert missing.status == FAIL and missing.hint == "create the database"
    assert "s3cret" not in missing.target + missing.detail
    assert "***" in missing.target


def test_environment_wins_over_params(monkeypatch) -> None:
    from clinicode.config import ServersParams

    monkeypatch.setenv("CLINICODE_DASK_ADDRESS", "tcp://127.0.0.1:8786")
    monkeypatch.delenv("CLINICODE_AUDIT_URL", raising=False)
    servers = resolve_servers(
        ServersParams(dask_address="tcp://elsewhere:1", audit_url="sqlite://")
    )
    assert servers.dask_address == "tcp://127.0.0.1:8786"
    assert servers.audit_url == "sqlite://"
    apply_servers(servers)  # exported for libraries that read the environment
    import os

    assert os.environ["CLINICODE_AUDIT_URL"] == "sqlite://"
    monkeypatch.delenv("CLINICODE_AUDIT_URL")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:pw@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://u@db/x", "postgresql://u@db/x"),
        ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
        (None, None),
    ],
)
def test_redact(url, shown) -> None:
    assert redact(url) == shown


def test_cli_exits_1_and_names_the_failing_server(workspace, monkeypatch) -> None:
    from clinicode.cli import app

    dead = f"http://127.0.0.1:{_free_port()}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", dead)
    result = CliRunner().invoke(app, ["--home", str(workspace.root), "doctor"])
    assert result.exit_code == 1, result.output
    line = next(row for row in result.output.splitlines() if "mlflow " in row)
    assert "fail" in line
