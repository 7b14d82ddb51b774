"""Users, roles and tokens on SQLite and PostgreSQL: hashing, authentication, refusals."""

from __future__ import annotations

import pytest
from governance_db import governance_url, postgres_url  # noqa: F401
from sqlalchemy import text

from clinicode.errors import GovernanceError
from governance.access import (
    ROLES,
    AccessDenied,
    AccessStore,
    Principal,
    require_role,
    token_digest,
)
from governance.audit import AuditLog


@pytest.fixture
def store(governance_url: str) -> AccessStore:  # noqa: F811
    return AccessStore(governance_url)


def test_token_is_shown_once_and_stored_only_as_its_hash(store: AccessStore) -> None:
    token = store.add_user("dana.coder", "coder")
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT token_sha256 FROM access_user")).scalar_one()
    assert token not in stored and stored == token_digest(token) and len(stored) == 64
    assert store.authenticate(token) == Principal("dana.coder", "coder")
    assert store.principal("dana.coder") == Principal("dana.coder", "coder")
    assert store.principal("nobody") is None
    assert store.users()[0] == {
        "user": "dana.coder",
        "role": "coder",
        "created": store.users()[0]["created"],
        "active": True,
    }


@pytest.mark.parametrize("token", [None, "", "cct_not-a-real-token"])
def test_missing_or_unknown_token_is_refused(store: AccessStore, token: str | None) -> None:
    store.add_user("dana.coder", "coder")
    with pytest.raises(AccessDenied, match="token"):
        store.authenticate(token)


def test_rotation_and_disabling_end_old_tokens(store: AccessStore) -> None:
    old = store.add_user("lee.board", "governance-board")
    new = store.rotate_token("lee.board")
    with pytest.raises(AccessDenied, match="unknown API token"):
        store.authenticate(old)
    assert store.authenticate(new).role == "governance-board"
    store.disable("lee.board")
    with pytest.raises(AccessDenied, match="disabled"):
        store.authenticate(new)
    assert store.principal("lee.board") is None
    with pytest.raises(GovernanceError, match="unknown user"):
        store.disable("ghost")


@pytest.mark.parametrize(
    ("user", "role", "problem"),
    [
        ("dana.coder", "admin", "unknown role"),
        ("Jane Roe, MRN 12345", "coder", "user id"),
        ("", "coder", "user id"),
    ],
)
def test_bad_users_and_roles_are_refused(
    store: AccessStore, user: str, role: str, problem: str
) -> None:
    with pytest.raises(GovernanceError, match=problem):
        store.add_user(user, role)
    assert store.users() == []


def test_duplicate_user_is_refused(store: AccessStore) -> None:
    store.add_user("dana.coder", "coder")
    with pytest.raises(GovernanceError, match="already exists"):
        store.add_user("dana.coder", "auditor")


@pytest.mark.parametrize("role", ROLES)
def test_require_role_allows_only_listed_roles_and_audits_refusals(
    governance_url: str,  # noqa: F811
    role: str,
) -> None:
    audit = AuditLog(governance_url)
    who = Principal("someone", role)
    allowed = ("governance-board",)
    if role in allowed:
        assert require_role(who, allowed, "model.promote", audit) is who
        assert audit.records() == []
        return
    with pytest.raises(AccessDenied, match=f"role '{role}'; allowed: governance-board"):
        require_role(who, allowed, "model.promote", audit)
    (event,) = audit.records()
    assert event["type"] == "access-denied" and event["outcome"] == "refused"
    assert event["agent"] == {"who": "someone", "role": role}
    assert event["entity"] == {"action": "model.promote", "allowed_roles": ["governance-board"]}


def test_require_role_without_principal(governance_url: str) -> None:  # noqa: F811
    audit = AuditLog(governance_url)
    with pytest.raises(AccessDenied, match="authentication required"):
        require_role(None, ("coder",), "case.review", audit)
    assert audit.records()[0]["agent"] == {"who": "anonymous", "role": "none"}


def test_stage_commands_check_roles_once_users_exist(workspace, monkeypatch) -> None:  # noqa: ANN001
    from typer.testing import CliRunner

    from clinicode.cli import app
    from clinicode.stages import access_store, audit_log

    monkeypatch.setenv("CLINICODE_USER", "login-name")  # the guard sets it; restored after
    home = ["--home", str(workspace.root)]
    # A fresh project has no users: the stage runs (and fails later: nothing is trained).
    fresh = CliRunner().invoke(app, [*home, "evaluate"])
    assert "refused" not in fresh.output and "no candidate model" in fresh.output

    tokens = {role: access_store(workspace).add_user(f"{role}-1", role) for role in ROLES}
    refused = CliRunner().invoke(app, [*home, "evaluate"])
    assert refused.exit_code == 2 and "authentication required" in refused.output
    coder = CliRunner().invoke(app, [*home, "--token", tokens["coder"], "stage", "train"])
    assert coder.exit_code == 2 and "stage.train refused" in coder.output
    engineer = CliRunner().invoke(app, [*home, "--token", tokens["ml-engineer"], "evaluate"])
    assert "refused" not in engineer.output and "no candidate model" in engineer.output
    denied = [r["agent"]["role"] for r in audit_log(workspace).records()]
    assert denied == ["none", "coder"]


def test_demo_registers_one_user_per_working_role_with_private_tokens(workspace) -> None:
    import json
    import stat

    from clinicode.config import Params
    from clinicode.stages import DEMO_TOKENS_FILE, access_store, ensure_demo_users

    created = ensure_demo_users(Params(), workspace)
    path = workspace.state_dir / DEMO_TOKENS_FILE
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(saved) == created and len(created) == 4
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store = access_store(workspace)
    roles = {store.authenticate(entry["token"]).role for entry in saved.values()}
    assert roles == {"governance-board", "coder", "operations", "ml-engineer"}
    assert ensure_demo_users(Params(), workspace) == []  # a second demo keeps the users
    assert json.loads(path.read_text(encoding="utf-8")) == saved
