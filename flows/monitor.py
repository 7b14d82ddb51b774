"""Prefect flow: the quarterly check of the champion (drift and accuracy on a gold sample).

A failing check emits a Prefect event, tells ``monitor.notify_url`` (through Apprise, which ships
with Prefect) and, with ``monitor.auto_revalidate``, runs the revalidation gate on the champion.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from clinicode import stages
from clinicode.config import Params
from flows._common import IO_RETRIES, params_of, publish, workspace_of

logger = logging.getLogger(__name__)

PREVIOUS_QUARTER = "previous"  # a scheduled run checks the quarter that just ended


def previous_quarter(today: date | None = None) -> str:
    """The calendar quarter before the one ``today`` falls in, e.g. 2026-04-01 -> ``2026Q1``."""
    today = today or datetime.now(UTC).date()
    index = (today.month - 1) // 3  # 0-based current quarter
    return f"{today.year - 1}Q4" if index == 0 else f"{today.year}Q{index}"


def alert_on_fail(result: dict, notify_url: str | None, model_name: str) -> bool:
    """Send a short notice of a failed check to ``notify_url`` (any Apprise URL).

    The notice names the model, version, quarter, reasons and report path; reasons are built
    from numbers and codes, never from notes.

    Returns:
        True when a notice was sent; False for a check that did not fail, no URL, or a failed
        send (logged as a warning: the check itself stands).
    """
    if result.get("verdict") != "fail" or not notify_url:
        return False
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(notify_url):
        logger.warning("monitor.notify_url is not a URL Apprise understands; no notice sent")
        return False
    body = "\n".join(
        [
            f"Model {model_name} version {result.get('version')}: quarterly check "
            f"{result.get('quarter')} FAILED.",
            *[f"- {reason}" for reason in result.get("reasons", [])],
            f"Report: {result.get('html')}",
        ]
    )
    sent = bool(
        notifier.notify(title=f"clinicode: quarterly check failed ({model_name})", body=body)
    )
    if not sent:
        logger.warning("the failure notice to monitor.notify_url was not delivered")
    return sent


@task(name="quarterly-check", cache_policy=NO_CACHE, persist_result=True, **IO_RETRIES)
def check_task(
    params: Params, root: str | None, quarter: str | None, drift: bool, allow_demo_key: bool
) -> dict:
    """Score the quarter's gold sample and compare it with the reference quarter."""
    return stages.run_monitor(params, workspace_of(root), quarter, drift, allow_demo_key)


@task(name="notify-failure", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def notify_task(result: dict, notify_url: str | None, model_name: str) -> bool:
    """Tell the configured channel about a failed check."""
    return alert_on_fail(result, notify_url, model_name)


@task(name="worst-codes-table", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def worst_codes_task(result: dict) -> None:
    """Publish the quarter's worst codes as a Prefect table artifact."""
    worst = result["metrics"]["current_detail"]["worst_codes"]
    rows = [
        {
            "code": w["code"],
            "chapter": w.get("chapter"),
            "frequency": w.get("bucket"),
            "false_positives": w["fp"],
            "false_negatives": w["fn"],
            "f1": round(w["f1"], 3),
            "f1_interval": f"{w['f1_low']:.3f}-{w['f1_high']:.3f}",
        }
        for w in worst
    ]
    create_table_artifact(
        table=rows,
        key=f"worst-codes-{result['quarter'].lower()}",
        description=f"Worst codes of the quarterly check {result['quarter']}",
    )


@flow(name="monitor", validate_parameters=False, persist_result=True)
def monitor_flow(
    params: Params | None = None,
    root: str | None = None,
    quarter: str | None = None,
    drift: bool = False,
    allow_demo_key: bool = False,
) -> dict:
    """Run the quarterly check; a failing verdict emits an event, notifies and may revalidate.

    Args:
        params: All parameters; None reads ``params.yaml`` at run time (scheduled runs).
        root: Project folder.
        quarter: Quarter to check; ``"previous"`` means the calendar quarter that just ended.
        drift: Generate the synthetic sample with drift (demo only).
        allow_demo_key: Allow the built-in de-identification key (synthetic source only).
    """
    params = params_of(params, root)
    if quarter == PREVIOUS_QUARTER:
        quarter = previous_quarter()
    result = check_task(params, root, quarter, drift, allow_demo_key)
    publish(
        f"quarterly-check-{result['quarter'].lower()}",
        f"Quarterly check {result['quarter']}",
        {
            "verdict": result["verdict"],
            "reasons": result["reasons"],
            "warnings": result["warnings"],
            "version": result["version"],
            "report": result.get("html"),
        },
    )
    worst_codes_task(result)
    if result["verdict"] == "fail":
        emit_event(
            event="clinicode.monitoring.failed",
            resource={"prefect.resource.id": f"clinicode.model.{params.train.registered_model}"},
            payload={"quarter": result["quarter"], "reasons": result["reasons"]},
        )
        result["notified"] = notify_task(
            result, params.monitor.notify_url, params.train.registered_model
        )
        if params.monitor.auto_revalidate:
            from flows.revalidate import revalidate_flow

            result["revalidation"] = revalidate_flow(params, root, result["version"])
    return result
