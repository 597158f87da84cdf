"""In-process publish/subscribe for the streaming API.

Events carry ids only (a status was stored or deleted, a notification was made); each
WebSocket subscriber decides whether the event belongs to its streams and renders it for its
own viewer, so one member's view of a post never leaks into another's stream. A slow
subscriber loses events rather than holding up the request that published them.

Access changes travel apart from those queues, so none is ever dropped: revoking a token,
suspending an account, and a member leaving (or being removed from) a space wake every open
connection they may concern (`Watch`). A woken connection asks the database whether it may
still receive (`outbox.connections`), so a wake-up that concerns it only by accident costs
one query and changes nothing. Changes made in another process reach the same watches through
the sweeper in `outbox.connections`.

Both travel on `storage.bus`: in this process at once, and on PostgreSQL to every other
`baraza serve` and `baraza worker` process too, so a client streaming from one process sees a
status posted through another, and a token revoked in one closes its streams in all (within
milliseconds rather than the sweeper's `SWEEP_SECONDS`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from storage import bus

log = logging.getLogger(__name__)

QUEUE_SIZE = 256


@dataclass(frozen=True)
class BusEvent:
    kind: str  # update | delete | notification | filters_changed
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


STREAM_CHANNEL = "stream"
ACCESS_CHANNEL = "access"


def publish(event: BusEvent) -> None:
    """To every streaming subscriber of every process."""
    bus.publish(STREAM_CHANNEL, asdict(event))


def _fan_out(message: dict[str, Any]) -> None:
    """One event, from this process or another, to this process's subscribers."""
    event = BusEvent(**message)
    for queue in list(_subscribers):
        try:
            queue.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("streaming subscriber too slow: dropped a %s event", event.kind)


def status_stored(post_id: int) -> None:
    publish(BusEvent("update", post_id=post_id))


def status_deleted(post_id: int) -> None:
    publish(BusEvent("delete", post_id=post_id))


@dataclass(frozen=True)
class AccessChange:
    """Something that may end an open connection's right to receive; ids only."""

    token_id: int | None = None  # this token was revoked
    actor_id: int | None = None  # this account (a member or a space) was suspended
    space_id: int | None = None  # with `actor_id`: that member is no longer in that space


@dataclass(eq=False)
class Watch:
    """One open connection (a stream or a co-editing socket), woken when its access may end."""

    token_id: int
    account_id: int
    space_id: int | None = None  # set for a co-editing socket: the space the document lives in
    changed: asyncio.Event = field(default_factory=asyncio.Event)


def concerns(change: AccessChange, watch: Watch) -> bool:
    """Pure: might `change` end `watch`'s access? Over-matching is safe (it costs one re-check);
    missing a match is not. Table-tested."""
    if change.token_id is not None and change.token_id == watch.token_id:
        return True
    if change.actor_id is None:
        return False
    if change.space_id is not None:
        return change.actor_id == watch.account_id and change.space_id == watch.space_id
    return change.actor_id in (watch.account_id, watch.space_id)


_watches: set[Watch] = set()


def watch(token_id: int, account_id: int, space_id: int | None = None) -> Watch:
    """Register an open connection; pair with `unwatch` when it closes."""
    opened = Watch(token_id, account_id, space_id)
    _watches.add(opened)
    return opened


def unwatch(opened: Watch) -> None:
    _watches.discard(opened)


def watches() -> list[Watch]:
    """The open connections, for the sweeper that notices changes made by other processes."""
    return list(_watches)


def access_changed(change: AccessChange) -> None:
    """Wake every open connection `change` may concern, in every process; each re-checks
    before its next frame."""
    bus.publish(ACCESS_CHANNEL, asdict(change))


def _wake(message: dict[str, Any]) -> None:
    change = AccessChange(**message)
    for opened in list(_watches):
        if concerns(change, opened):
            opened.changed.set()


bus.subscribe(STREAM_CHANNEL, _fan_out)
bus.subscribe(ACCESS_CHANNEL, _wake)


def token_revoked(token_id: int) -> None:
    access_changed(AccessChange(token_id=token_id))


def actor_suspended(actor_id: int) -> None:
    access_changed(AccessChange(actor_id=actor_id))


def membership_ended(member_id: int, space_id: int) -> None:
    access_changed(AccessChange(actor_id=member_id, space_id=space_id))
