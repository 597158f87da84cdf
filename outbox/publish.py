"""Storing a local activity and its deliveries in one transaction, then waking the worker.

This is the only way an activity leaves the instance: the activity row and one delivery row
per target inbox are committed together, so a crash after the commit loses nothing and a crash
before it sends nothing. Called inside an action (`outbox.commit.action`), they commit with the
action's own rows (the post, the like, ...) instead, and the worker is woken after that commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from baraza.ids import new_id
from baraza.settings import Settings
from outbox.commit import action
from outbox.fanout import Recipient, delivery_targets
from storage.models import Activity, Actor, Delivery

# Set by whichever worker runs in this process; deliveries are picked up by polling otherwise.
_wakeups: list[asyncio.Event] = []


def register_wakeup(event: asyncio.Event) -> None:
    _wakeups.append(event)


def unregister_wakeup(event: asyncio.Event) -> None:
    if event in _wakeups:
        _wakeups.remove(event)


def wake_workers() -> None:
    for event in _wakeups:
        event.set()


def recipient_of(actor: Actor | Recipient) -> Recipient:
    if isinstance(actor, Recipient):
        return actor
    return Recipient(
        uri=actor.uri,
        inbox=actor.inbox_url,
        shared_inbox=actor.shared_inbox_url,
        host=actor.domain,
    )


def object_uri_of(doc: dict[str, Any]) -> str | None:
    obj = doc.get("object")
    if isinstance(obj, dict):
        value = obj.get("id")
        return value if isinstance(value, str) else None
    return obj if isinstance(obj, str) else None


async def publish(
    settings: Settings,
    actor: Actor,
    doc: dict[str, Any],
    recipients: Iterable[Actor | Recipient],
    *,
    activity_id: int | None = None,
) -> Activity:
    """Store `doc` (whose `id` the caller built) and queue it for every remote recipient.

    Inside the caller's action this joins its transaction: a failure here rolls back the
    caller's state change too, and a failure after it rolls back these rows.
    """
    from federation.policy import delivery_refused

    targets = delivery_targets(
        (recipient_of(r) for r in recipients),
        local_host=settings.host,
        refused=await delivery_refused(),
    )
    now = datetime.now(UTC)
    async with action() as after:
        activity = await Activity.create(
            id=activity_id or new_id(),
            uri=doc["id"],
            type=doc["type"],
            actor_uri=actor.uri,
            object_uri=object_uri_of(doc),
            local=True,
            document=doc,
            state="handled",
        )
        if targets:
            await Delivery.bulk_create(
                [
                    Delivery(
                        activity=activity,
                        signer=actor,
                        inbox_url=target.inbox,
                        host=target.host,
                        next_try_at=now,
                    )
                    for target in targets
                ],
                batch_size=500,
            )
            after.add(wake_workers)
    return activity
