"""Where the shared servers are: Prefect API, MLflow tracking, artifact root, audit log, Dask.

Each address comes from an environment variable, else from the ``servers`` section of
``params.yaml``, else it is unset and the embedded one-machine default applies (ephemeral Prefect,
the workspace's SQLite files, a local Dask cluster). ``apply_servers`` exports the resolved
addresses so that Prefect, MLflow and ``Workspace`` all read the same ones.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

from clinicode.config import AUDIT_URL_ENV, ServersParams

logger = logging.getLogger(__name__)

PREFECT_API_ENV = "PREFECT_API_URL"
MLFLOW_URI_ENV = "MLFLOW_TRACKING_URI"
MLFLOW_BACKEND_ENV = "CLINICODE_MLFLOW_BACKEND_STORE"
ARTIFACT_ROOT_ENV = "CLINICODE_ARTIFACT_ROOT"
DASK_ADDRESS_ENV = "CLINICODE_DASK_ADDRESS"

# field of ServersParams -> environment variable that overrides it
ENV_OF = {
    "prefect_api_url": PREFECT_API_ENV,
    "mlflow_tracking_uri": MLFLOW_URI_ENV,
    "mlflow_backend_store": MLFLOW_BACKEND_ENV,
    "artifact_root": ARTIFACT_ROOT_ENV,
    "audit_url": AUDIT_URL_ENV,
    "dask_address": DASK_ADDRESS_ENV,
}


@dataclass(frozen=True)
class Servers:
    """Resolved server addresses; None means the embedded default for that server."""

    prefect_api_url: str | None = None
    mlflow_tracking_uri: str | None = None
    mlflow_backend_store: str | None = None
    artifact_root: str | None = None
    audit_url: str | None = None
    dask_address: str | None = None

    def redacted(self) -> dict[str, str | None]:
        """The addresses with any password replaced by ``***`` (safe to print or log)."""
        return {name: redact(value) for name, value in asdict(self).items()}


def resolve_servers(params: ServersParams | None = None) -> Servers:
    """Each address from its environment variable, else ``params``, else None.

    Args:
        params: The ``servers`` section of ``params.yaml`` (None: environment only).

    Returns:
        The resolved addresses.
    """
    params = params or ServersParams()
    values = {
        name: os.environ.get(env) or getattr(params, name) or None for name, env in ENV_OF.items()
    }
    return Servers(**values)


def apply_servers(servers: Servers) -> None:
    """Export the addresses set in ``params.yaml`` so that every library reads the same ones.

    Variables already in the environment are kept (they won in ``resolve_servers`` anyway).
    """
    for name, env in ENV_OF.items():
        value = getattr(servers, name)
        if value and not os.environ.get(env):
            os.environ[env] = value
            logger.info("servers.%s -> %s", name, env)


def redact(url: str | None) -> str | None:
    """``url`` with its password, if any, replaced by ``***``."""
    if not url or "://" not in url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}:***@{host}" if parts.username else f"***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def is_http(uri: str | None) -> bool:
    """Whether ``uri`` is an HTTP(S) server address (a tracking server, not a database)."""
    return bool(uri) and urlsplit(uri).scheme in ("http", "https")
