"""What every flow shares: the workspace, parameters, retry policy and published summaries."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from clinicode.config import PARAMS_ENV, Params, Workspace, load_params

# Seconds before each retry of a task that failed on a transient I/O error.
IO_RETRY_DELAYS_S = [5, 30]


def workspace_of(root: str | None) -> Workspace:
    """The workspace rooted at ``root`` (or ``$CLINICODE_HOME`` / the working directory)."""
    return Workspace(root).ensure()


def params_of(params: Params | None, root: str | None) -> Params:
    """``params``, or (deployment runs) ``params.yaml`` read when the run starts.

    The file is ``$CLINICODE_PARAMS`` if set, else ``<root>/params.yaml`` if it exists, else
    ``./params.yaml``, so a changed threshold applies from the next run without redeploying.
    """
    if params is not None:
        return params
    own = Path(root) / "params.yaml" if root else None
    if own is not None and own.exists() and not os.environ.get(PARAMS_ENV):
        return load_params(own)
    return load_params()


def transient_error(_task: Any, _task_run: Any, state: Any) -> bool:
    """Retry condition of I/O tasks: retry connection and OS errors, never bad input.

    A validation failure or a refused promotion would fail the same way again, so only errors
    that a server restart or a network blip can cure are retried.
    """
    try:
        state.result()
    except (OSError, ConnectionError, TimeoutError):
        return True
    except Exception as exc:  # library errors wrapping a dropped connection
        name = type(exc).__name__
        return name in {"OperationalError", "InterfaceError", "TransportError", "ConnectError"}
    return False


IO_RETRIES: dict[str, Any] = {
    "retries": len(IO_RETRY_DELAYS_S),
    "retry_delay_seconds": IO_RETRY_DELAYS_S,
    "retry_condition_fn": transient_error,
}


@task(name="publish-summary", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def publish(key: str, title: str, summary: dict[str, Any]) -> None:
    """Attach a markdown summary to the flow run (visible in the Prefect UI)."""
    lines = [f"# {title}", "", "| field | value |", "| --- | --- |"]
    for name, value in summary.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, default=str)[:300]
        lines.append(f"| {name} | {value} |")
    create_markdown_artifact(markdown="\n".join(lines), key=key, description=title)
