"""Registry governance on a real MLflow SQLite registry: gate tags, promotion and rollback."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

import mlflow
import pytest
from mlflow import MlflowClient

from clinicode.config import PromoteParams, Workspace
from clinicode.errors import GovernanceError
from governance.registry import (
    GATE_STATUS,
    PREVIOUS_CHAMPION,
    champion_version,
    promote,
    record_gate_verdict,
    rollback,
)

PARAMS = PromoteParams()
PASS = {"passed": True, "verdict": "pass", "reasons": ["all 4 acceptance checks passed"]}
FAIL = {"passed": False, "verdict": "fail", "reasons": ["micro_f1 0.100 is below" + " x" * 400]}
_names = count()


class EchoModel(mlflow.pyfunc.PythonModel):
    """Smallest possible model: registry tests never run it."""

    def predict(
        self, context: object, model_input: list[str], params: dict | None = None
    ) -> list[str]:
        return model_input


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MlflowClient, str]]:
    """One MLflow SQLite store for the module (creating its tables takes seconds) and one
    logged model whose URI each test registers under its own name."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        workspace = Workspace(tmp_path_factory.mktemp("registry") / "project").ensure()
        previous_uri, previous_registry = mlflow.get_tracking_uri(), mlflow.get_registry_uri()
        # Both URIs: an earlier test in the session may have pointed the registry elsewhere.
        mlflow.set_tracking_uri(workspace.mlflow_uri)
        mlflow.set_registry_uri(workspace.mlflow_uri)
        client = MlflowClient(tracking_uri=workspace.mlflow_uri, registry_uri=workspace.mlflow_uri)
        experiment = client.create_experiment(
            "registry-tests", artifact_location=workspace.mlflow_artifacts.as_uri()
        )
        with mlflow.start_run(experiment_id=experiment):
            info = mlflow.pyfunc.log_model(
                name="model", python_model=EchoModel(), pip_requirements=["mlflow==3.17.2"]
            )
        yield client, info.model_uri
        mlflow.set_tracking_uri(previous_uri)
        mlflow.set_registry_uri(previous_registry)


def _versions(registry: tuple[MlflowClient, str], n: int) -> tuple[MlflowClient, str, list]:
    client, uri = registry
    name = f"icd-model-{next(_names)}"
    versions = [str(mlflow.register_model(uri, name).version) for _ in range(n)]
    return client, name, versions


def test_gate_verdict_is_tagged_on_the_version(registry: tuple) -> None:
    client, name, (v1,) = _versions(registry, 1)
    record_gate_verdict(client, name, v1, FAIL, "/reports/validation/validation.html")
    tags = client.get_model_version(name, v1).tags
    assert tags[GATE_STATUS] == "fail"
    assert tags["gate.report"].endswith("validation.html") and tags["gate.date"]
    assert tags["gate.reasons"].startswith("micro_f1") and len(tags["gate.reasons"]) <= 500


def test_promotion_refused_without_passing_gate_or_approval(registry: tuple) -> None:
    client, name, (v1,) = _versions(registry, 1)
    with pytest.raises(GovernanceError, match="no passing revalidation gate"):
        promote(client, name, v1, "board", "quarterly release", PARAMS)
    record_gate_verdict(client, name, v1, FAIL, "r.html")
    with pytest.raises(GovernanceError, match="gate.status=fail"):
        promote(client, name, v1, "board", "quarterly release", PARAMS)
    record_gate_verdict(client, name, v1, PASS, "r.html")
    with pytest.raises(GovernanceError, match="approver"):
        promote(client, name, v1, "  ", "quarterly release", PARAMS)
    with pytest.raises(GovernanceError, match="reason"):
        promote(client, name, v1, "board", "", PARAMS)
    with pytest.raises(GovernanceError, match="no version 99"):
        promote(client, name, "99", "board", "quarterly release", PARAMS)
    assert champion_version(client, name, PARAMS.alias) is None


def test_promote_then_rollback_moves_the_alias_back(registry: tuple) -> None:
    client, name, (v1, v2) = _versions(registry, 2)
    for version in (v1, v2):
        record_gate_verdict(client, name, version, PASS, "r.html")

    first = promote(client, name, v1, "board", "first release", PARAMS)
    assert first == {"model": name, "version": v1, "previous": None}
    second = promote(client, name, v2, "board", "better on chapter 9", PARAMS)
    assert second["previous"] == v1
    assert champion_version(client, name, PARAMS.alias) == v2
    tags = client.get_model_version(name, v2).tags
    assert tags[PREVIOUS_CHAMPION] == v1
    assert tags["promotion.approver"] == "board" and tags["promotion.date"]
    assert tags["promotion.reason"] == "better on chapter 9"
    # Promoting the champion again is a no-op (a retried flow must not rewrite history).
    assert promote(client, name, v2, "board", "retry", PARAMS)["previous"] == v1

    with pytest.raises(GovernanceError, match="approver"):
        rollback(client, name, "", "regression", PARAMS)
    back = rollback(client, name, "on-call lead", "regression in Q3", PARAMS)
    assert back == {"model": name, "version": v1, "previous": v2}
    assert champion_version(client, name, PARAMS.alias) == v1
    assert client.get_model_version(name, v2).tags["rollback.reason"] == "regression in Q3"
    with pytest.raises(GovernanceError, match="no previous champion"):
        rollback(client, name, "on-call lead", "again", PARAMS)


