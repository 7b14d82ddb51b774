"""Deployments: schedules from params.yaml, run parameters, approval rules (no server needed).

The run through a real Prefect server, worker and MLflow server is in ``test_services.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clinicode.config import Params
from clinicode.deploy import FLOW_OF, deploy, run_environment
from clinicode.errors import ConfigError, GovernanceError
from clinicode.servers import Servers
from flows._common import params_of, transient_error
from flows.deployments import (
    ANNUAL_REVALIDATION,
    PROMOTION,
    QUARTERLY_CHECK,
    REVALIDATION,
    TRAINING,
    work_pool_deployments,
)


def _params(**deploy: object) -> Params:
    return Params.model_validate({"deploy": deploy})


def test_every_deployment_carries_its_schedule_from_params() -> None:
    params = _params(train_cron="0 2 1 */3 *", work_pool="hospital-pool")
    deployments = {d.name: d for d in work_pool_deployments(params, "/srv/clinicode")}
    crons = {name: [s.schedule.cron for s in d.schedules] for name, d in deployments.items()}
    assert crons == {
        TRAINING: ["0 2 1 */3 *"],
        QUARTERLY_CHECK: ["0 6 1 1,4,7,10 *"],
        ANNUAL_REVALIDATION: ["0 6 15 1 *"],
        REVALIDATION: [],
        PROMOTION: [],
    }
    assert {d.work_pool_name for d in deployments.values()} == {"hospital-pool"}
    assert set(FLOW_OF) == set(deployments)
    assert deployments[QUARTERLY_CHECK].parameters["quarter"] == "previous"
    assert deployments[ANNUAL_REVALIDATION].parameters["version"] == "champion"


def test_training_is_on_demand_unless_a_cron_is_set() -> None:
    (training, *_) = work_pool_deployments(Params(), "/srv/clinicode")
    assert training.name == TRAINING and training.schedules == []
    assert training.entrypoint == "flows/train.py:retrain_flow"


def test_runs_get_the_project_folder_and_no_password(tmp_path: Path, workspace) -> None:
    servers = Servers(
        mlflow_tracking_uri="http://127.0.0.1:5000",
        audit_url="postgresql+psycopg://clinicode:secret@db:5432/audit",
    )
    env = run_environment(servers, workspace)
    assert env["CLINICODE_HOME"] == str(workspace.root)
    assert env["MLFLOW_TRACKING_URI"] == "http://127.0.0.1:5000"
    assert "CLINICODE_AUDIT_URL" not in env  # the worker's own environment must provide it
    (deployment, *_) = work_pool_deployments(Params(), str(workspace.root), env)
    assert deployment.job_variables["env"] == env


def test_deploy_without_a_server_says_how_to_start_one(workspace) -> None:
    with pytest.raises(ConfigError, match="PREFECT_API_URL"):
        deploy(Params(), workspace, Servers())


def test_scheduled_runs_read_the_project_params_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CLINICODE_PARAMS", raising=False)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump({"deploy": {"work_pool": "from-file"}}))
    assert params_of(None, str(tmp_path)).deploy.work_pool == "from-file"
    given = _params(work_pool="given")
    assert params_of(given, str(tmp_path)) is given


def test_promotion_without_approver_needs_a_server(monkeypatch) -> None:
    from flows.promote import wait_for_approval

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with pytest.raises(GovernanceError, match="--approver"):
        wait_for_approval(Params(), "3")


def test_only_the_governance_board_may_approve(workspace) -> None:
    from clinicode.stages import audit_log
    from flows.promote import check_approver_task
    from governance.access import AccessDenied, AccessStore

    store = AccessStore(workspace.audit_url)
    store.add_user("board-1", "governance-board")
    store.add_user("coder-1", "coder")
    store.close()
    root = str(workspace.root)
    assert check_approver_task.fn(root, "board-1") == "board-1"
    for who in ("coder-1", "nobody"):
        with pytest.raises(AccessDenied, match="governance-board"):
            check_approver_task.fn(root, who)
    denied = [r for r in audit_log(workspace).records() if r["type"] == "access-denied"]
    assert [r["agent"]["who"] for r in denied] == ["coder-1", "anonymous"]


def test_approval_form_fields() -> None:
    from pydantic import ValidationError

    from flows.promote import Approval

    form = Approval(approver="board-1", decision="approve", reason="gate passed")
    assert form.decision == "approve"
    with pytest.raises(ValidationError):
        Approval(approver="board-1", decision="maybe", reason="gate passed")


class _State:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def result(self):
        raise self.error


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (ConnectionRefusedError("db down"), True),
        (TimeoutError("slow"), True),
        (ConfigError("params.yaml: bad key"), False),
        (GovernanceError("gate failed"), False),
    ],
)
def test_only_transient_errors_are_retried(error: Exception, retried: bool) -> None:
    assert transient_error(None, None, _State(error)) is retried
