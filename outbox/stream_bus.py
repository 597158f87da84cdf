"""In-process publish/subscribe for the streaming API.

Events carry ids only (a status was stored or deleted, a notification was made); each
WebSocket subscriber decides whether the event belongs to its streams and renders it for its
own viewer, so one member's view of a post never leaks into another's stream. A slow
subscriber loses events rather than holding up the request that published them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

QUEUE_SIZE = 256


@dataclass(frozen=True)
class BusEvent:
    kind: str  # update | delete | notification
    post_id: int | None = None
    notification_id: int | None = None
    recipient_id: int | None = None


_subscribers: set[asyncio.Queue[BusEvent]] = set()


def subscribe() -> asyncio.Queue[BusEvent]:
    queue: asyncio.Queue[BusEvent] = asyncio.Queue(QUEUE_SIZE)
    _subscribers.add(queue)
    return queue


def unsubscribe(queue: asyncio.Queue[BusEvent]) -> None:
    _subscribers.discard(queue)


def publish(event: BusEvent) -> None:
    for queue in list(_subscribers):
        try:
            queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("streaming subscriber too slow: dropped a %s event", event.kind)


def status_stored(post_id: int) -> None:
    publish(BusEvent("update", post_id=post_id))


def status_deleted(post_id: int) -> None:
    publish(BusEvent("delete", post_id=post_id))
