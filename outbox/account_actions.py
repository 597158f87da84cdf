"""What an admin or moderator does to one account: limit (Mastodon's silence), disable sign-in,
suspend, reset two-factor, change role — the actions of Mastodon's admin API
(`POST /api/v1/admin/accounts/:id/action`, `/enable`, `/unsilence`, `/unsuspend`), reached by
that API, the CLI and the console alike.

Who may do what to whom is one pure rule, `refusal`; each action changes the row, records
itself in the audit log and surfaces its effect (open streams close) in the same place, so no
door can forget a step. Suspension itself lives in `outbox/suspension.py` (its 30-day restore).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from tortoise.transactions import in_transaction

from actors import two_factor
from baraza.settings import Settings
from federation.domain_blocks import audit
from outbox import surface
from outbox.suspension import suspend_actor, unsuspend_actor
from storage.models import AccessToken, Actor, Follow, Post, WebSession

Role = Literal["admin", "moderator", "member"]
ROLES: tuple[Role, ...] = ("admin", "moderator", "member")
# Mastodon's `type` values of POST .../action, and the reversals with their own endpoints.
ACTIONS = frozenset(
    {"none", "silence", "disable", "suspend", "unsilence", "enable", "unsuspend"}
    | {"reset_two_factor", "change_role"}
)
# Moderators may limit and suspend members (Mastodon's moderator role); roles, sign-in and
# two-factor are an admin's.
MODERATOR_ACTIONS = frozenset({"none", "silence", "unsilence", "suspend", "unsuspend"})
LOCAL_ONLY = frozenset({"disable", "enable", "reset_two_factor", "change_role"})


class AccountActionError(ValueError):
    """An account action that is refused; the message says why."""


@dataclass(frozen=True)
class Acting:
    """Who acts: the name written in the audit log, and the role the rule weighs."""

    who: str
    role: Role
    actor_id: int | None = None  # None for the CLI, which runs as the server's operator


def role_of(actor: Actor) -> Role:
    if actor.is_admin:
        return "admin"
    return "moderator" if actor.is_moderator else "member"


def refusal(acting: Acting, kind: str, target: Actor, new_role: str | None = None) -> str | None:
    """Pure: why `acting` may not take action `kind` on `target`, or None when it may.
    Table-tested in tests/outbox/test_account_actions.py."""
    if kind not in ACTIONS:
        return f"unknown action type {kind[:40]!r}"
    if acting.role == "member":
        return "only admins and moderators act on accounts"
    if acting.role == "moderator" and kind not in MODERATOR_ACTIONS:
        return f"{kind} is an admin's action"
    if target.type == "Application":
        return "the instance actor cannot be acted on"
    if kind in LOCAL_ONLY and not (target.local and target.type == "Person"):
        return f"{kind} applies to this server's members only"
    if acting.actor_id is not None and acting.actor_id == target.id and kind != "none":
        return "you cannot act on your own account"
    if acting.role == "moderator" and role_of(target) != "member":
        return "moderators act on members only"
    if kind == "change_role" and new_role not in ROLES:
        return f"role must be one of {', '.join(ROLES)}"
    return None


async def apply(
    settings: Settings,
    acting: Acting,
    kind: str,
    target: Actor,
    *,
    reason: str = "",
    new_role: str | None = None,
) -> None:
    """Check the rule, then take the action; every door calls this one function."""
    problem = refusal(acting, kind, target, new_role)
    if problem is not None:
        raise AccountActionError(problem)
    if kind == "none":
        await audit(acting.who, "account.warn", target.uri, reason)
    elif kind == "silence":
        await _set_flag(acting.who, target, "silenced_at", True, reason)
    elif kind == "unsilence":
        await _set_flag(acting.who, target, "silenced_at", False, reason)
    elif kind == "disable":
        await disable_sign_in(acting.who, target, reason)
    elif kind == "enable":
        await _set_flag(acting.who, target, "disabled_at", False, reason)
    elif kind == "suspend":
        await suspend_actor(settings, acting.who, target, reason)
    elif kind == "unsuspend":
        await unsuspend_actor(acting.who, target)
    elif kind == "reset_two_factor":
        await reset_two_factor(acting.who, target, reason)
    elif kind == "change_role":
        await change_role(acting.who, target, new_role, reason)  # type: ignore[arg-type]


async def _set_flag(who: str, target: Actor, column: str, on: bool, reason: str) -> None:
    value = datetime.now(UTC) if on else None
    verb = {
        ("silenced_at", True): "silence",
        ("silenced_at", False): "unsilence",
        ("disabled_at", False): "enable",
    }[column, on]
    async with in_transaction():
        await Actor.filter(id=target.id).update(**{column: value})
        setattr(target, column, value)
        await audit(who, f"account.{verb}", target.uri, reason)


async def disable_sign_in(who: str, target: Actor, reason: str = "") -> None:
    """Refuse the member's sign-in: every token and web session ends now (open streams
    close), new ones are refused while `disabled_at` is set. Posts, follows and spaces stay."""
    now = datetime.now(UTC)
    async with in_transaction():
        await Actor.filter(id=target.id).update(disabled_at=now)
        target.disabled_at = now
        tokens = await AccessToken.filter(account_id=target.id, revoked_at=None).values_list(
            "id", flat=True
        )
        await AccessToken.filter(id__in=list(tokens)).update(revoked_at=now)
        await WebSession.filter(account_id=target.id).delete()
        await audit(who, "account.disable", target.uri, reason)
    for token_id in tokens:
        surface.token_revoked(token_id)
    surface.actor_suspended(target)  # the same close, whatever stream the account has open


async def reset_two_factor(who: str, target: Actor, reason: str = "") -> None:
    """For a member who lost their authenticator and recovery codes: the second factor and
    its codes are removed; they sign in with the password and may set it up again."""
    async with in_transaction():
        await two_factor.disable(target)
        await audit(who, "account.reset_two_factor", target.uri, reason)


async def change_role(who: str, target: Actor, role: Role, reason: str = "") -> None:
    async with in_transaction():
        await Actor.filter(id=target.id).update(
            is_admin=role == "admin", is_moderator=role == "moderator"
        )
        target.is_admin, target.is_moderator = role == "admin", role == "moderator"
        await audit(who, "account.change_role", target.uri, f"{role} {reason}".strip())


async def outside_limits(posts: list[Post], viewer: Actor | None) -> list[Post]:
    """Public timelines: a limited account's posts (its `actor` prefetched) show only to its
    followers and itself, as Mastodon's silence keeps them out of everyone else's view."""
    limited = {p.actor_id for p in posts if p.actor.silenced_at is not None}
    if not limited:
        return posts
    allowed: set[int] = set()
    if viewer is not None:
        allowed = {viewer.id} | set(
            await Follow.filter(
                follower_id=viewer.id, target_id__in=sorted(limited), accepted=True
            ).values_list("target_id", flat=True)
        )
    return [p for p in posts if p.actor_id not in limited or p.actor_id in allowed]
