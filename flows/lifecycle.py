"""Prefect flow: the whole lifecycle on the configured source, as the demo runs it."""

from __future__ import annotations

import logging

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from clinicode import stages
from clinicode.config import Params
from flows._common import publish, workspace_of
from flows.assemble import assemble_flow
from flows.monitor import monitor_flow
from flows.promote import promote_flow
from flows.revalidate import revalidate_flow
from flows.train import train_flow

logger = logging.getLogger(__name__)


@task(name="serve-check", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def serve_task(params: Params, root: str | None) -> dict:
    """Start the API, send one note, stop it."""
    return stages.run_serve_check(params, workspace_of(root))


@task(name="verify-audit-chain", cache_policy=NO_CACHE)
def verify_audit_task(root: str | None) -> dict:
    """Check the audit log's hash chain end to end."""
    result = stages.audit_log(workspace_of(root)).verify()
    return {"ok": result.ok, "n_records": result.n_records, "problems": result.problems}


@flow(name="lifecycle", validate_parameters=False)
def lifecycle_flow(params: Params, root: str | None = None, drift_quarter: str = "2026Q3") -> dict:
    """Assemble, train, gate, promote, serve, monitor two quarters and verify the audit chain.

    Args:
        params: All parameters (the demo shrinks sizes in ``params.yaml``).
        root: Project folder; defaults to ``$CLINICODE_HOME`` or the working directory.
        drift_quarter: The second monitored quarter, generated with the corpus drift switched on.
    """
    manifest = assemble_flow(params, root, allow_demo_key=True)
    trained = train_flow(params, root)
    version = str(trained["version"])
    verdict = revalidate_flow(params, root, version)
    promotion = None
    if verdict["passed"]:
        promotion = promote_flow(
            params, params.demo.approver, "demo: revalidation gate passed", root, version
        )
    else:
        logger.warning("gate failed for version %s; the previous champion stays", version)
    served = serve_task(params, root)
    quarters = [
        monitor_flow(params, root, params.monitor.current_quarter, False, True),
        monitor_flow(params, root, drift_quarter, True, True),
    ]
    audit = verify_audit_task(root)
    summary = {
        "dataset_digest": manifest["digest"],
        "run_id": trained["run_id"],
        "version": version,
        "test_metrics": trained["evaluation"]["metrics"],
        "gate": verdict["verdict"],
        "gate_report": verdict["report"],
        "promoted": promotion is not None,
        "served": served,
        "quarters": {q["quarter"]: q["verdict"] for q in quarters},
        "quarter_reports": {q["quarter"]: q.get("html") for q in quarters},
        "audit": audit,
    }
    publish("lifecycle", "Lifecycle demo", {k: v for k, v in summary.items() if k != "served"})
    return summary
