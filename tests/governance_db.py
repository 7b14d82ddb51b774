"""Governance database fixtures: the same tests on SQLite and on PostgreSQL.

A throwaway PostgreSQL database is created once per test session on 127.0.0.1:5432 (user
postgres, as on these machines and in CI) and dropped at the end; each test starts from empty
tables. Without a reachable server the PostgreSQL cases are skipped with the reason, except under
CI (``CI=true``), where that is a failure: CI starts the server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import MetaData, create_engine, text

from clinicode.config import Workspace

PG_SERVER = os.environ.get("CLINICODE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _admin_engine():
    return create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a database created for this session and dropped after it."""
    name = f"clinicode_test_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        reason = f"PostgreSQL at {PG_SERVER} unavailable ({type(exc).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; .ci/run should have started it")
        pytest.skip(reason)
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty(url: str) -> None:
    engine = create_engine(url)
    tables = MetaData()
    tables.reflect(engine)
    tables.drop_all(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def governance_url(request: pytest.FixtureRequest, workspace: Workspace) -> str:
    """An empty governance database: the workspace's SQLite file, or the session's PostgreSQL."""
    if request.param == "sqlite":
        return workspace.audit_url
    url = request.getfixturevalue("postgres_url")
    _empty(url)
    return url
