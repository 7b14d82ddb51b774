"""Bearer-token authentication and role checks for the API's routes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import HTTPException, Request

from governance.access import AccessDenied, AccessStore, Principal, require_role

# Who may call what. Every route that changes state or reads case data is listed here.
SUGGEST_ROLES = ("coder", "ml-engineer", "operations")
REVIEW_ROLES = ("coder",)
CASE_READ_ROLES = ("coder", "auditor", "governance-board")
STATS_ROLES = ("coder", "ml-engineer", "governance-board", "operations", "auditor")
TRACE_ROLES = ("auditor", "governance-board")


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def role_guard(store: AccessStore, roles: Iterable[str], action: str, audit: Any) -> Callable:
    """A FastAPI dependency that returns the caller's principal or answers 401/403.

    Args:
        store: Users and token hashes.
        roles: Roles allowed on the route.
        action: Name of the action, in refusals and their audit events.
        audit: Audit log where refusals are recorded.
    """
    allowed = tuple(roles)

    def guard(request: Request) -> Principal:
        try:
            principal = store.authenticate(bearer_token(request))
        except AccessDenied as exc:
            require_role_quietly(None, allowed, action, audit)
            raise HTTPException(
                status_code=401, detail=str(exc), headers={"WWW-Authenticate": "Bearer"}
            ) from exc
        try:
            return require_role(principal, allowed, action, audit)
        except AccessDenied as exc:
            raise HTTPException(status_code=403, detail=str(exc)) from exc

    return guard


def require_role_quietly(
    principal: Principal | None, allowed: tuple[str, ...], action: str, audit: Any
) -> None:
    """Record a refusal of an unauthenticated caller (the exception is the caller's to raise)."""
    try:
        require_role(principal, allowed, action, audit)
    except AccessDenied:
        pass
