"""Users, roles and API tokens: who may change what.

Every state-changing endpoint and governance command names the roles it accepts and calls
:func:`require_role`; a refusal raises :class:`AccessDenied` with the reason and, when an audit log
is given, leaves an ``access-denied`` event in it.

Tokens are 256-bit random strings shown once, when they are issued. Only their SHA-256 is stored:
a token has far too much entropy to be guessed from its hash, so a slow password hash would add
nothing but latency to every request. The users table lives in the governance database beside the
audit log (``Workspace.audit_url``): SQLite by default, PostgreSQL in production.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from clinicode.errors import GovernanceError
from governance.audit import create_tables, make_engine

logger = logging.getLogger(__name__)

ROLES = ("coder", "ml-engineer", "governance-board", "operations", "auditor")
TOKEN_PREFIX = "cct_"
# User ids are staff log-ins, never patients; a tight pattern keeps free text (and PHI) out.
_USER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")

_metadata = MetaData()
_users = Table(
    "access_user",
    _metadata,
    Column("user", String(100), primary_key=True),
    Column("role", String(40), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created", String(40), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)


class AccessDenied(GovernanceError):
    """An action was refused: no or unknown token, unknown user, or a role not allowed."""


@dataclass(frozen=True)
class Principal:
    """An authenticated staff member and the one role they act in."""

    user: str
    role: str


def token_digest(token: str) -> str:
    """SHA-256 (hex) of a token, the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_user(user: str) -> str:
    if not isinstance(user, str) or not _USER_PATTERN.match(user):
        raise GovernanceError(
            "user id must be 1-100 characters of letters, digits and . _ @ - "
            "(a staff log-in, not a person's name or a patient identifier)"
        )
    return user


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise GovernanceError(f"unknown role '{role}'; expected one of {', '.join(ROLES)}")
    return role


class AccessStore:
    """Users with one role each and the hashes of their API tokens.

    Args:
        url: SQLAlchemy URL of the governance database (e.g. ``Workspace.audit_url``).
    """

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        create_tables(_metadata, self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def add_user(self, user: str, role: str) -> str:
        """Create a user and issue their first token.

        Args:
            user: Staff log-in (letters, digits, ``. _ @ -``).
            role: One of :data:`ROLES`.

        Returns:
            The token. It is shown this once; only its hash is kept.

        Raises:
            GovernanceError: Bad user id or role, or the user already exists.
        """
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = {
            "user": _check_user(user),
            "role": _check_role(role),
            "token_sha256": token_digest(token),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "active": True,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_users).values(**row))
        except IntegrityError as exc:
            raise GovernanceError(f"user '{user}' already exists") from exc
        logger.info("user %s added with role %s", user, role)
        return token

    def rotate_token(self, user: str) -> str:
        """Issue a new token for an existing user; the old one stops working at once."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self._update(user, token_sha256=token_digest(token), active=True)
        logger.info("token of user %s rotated", user)
        return token

    def disable(self, user: str) -> None:
        """Stop a user's token from authenticating (the user stays, for the audit trail)."""
        self._update(user, active=False)
        logger.info("user %s disabled", user)

    def _update(self, user: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(update(_users).where(_users.c.user == user).values(**values))
        if done.rowcount == 0:
            raise GovernanceError(f"unknown user '{user}'")

    def authenticate(self, token: str | None) -> Principal:
        """The principal a token belongs to.

        Raises:
            AccessDenied: No token, an unknown token, or the user is disabled.
        """
        if not token:
            raise AccessDenied("no API token given")
        digest = token_digest(token)
        with self.engine.connect() as conn:
            row = conn.execute(select(_users).where(_users.c.token_sha256 == digest)).first()
        # Compare again in constant time so the lookup cannot serve as a timing oracle.
        if row is None or not hmac.compare_digest(row.token_sha256, digest):
            raise AccessDenied("unknown API token")
        if not row.active:
            raise AccessDenied(f"user '{row.user}' is disabled")
        return Principal(row.user, row.role)

    def principal(self, user: str) -> Principal | None:
        """The active principal of a user id, or None when unknown or disabled."""
        with self.engine.connect() as conn:
            row = conn.execute(select(_users).where(_users.c.user == user)).first()
        return Principal(row.user, row.role) if row is not None and row.active else None

    def users(self) -> list[dict]:
        """Every user with role, creation date and status (never the token hash)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(_users).order_by(_users.c.user)).all()
        return [
            {"user": r.user, "role": r.role, "created": r.created, "active": bool(r.active)}
            for r in rows
        ]


def require_role(
    principal: Principal | None,
    allowed_roles: Iterable[str],
    action: str,
    audit: Any = None,
) -> Principal:
    """Let ``principal`` do ``action`` only if their role is one of ``allowed_roles``.

    Args:
        principal: Who asks (None when nobody authenticated).
        allowed_roles: Roles that may do the action.
        action: What is asked, e.g. ``"model.promote"`` (used in the message and the audit).
        audit: An :class:`governance.audit.AuditLog`; a refusal is recorded there.

    Returns:
        The principal, when allowed.

    Raises:
        AccessDenied: Nobody authenticated, or the role is not allowed; the message says which
            roles are.
    """
    allowed = tuple(allowed_roles)
    if principal is not None and principal.role in allowed:
        return principal
    if principal is None:
        reason = f"{action} refused: authentication required (roles allowed: {', '.join(allowed)})"
    else:
        reason = (
            f"{action} refused: user '{principal.user}' has role '{principal.role}'; "
            f"allowed: {', '.join(allowed)}"
        )
    if audit is not None:
        audit.append(
            "access-denied",
            "E",
            principal.user if principal else "anonymous",
            principal.role if principal else "none",
            {"action": action, "allowed_roles": list(allowed)},
            outcome="refused",
        )
    logger.warning("%s", reason)
    raise AccessDenied(reason)


def require_user_role(
    store: AccessStore,
    user: str,
    allowed_roles: Iterable[str],
    action: str,
    audit: Any = None,
) -> Principal:
    """Like :func:`require_role`, for a user named by id (an approver) rather than by token.

    Raises:
        AccessDenied: The user is unknown or disabled, or their role is not allowed.
    """
    principal = store.principal(user) if user else None
    if principal is not None:
        return require_role(principal, allowed_roles, action, audit)
    allowed = tuple(allowed_roles)
    if audit is not None:
        audit.append(
            "access-denied",
            "E",
            user.strip()[:100] if user and user.strip() else "anonymous",
            "none",
            {"action": action, "allowed_roles": list(allowed)},
            outcome="refused",
        )
    raise AccessDenied(
        f"{action} refused: '{user}' is not a registered active user "
        f"(roles allowed: {', '.join(allowed)}); see `clinicode users add`"
    )
