"""Who is calling the client API, and with which scopes.

Mastodon's scopes: `read`, `write`, `follow`, `push`, `admin:read`, `admin:write`, and their
granular forms (`read:statuses`, `write:media`, ...). A token with `read` satisfies
`read:statuses`; `follow` satisfies the relationship scopes of `read`/`write` as Mastodon does.
"""

from __future__ import annotations

from dataclasses import dataclass

from quart import g, request

from clientapi.tokens import bearer_token, find_token
from federation.errors import FederationError, Unauthorized
from storage.models import AccessToken, Actor

FOLLOW_SCOPES = {
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
}


class Forbidden(FederationError):
    status = 403


@dataclass(frozen=True)
class Caller:
    token: AccessToken
    account: Actor | None
    scopes: frozenset[str]


def scope_satisfied(granted: frozenset[str], needed: str) -> bool:
    """Pure: does a token with `granted` scopes allow `needed`? Table-tested."""
    if needed in granted:
        return True
    top = needed.split(":", 1)[0]
    if top in granted and top in ("read", "write", "admin:read", "admin:write"):
        return True
    if needed.startswith("admin:"):
        parts = needed.split(":")
        return ":".join(parts[:2]) in granted
    if needed in FOLLOW_SCOPES and "follow" in granted:
        return True
    return False


async def current_caller() -> Caller | None:
    if "caller" in g:
        return g.caller
    caller = None
    token = bearer_token(request.headers.get("Authorization"))
    if token:
        row = await find_token(token)
        if row is not None:
            account = row.account
            if account is not None and account.suspended_at is not None:
                account = None
                row = None
            if row is not None:
                caller = Caller(token=row, account=account, scopes=frozenset(row.scopes.split()))
    g.caller = caller
    return caller


async def require(scope: str, *, user: bool = True) -> Caller:
    """401 without a valid token, 403 when the token lacks `scope` (or has no user)."""
    caller = await current_caller()
    if caller is None:
        raise Unauthorized("The access token is invalid")
    if not scope_satisfied(caller.scopes, scope):
        raise Forbidden("This action is outside the authorized scopes")
    if user and caller.account is None:
        raise Unauthorized("This method requires an authenticated user")
    return caller


async def require_member(scope: str) -> Actor:
    caller = await require(scope)
    assert caller.account is not None
    return caller.account


async def require_admin(scope: str) -> Actor:
    member = await require_member(scope)
    if not member.is_admin:
        raise Forbidden("This action is allowed only to administrators")
    return member
