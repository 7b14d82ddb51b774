"""What every flow shares: resolving the workspace and publishing summaries as artifacts."""

from __future__ import annotations

import json
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from clinicode.config import Workspace


def workspace_of(root: str | None) -> Workspace:
    """The workspace rooted at ``root`` (or ``$CLINICODE_HOME`` / the working directory)."""
    return Workspace(root).ensure()


@task(name="publish-summary", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def publish(key: str, title: str, summary: dict[str, Any]) -> None:
    """Attach a markdown summary to the flow run (visible in the Prefect UI)."""
    lines = [f"# {title}", "", "| field | value |", "| --- | --- |"]
    for name, value in summary.items():
        if isinstance(value, dict | list):
            value = json.dumps(value, default=str)[:300]
        lines.append(f"| {name} | {value} |")
    create_markdown_artifact(markdown="\n".join(lines), key=key, description=title)
