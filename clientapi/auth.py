"""Who is calling the client API, and with which scopes.

Mastodon's scopes: `read`, `write`, `follow`, `push`, `profile`, `admin:read`, `admin:write`,
and their granular forms (`read:statuses`, `write:media`, ...). Which scope each route needs
is one table (`clientapi.scopes`), enforced for every route by one hook before any handler
runs; the caller itself is resolved once per request by `baraza.viewer`. What is left here is
for handlers: `require_member()` for "this route needs a user" (401 without one), answering
from the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from baraza.viewer import current_need, token_viewer
from clientapi.scopes import FOLLOW_SCOPES, Need, allows, scope_satisfied
from federation.errors import Refused, Unauthorized
from storage.models import AccessToken, Actor

__all__ = [
    "FOLLOW_SCOPES",
    "Caller",
    "Forbidden",
    "current_caller",
    "require",
    "require_admin",
    "require_member",
    "scope_satisfied",
]


class Forbidden(Refused):
    """403: the token lacks the scope, or the member lacks the role."""


@dataclass(frozen=True)
class Caller:
    token: AccessToken
    account: Actor | None
    scopes: frozenset[str]


async def current_caller() -> Caller | None:
    """The valid token of this request and its member; None without one (or for a token that
    is revoked or belongs to a suspended member). Answered from the request's one viewer."""
    viewer = await token_viewer()
    if viewer.token is None:
        return None
    return Caller(token=viewer.token, account=viewer.member, scopes=viewer.scopes)


async def require(scope: str | None = None, *, user: bool = True) -> Caller:
    """401 without a valid token, 403 when the token lacks the scope (or has no user).

    Without `scope`, the route's row in `clientapi.scopes` says which; a literal `scope` is
    belt and braces, and a test checks every literal agrees with the table.
    """
    caller = await current_caller()
    if caller is None:
        raise Unauthorized("The access token is invalid")
    need: Need = (scope,) if scope is not None else current_need()
    if not allows(caller.scopes, need):
        raise Forbidden("This action is outside the authorized scopes")
    if user and caller.account is None:
        raise Unauthorized("This method requires an authenticated user")
    return caller


async def require_member(scope: str | None = None) -> Actor:
    caller = await require(scope)
    assert caller.account is not None
    return caller.account


async def require_admin(scope: str | None = None) -> Actor:
    member = await require_member(scope)
    if not member.is_admin:
        raise Forbidden("This action is allowed only to administrators")
    return member


async def require_moderator(scope: str | None = None) -> Actor:
    """Admins and moderators (Mastodon's moderator role: reports and account actions); what a
    moderator may do to whom is `outbox.account_actions.refusal`'s to decide."""
    member = await require_member(scope)
    if not (member.is_admin or member.is_moderator):
        raise Forbidden("This action is allowed only to administrators and moderators")
    return member