def test_rollback_refused_without_champion(registry: tuple) -> None:
    client, name, _ = _versions(registry, 1)
    with pytest.raises(GovernanceError, match="no 'champion' alias"):
        rollback(client, name, "on-call lead", "regression", PARAMS)
    assert champion_version(client, "no-such-model", PARAMS.alias) is None


def test_revalidation_status_ok_overdue_failed_never(registry: tuple) -> None:
    from datetime import UTC, datetime, timedelta

    from governance.registry import record_monitoring, revalidation_status

    client, name, (v1, v2) = _versions(registry, 2)
    now = datetime(2027, 3, 1, tzinfo=UTC)
    assert revalidation_status(client, name, v1, now=now)["status"] == "never"
    record_gate_verdict(client, name, v1, PASS, "r.html", now=now - timedelta(days=400))
    overdue = revalidation_status(client, name, v1, now=now)
    assert overdue["status"] == "overdue" and overdue["age_days"] == 400.0
    record_gate_verdict(client, name, v1, PASS, "r.html", sample="test", now=now)
    assert revalidation_status(client, name, v1, now=now)["status"] == "ok"
    assert client.get_model_version(name, v1).tags["gate.sample"] == "test"
    record_gate_verdict(client, name, v1, FAIL, "r.html", now=now + timedelta(days=1))
    failed = revalidation_status(client, name, v1, now=now + timedelta(days=2))
    assert failed["status"] == "failed" and failed["last_pass_date"].startswith("2027-03-01")
    record_monitoring(client, name, v2, "2026Q3", "fail", "reports/monitoring/2026Q3/index.html")
    tags = client.get_model_version(name, v2).tags
    assert tags["monitoring.last_quarter"] == "2026Q3" and tags["monitoring.last_verdict"] == "fail"


def test_promotion_and_rollback_check_roles_gate_and_are_audited(workspace: Workspace) -> None:
    """The stages behind `clinicode promote` / `rollback`: every refusal, then the happy path."""
    from serving_fixtures import MODEL, add_staff, register, serving_params
    from typer.testing import CliRunner

    from clinicode.cli import app
    from clinicode.stages import audit_log, run_promote, run_rollback
    from clinicode.tracking import mlflow_client
    from governance.access import AccessDenied

    params = serving_params()
    v1, v2 = (register(workspace, {"asthma": "J45.909"}, alias=False) for _ in range(2))
    tokens = add_staff(workspace)
    client = mlflow_client(workspace)
    record_gate_verdict(client, MODEL, v1, PASS, "r.html")
    record_gate_verdict(client, MODEL, v2, FAIL, "r.html")

    # refusals: wrong role, unknown approver, failed gate
    with pytest.raises(AccessDenied, match="role 'coder'; allowed: governance-board"):
        run_promote(params, workspace, v1, "coder-1", "looks fine")
    with pytest.raises(AccessDenied, match="not a registered active user"):
        run_promote(params, workspace, v1, "mallory", "looks fine")
    with pytest.raises(GovernanceError, match="gate.status=fail"):
        run_promote(params, workspace, v2, "governance-board-1", "looks fine")
    assert champion_version(client, MODEL, "champion") is None

    # approved promotions, then a rollback by operations
    run_promote(params, workspace, v1, "governance-board-1", "first release")
    record_gate_verdict(client, MODEL, v2, PASS, "r.html")
    run_promote(params, workspace, v2, "governance-board-1", "better recall")
    with pytest.raises(AccessDenied, match="role 'ml-engineer'"):
        run_rollback(params, workspace, "ml-engineer-1", "regression")
    assert run_rollback(params, workspace, "operations-1", "regression")["version"] == v1
    assert champion_version(client, MODEL, "champion") == v1

    records = audit_log(workspace).records()
    moves = [(r["type"], r["outcome"], r["agent"]["who"]) for r in records
             if r["type"] in ("promotion", "rollback")]  # fmt: skip
    assert moves == [
        ("promotion", "refused", "coder-1"),
        ("promotion", "refused", "mallory"),
        ("promotion", "refused", "governance-board-1"),
        ("promotion", "success", "governance-board-1"),
        ("promotion", "success", "governance-board-1"),
        ("rollback", "refused", "ml-engineer-1"),
        ("rollback", "success", "operations-1"),
    ]
    assert records[-1]["entity"]["reason"] == "regression"
    assert sum(r["type"] == "access-denied" for r in records) == 3

    # the CLI takes the approver from the token (rollback runs without Prefect)
    home = ["--home", str(workspace.root)]
    refused = CliRunner().invoke(app, [*home, "rollback", "--reason", "again"])
    assert refused.exit_code == 2 and "authentication required" in refused.output
    denied = CliRunner().invoke(
        app, [*home, "--token", tokens["coder"], "rollback", "--reason", "again"]
    )
    assert denied.exit_code == 2 and "role 'coder'" in denied.output
