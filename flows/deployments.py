"""Scheduled deployments of the quarterly check and the annual revalidation.

Building them needs no Prefect server: ``build_deployments`` returns ``RunnerDeployment``
objects. To run them on their schedules, start a Prefect server and serve them::

    from prefect import serve
    serve(*build_deployments(load_params(), root="/srv/clinicode"))

Scheduled runs read ``params.yaml`` when they start, so a changed threshold applies from the next
run without rebuilding the deployments.
"""

from __future__ import annotations

from prefect.deployments.runner import RunnerDeployment

from clinicode.config import Params
from flows.monitor import PREVIOUS_QUARTER, monitor_flow
from flows.revalidate import revalidate_flow

QUARTERLY_CHECK = "quarterly-check"
ANNUAL_REVALIDATION = "annual-revalidation"


def build_deployments(params: Params, root: str | None = None) -> list[RunnerDeployment]:
    """The quarterly check (``monitor.cron``) and annual revalidation (``revalidate.cron``).

    Args:
        params: Parameters whose crons are used (the runs themselves re-read ``params.yaml``).
        root: Project folder the scheduled runs work in.

    Returns:
        Two deployments: the check of the quarter that just ended, and the revalidation of the
        serving champion.
    """
    quarterly = monitor_flow.to_deployment(
        name=QUARTERLY_CHECK,
        cron=params.monitor.cron,
        parameters={"root": root, "quarter": PREVIOUS_QUARTER},
        tags=["clinicode", "monitoring"],
        description="Quarterly check of the champion on the quarter that just ended.",
    )
    annual = revalidate_flow.to_deployment(
        name=ANNUAL_REVALIDATION,
        cron=params.revalidate.cron,
        parameters={"root": root, "version": params.promote.alias},
        tags=["clinicode", "governance"],
        description="Annual revalidation of the serving champion against the criteria.",
    )
    return [quarterly, annual]
