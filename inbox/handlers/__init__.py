"""One handler module per activity type; unknown types are logged and ignored."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from federation.activities import Incoming
from inbox.handlers import (
    accept,
    announce,
    block,
    create,
    delete,
    flag,
    follow,
    like,
    move,
    reject,
    tentative_accept,
    undo,
    update,
)
from inbox.handlers.base import Context
from storage.models import Activity, Actor, Block, Post

log = logging.getLogger(__name__)

Handler = Callable[[Context], Awaitable[None]]

HANDLERS: dict[str, Handler] = {
    "Accept": accept.handle,
    "Announce": announce.handle,
    "Block": block.handle,
    "Create": create.handle,
    "Delete": delete.handle,
    "Flag": flag.handle,
    "Follow": follow.handle,
    "Like": like.handle,
    "Move": move.handle,
    "Reject": reject.handle,
    "TentativeAccept": tentative_accept.handle,
    "Undo": undo.handle,
    "Update": update.handle,
}


async def dispatch(services: Any, row: Activity, activity: Incoming) -> None:
    from federation.remote_actors import get_actor

    handler = HANDLERS.get(activity.type)
    if handler is None:
        log.info("ignoring activity of unknown type %r from %s", activity.type, activity.actor)
        return
    actor = await get_actor(activity.actor, services=services)
    if activity.type in BLOCKABLE and await _blocked_by_target(activity, actor):
        log.info("dropping %s from %s: blocked by its target", activity.type, actor.uri)
        return
    await handler(Context(services=services, row=row, activity=activity, actor=actor))


# Interactions a member's block silences. Undo, Delete, Update and Block itself still apply.
BLOCKABLE = frozenset({"Like", "Announce", "Flag", "Move"})  # Follow: answered with Reject


async def _blocked_by_target(activity: Incoming, actor: Actor) -> bool:
    """The local member this activity is aimed at (directly, or through their post) blocks
    its actor: Mastodon drops such activities, and so do we."""
    uri = activity.object_id
    if not uri:
        return False
    owner_ids = await Actor.filter(uri=uri, local=True).values_list("id", flat=True)
    if not owner_ids:
        owner_ids = await Post.filter(uri=uri, local=True).values_list("actor_id", flat=True)
    if not owner_ids:
        return False
    return await Block.exists(actor_id=owner_ids[0], target=actor)
