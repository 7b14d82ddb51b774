"""Register the lifecycle deployments on a Prefect server, and trigger runs through them.

``deploy`` creates the work pool (a process pool by default) if it is missing and registers the
five deployments of ``flows.deployments``; a worker (``prefect worker start --pool NAME``)
then runs them. ``trigger`` starts a run of one deployment through the Prefect API, which is what
``clinicode revalidate --via-deployment`` and the Prefect UI's "Run" button both do.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from clinicode.config import HOME_ENV, PARAMS_ENV, Params, Workspace
from clinicode.errors import ConfigError
from clinicode.servers import ENV_OF, Servers, redact

logger = logging.getLogger(__name__)

# Flow name of each deployment, as the Prefect API addresses it ("flow/deployment").
FLOW_OF = {
    "training": "retrain",
    "quarterly-check": "monitor",
    "annual-revalidation": "revalidate",
    "revalidation": "revalidate",
    "promotion": "promote",
}


def require_server(servers: Servers) -> str:
    """The Prefect API URL; deployments only exist on a server.

    Raises:
        ConfigError: No server is configured.
    """
    if not servers.prefect_api_url:
        raise ConfigError(
            "deployments need a Prefect server: start one (scripts/services.sh start) and set "
            "PREFECT_API_URL or servers.prefect_api_url in params.yaml"
        )
    return servers.prefect_api_url


def run_environment(servers: Servers, workspace: Workspace) -> dict[str, str]:
    """Environment given to deployment runs: the project folder and password-free addresses.

    A URL holding a password is left out (the Prefect database would store it in clear); the
    worker's own environment must provide it.
    """
    env = {HOME_ENV: str(workspace.root)}
    if os.environ.get(PARAMS_ENV):
        env[PARAMS_ENV] = os.environ[PARAMS_ENV]
    for name, variable in ENV_OF.items():
        value = getattr(servers, name)
        if not value:
            continue
        if redact(value) != value:
            logger.warning("%s holds a password: set it in the worker's environment", variable)
            continue
        env[variable] = value
    return env


def ensure_work_pool(name: str, pool_type: str) -> bool:
    """Create the work pool unless it exists.

    Returns:
        True when it was created.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type=pool_type))
        except ObjectAlreadyExists:
            return False
    logger.info("work pool %s (%s) created", name, pool_type)
    return True


def deploy(params: Params, workspace: Workspace, servers: Servers) -> list[dict[str, Any]]:
    """Create the work pool if needed and register every lifecycle deployment.

    Args:
        params: Parameters (schedules and ``deploy`` section).
        workspace: Project folder the runs work in.
        servers: Resolved server addresses (a Prefect server is required).

    Returns:
        One entry per deployment: name, flow, cron (None: on demand) and id.
    """
    from flows.deployments import schedules_of, work_pool_deployments

    require_server(servers)
    ensure_work_pool(params.deploy.work_pool, params.deploy.work_pool_type)
    env = run_environment(servers, workspace)
    crons = schedules_of(params)
    registered = []
    for deployment in work_pool_deployments(params, str(workspace.root), env):
        deployment_id = deployment.apply()
        registered.append(
            {
                "deployment": f"{FLOW_OF[deployment.name]}/{deployment.name}",
                "cron": crons[deployment.name],
                "id": str(deployment_id),
            }
        )
    logger.info("%d deployments registered on pool %s", len(registered), params.deploy.work_pool)
    return registered


def trigger(
    servers: Servers, deployment: str, parameters: dict[str, Any], wait_s: float | None = 0
) -> dict[str, Any]:
    """Start a run of ``deployment`` (e.g. ``revalidation``) through the Prefect API.

    Args:
        servers: Resolved addresses (a Prefect server is required).
        deployment: Deployment name from ``FLOW_OF``.
        parameters: Run parameters overriding the deployment's defaults.
        wait_s: Seconds to wait for the run to finish (0: return once it is scheduled; None:
            wait without limit).

    Returns:
        The flow run id, its name and its state when this returned.
    """
    from prefect.deployments import run_deployment

    require_server(servers)
    if deployment not in FLOW_OF:
        raise ConfigError(f"unknown deployment '{deployment}'; expected one of {sorted(FLOW_OF)}")
    flow_run = run_deployment(
        f"{FLOW_OF[deployment]}/{deployment}", parameters=parameters, timeout=wait_s
    )
    state = flow_run.state.type.value if flow_run.state else "UNKNOWN"
    return {"flow_run_id": str(flow_run.id), "flow_run": flow_run.name, "state": state}
