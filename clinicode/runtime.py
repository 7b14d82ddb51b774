"""Process-wide set-up done once by entry points (CLI, tests, benchmarks), never at import.

Everything here runs offline: no model hub, no telemetry, no analytics daemons.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The first ephemeral Prefect start migrates a fresh SQLite DB; 20 s is too short on 2 cores.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    "ORT_DISABLE_TELEMETRY": "1",
    "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    "DVC_NO_ANALYTICS": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS": "",
}


def prepare_environment(state_dir: Path | None = None) -> None:
    """Set offline and no-telemetry defaults, keeping any value the user already set.

    Args:
        state_dir: Local state folder; Prefect's home and library caches go under it so that
            nothing is written outside the project unless the user says so.
    """
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if state_dir is not None:
        state_dir.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("PREFECT_HOME", str(state_dir / "prefect"))
        os.environ.setdefault("HF_DATASETS_CACHE", str(state_dir / "hf-datasets-cache"))
        # tldextract (Presidio's e-mail and URL recognizers) caches its suffix list here.
        os.environ.setdefault("TLDEXTRACT_CACHE", str(state_dir / "tldextract"))


def configure_logging(level: str = "INFO") -> None:
    """Configure root logging for an entry point (libraries only create module loggers)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    noisy_libraries = (
        "httpx",
        "urllib3",
        "alembic",
        "mlflow.store",
        "numexpr",
        "great_expectations",
        "datasets",
        "presidio-analyzer",
        "distributed",
    )
    for noisy in noisy_libraries:
        logging.getLogger(noisy).setLevel(logging.WARNING)
