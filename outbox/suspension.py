"""Instance-wide suspension of one actor, remote or local.

A suspended remote actor's signed requests are refused (`inbox.verify` checks `suspended_at`)
and follows both ways are severed. A suspended local account stops answering (its actor
document and WebFinger answer 404, its tokens stop working) and its posts are deleted with
federated `Delete`s; the rows are kept and listed in an instance setting so that an unsuspend
within `RESTORE_WINDOW` brings them back locally. Peers have already dropped them: a `Delete`
cannot be taken back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from baraza.settings import Settings
from federation.domain_blocks import audit
from outbox import surface
from storage.models import Actor, Follow, InstanceSetting, Post
from storage.settings_store import get_setting, set_setting

RESTORE_WINDOW = timedelta(days=30)


class ActorModerationError(ValueError):
    """An account the admin named that cannot be acted on."""


def _suspended_posts_key(actor: Actor) -> str:
    return f"suspended_posts:{actor.id}"


async def find_actor(settings: Settings, acct: str) -> Actor:
    """A stored actor by `name` (local), `name@domain`, `@name@domain` or actor URI."""
    text = acct.strip().removeprefix("@")
    if text.startswith(("http://", "https://")):
        actor = await Actor.get_or_none(uri=text)
    elif "@" in text:
        name, domain = text.split("@", 1)
        if domain.lower() == settings.host:
            actor = await Actor.get_or_none(local=True, local_username=name)
        else:
            actor = await Actor.filter(username=name, domain=domain.lower(), local=False).first()
    else:
        actor = await Actor.get_or_none(local=True, local_username=text)
    if actor is None or actor.type == "Application":
        raise ActorModerationError(f"no known account {acct!r}")
    return actor


async def suspend_actor(settings: Settings, who: str, actor: Actor, reason: str = "") -> int:
    """Suspend `actor`; returns how many posts were deleted (local accounts only)."""
    if actor.suspended_at is not None:
        await audit(who, "account.suspend", actor.uri, f"{reason} (already suspended)".strip())
        return 0
    now = datetime.now(UTC)
    deleted = 0
    if actor.local:
        deleted = await _delete_local_content(settings, actor)
    async with in_transaction():
        await Actor.filter(id=actor.id).update(suspended_at=now)
        actor.suspended_at = now
        if not actor.local:
            await Follow.filter(follower_id=actor.id).delete()
            await Follow.filter(target_id=actor.id).delete()
        await audit(who, "account.suspend", actor.uri, reason)
    surface.actor_suspended(actor)  # its open streams and sockets close now, whatever the door
    return deleted


async def _delete_local_content(settings: Settings, actor: Actor) -> int:
    from outbox.actions import delete_post

    posts = await Post.filter(actor_id=actor.id, deleted_at=None, local=True).order_by("id")
    for post in posts:
        await delete_post(settings, actor, post)
    await set_setting(_suspended_posts_key(actor), json.dumps([p.id for p in posts]))
    return len(posts)


async def unsuspend_actor(who: str, actor: Actor, *, now: datetime | None = None) -> int:
    """Lift a suspension; returns how many posts were restored (local, within the window)."""
    if actor.suspended_at is None:
        return 0
    now = now or datetime.now(UTC)
    restored = 0
    async with in_transaction():
        if actor.local:
            key = _suspended_posts_key(actor)
            ids = json.loads(await get_setting(key, "[]"))
            since = actor.suspended_at
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            if ids and now - since <= RESTORE_WINDOW:
                restored = await Post.filter(id__in=ids, actor_id=actor.id).update(deleted_at=None)
            await InstanceSetting.filter(key=key).delete()
        await Actor.filter(id=actor.id).update(suspended_at=None)
        actor.suspended_at = None
        await audit(who, "account.unsuspend", actor.uri, f"restored {restored} posts")
    return restored
