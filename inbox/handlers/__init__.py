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
    undo,
    update,
)
from inbox.handlers.base import Context
from storage.models import Activity

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
    await handler(Context(services=services, row=row, activity=activity, actor=actor))
