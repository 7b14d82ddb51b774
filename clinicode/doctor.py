"""``clinicode doctor``: check each configured server and say what is missing.

Every check returns a ``Check`` with a status: ``ok`` (reachable and usable), ``embedded`` (no
server configured, the one-machine default applies) or ``fail`` (configured but unusable, with a
hint). Addresses are shown with passwords redacted; nothing else from the environment is shown.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from clinicode.config import Params, Workspace
from clinicode.servers import Servers, is_http, redact

logger = logging.getLogger(__name__)

TIMEOUT_S = 5.0  # per connection: a doctor that hangs on a dead host is no help
OK, EMBEDDED, FAIL = "ok", "embedded", "fail"


@dataclass(frozen=True)
class Check:
    """The outcome of one connection check.

    Attributes:
        name: What was checked (``prefect``, ``mlflow``, ``audit``...).
        target: The address checked, password redacted.
        status: ``ok``, ``embedded`` or ``fail``.
        detail: What was found.
        hint: What to do about a failure.
    """

    name: str
    target: str
    status: str
    detail: str
    hint: str = ""


def _http_get(url: str):
    import httpx

    return httpx.get(url, timeout=TIMEOUT_S)


def _error(exc: BaseException) -> str:
    """Class and first line of an error; enough to act on without echoing credentials."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{exc.__class__.__name__}: {first}"[:200]


def check_prefect(api_url: str | None) -> Check:
    """Whether the Prefect API answers its health endpoint."""
    if not api_url:
        return Check("prefect", "ephemeral", EMBEDDED, "temporary local server per process")
    try:
        response = _http_get(f"{api_url.rstrip('/')}/health")
        response.raise_for_status()
    except Exception as exc:  # any transport or HTTP error means the same to the operator
        return Check(
            "prefect", redact(api_url), FAIL, _error(exc), "start it: scripts/services.sh start"
        )
    return Check("prefect", redact(api_url), OK, "health endpoint answered")


def check_work_pool(api_url: str | None, pool: str) -> Check:
    """Whether the deployments' work pool exists on the Prefect server."""
    if not api_url:
        return Check("work-pool", pool, EMBEDDED, "no server: flows run in process")
    try:
        response = _http_get(f"{api_url.rstrip('/')}/work_pools/{pool}")
    except Exception as exc:  # the server check above already says why
        return Check("work-pool", pool, FAIL, _error(exc), "start the Prefect server first")
    if response.status_code == 404:
        return Check("work-pool", pool, FAIL, "work pool missing", "run: clinicode deploy")
    if response.status_code != 200:
        return Check("work-pool", pool, FAIL, f"HTTP {response.status_code}")
    pool_type = response.json().get("type", "?")
    return Check("work-pool", pool, OK, f"type {pool_type}")


def check_database(name: str, url: str | None, hint: str = "") -> Check:
    """Open a connection to a SQLAlchemy URL and run ``SELECT 1``."""
    if not url:
        return Check(name, "-", EMBEDDED, "not configured")
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
    except ModuleNotFoundError as exc:
        return Check(name, redact(url), FAIL, f"driver missing ({exc.name})", "pip install it")
    except Exception as exc:  # a malformed URL
        return Check(name, redact(url), FAIL, _error(exc), "fix the URL")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # refused, unknown database, bad credentials...
        return Check(name, redact(url), FAIL, _error(exc), hint or "create the database")
    finally:
        engine.dispose()
    if engine.dialect.name == "sqlite":
        return Check(name, redact(url), EMBEDDED, "local SQLite file works")
    return Check(name, redact(url), OK, f"{engine.dialect.name} connection works")


def check_mlflow(uri: str) -> Check:
    """Whether the MLflow tracking store answers (server health, or its database)."""
    if not is_http(uri):
        return check_database("mlflow", uri, "create the database")
    try:
        response = _http_get(f"{uri.rstrip('/')}/health")
        response.raise_for_status()
    except Exception as exc:  # any transport or HTTP error means the same to the operator
        hint = "start it: scripts/services.sh start"
        return Check("mlflow", redact(uri), FAIL, _error(exc), hint)
    return Check("mlflow", redact(uri), OK, "tracking server answered")


def check_artifact_root(root: str | None, workspace: Workspace) -> Check:
    """Whether new experiments' artifacts can be written where they will go."""
    if not root:
        return Check("artifacts", str(workspace.mlflow_artifacts), EMBEDDED, "workspace folder")
    scheme = urlsplit(root).scheme
    if scheme == "s3":
        try:
            import boto3  # noqa: F401  (MLflow's S3 artifact store needs it)
        except ModuleNotFoundError:
            return Check("artifacts", root, FAIL, "boto3 missing", "pip install boto3")
        return Check("artifacts", root, OK, "S3 client installed (bucket not contacted)")
    if scheme not in ("", "file"):
        return Check("artifacts", root, FAIL, f"unsupported scheme '{scheme}'", "folder or s3://")
    path = Path(urlsplit(root).path if scheme else root)
    existing = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
    if not os.access(existing, os.W_OK):
        return Check("artifacts", str(path), FAIL, f"{existing} not writable", "fix permissions")
    return Check("artifacts", str(path), OK, "writable folder")


def check_dask(address: str | None) -> Check:
    """Whether the Dask scheduler answers, and with how many workers."""
    if not address:
        return Check("dask", "local cluster", EMBEDDED, "assemble.workers processes on demand")
    from distributed import Client

    try:
        with Client(address, timeout=f"{TIMEOUT_S}s") as client:
            n_workers = len(client.scheduler_info().get("workers", {}))
    except Exception as exc:  # refused, timed out, wrong protocol
        return Check("dask", address, FAIL, _error(exc), "start dask scheduler and workers")
    if n_workers == 0:
        return Check("dask", address, FAIL, "scheduler has no workers", "start dask workers")
    return Check("dask", address, OK, f"{n_workers} workers")


def check_deid_key(synthetic: bool) -> Check:
    """Whether a de-identification key is configured (its value is never read out)."""
    from clinicode.errors import ConfigError
    from training.deid import load_key

    try:
        load_key(allow_demo_key=False)
    except ConfigError as exc:
        if synthetic:
            return Check("deid-key", "-", EMBEDDED, "demo key (synthetic source only)")
        return Check("deid-key", "-", FAIL, str(exc)[:200], "docs/runbook.md: keys")
    return Check("deid-key", "-", OK, "key configured")


def run_doctor(params: Params, workspace: Workspace, servers: Servers) -> list[Check]:
    """Check every server the configuration names; see the module docstring for statuses."""
    return [
        check_prefect(servers.prefect_api_url),
        check_work_pool(servers.prefect_api_url, params.deploy.work_pool),
        check_mlflow(workspace.mlflow_uri),
        check_database("mlflow-db", servers.mlflow_backend_store),
        check_artifact_root(servers.artifact_root, workspace),
        check_database("audit", workspace.audit_url),
        check_dask(servers.dask_address or params.assemble.dask_address),
        check_deid_key(params.assemble.source == "synthetic"),
    ]
