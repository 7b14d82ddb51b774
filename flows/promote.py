"""Prefect flow: promote a gated version to ``champion`` with a recorded approval.

Given an approver and a reason (the CLI, the demo), the flow promotes at once. Without them (a run
of the ``promote`` deployment, started by operations after a passing gate) it pauses and waits for
the governance approval form in the Prefect UI: approver, decision and reason. The approver must
be a user with the ``governance-board`` role (``governance.access``); anyone else is refused and
the refusal is audited. The form never asks for note text, only for who decided and why.
"""

from __future__ import annotations

import logging
import os
from typing import Literal

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.input import RunInput
from pydantic import Field

from clinicode import stages
from clinicode.config import Params
from clinicode.errors import GovernanceError
from flows._common import IO_RETRIES, params_of, publish, workspace_of

logger = logging.getLogger(__name__)

APPROVAL_KEY = "governance-approval"


class Approval(RunInput):
    """The governance approval form a paused promotion waits for."""

    approver: str = Field(description="Your user id (a governance-board member).")
    decision: Literal["approve", "reject"] = Field(description="Promote this version or not.")
    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the audit log).")


@task(name="promote-version", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def promote_task(
    params: Params, root: str | None, version: str | None, approver: str, reason: str
) -> dict:
    """Move the alias; refused unless the gate passed and approver and reason are given."""
    return stages.run_promote(params, workspace_of(root), version, approver, reason)


@task(name="check-approver", cache_policy=NO_CACHE)
def check_approver_task(root: str | None, approver: str) -> str:
    """Refuse (and audit) an approver without the governance-board role."""
    from governance.access import require_role

    workspace = workspace_of(root)
    store = stages.access_store(workspace)
    try:
        principal = store.principal(approver)
    finally:
        store.close()
    audit = stages.audit_log(workspace)
    require_role(principal, stages.PROMOTE_ROLES, "model.promote", audit=audit)
    return approver


@task(name="record-rejection", cache_policy=NO_CACHE, **IO_RETRIES)
def record_rejection_task(
    params: Params, root: str | None, version: str | None, approver: str, reason: str
) -> dict:
    """Audit a governance decision not to promote (the alias does not move)."""
    entity = {
        "model": params.train.registered_model,
        "version": str(version or params.promote.candidate_alias),
        "approver": approver,
        "reason": reason,
    }
    stages.audit_log(workspace_of(root)).append(
        "promotion", "U", approver, "governance-board", entity, outcome="rejected"
    )
    logger.info("promotion rejected by the approver; the champion stays")
    return {"promoted": False, "decision": "reject", "version": entity["version"]}


def wait_for_approval(params: Params, version: str | None) -> Approval:
    """Pause this flow run until someone submits the approval form (Prefect UI or API).

    Raises:
        GovernanceError: No Prefect server is configured (an ephemeral server has no UI to
            approve in); pass the approver and reason directly instead.
    """
    from prefect.flow_runs import pause_flow_run

    if not os.environ.get("PREFECT_API_URL"):
        raise GovernanceError(
            "promotion needs an approver and a reason (--approver, --reason); the approval "
            "form is only available on a Prefect server"
        )
    described = Approval.with_initial_data(
        description=(
            f"Approve promotion of **{params.train.registered_model}** version "
            f"**{version or params.promote.candidate_alias}** to `{params.promote.alias}`. "
            "Approvers need the governance-board role."
        ),
        decision="reject",
    )
    logger.info("promotion paused: waiting for the governance approval form")
    return pause_flow_run(
        wait_for_input=described, timeout=params.deploy.approval_timeout_s, key=APPROVAL_KEY
    )


@flow(name="promote", validate_parameters=False, persist_result=True)
def promote_flow(
    params: Params | None = None,
    approver: str | None = None,
    reason: str | None = None,
    root: str | None = None,
    version: str | None = None,
) -> dict:
    """Promote ``version`` (default: the candidate) to the serving alias.

    Args:
        params: All parameters; None reads ``params.yaml`` at run time (deployment runs).
        approver: Governance-board member approving; None pauses for the approval form.
        reason: Why this version should serve (required with ``approver``).
        root: Project folder.
        version: Version number (default: the candidate alias).
    """
    params = params_of(params, root)
    if approver is None:
        approval = wait_for_approval(params, version)
        approver, reason = check_approver_task(root, approval.approver), approval.reason
        if approval.decision != "approve":
            result = record_rejection_task(params, root, version, approver, reason)
            publish("promotion", "Promotion", {**result, "approver": approver, "reason": reason})
            return result
    result = promote_task(params, root, version, approver, reason or "")
    publish("promotion", "Promotion", {**result, "approver": approver, "reason": reason})
    return result
