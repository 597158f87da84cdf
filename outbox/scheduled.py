"""Scheduled posts: kept until their time, then published by the worker through the same
`outbox.actions.create_post` as any post.

The API door validates and renders the post when it is scheduled (its text to HTML, its
mentions resolved, its poll checked) and hands over a `prepared` document of `create_post`'s
arguments; this module keeps it and, at its time, publishes it. Claiming a due row, deleting
it and creating the post are one transaction (on PostgreSQL the row is locked with SKIP
LOCKED), so however many workers run, a scheduled post is published once, and a crash between
the two leaves it scheduled. A poll's end moves with the publication: its duration counts from
when the post appears, as in Mastodon.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import BaseORMException

from actors.documents import iso
from baraza.ids import new_id
from baraza.settings import Settings
from federation.errors import FederationError, Unprocessable
from outbox import actions
from outbox.choices import schedule_refusal
from outbox.commit import action
from storage.models import Actor, Post, ScheduledStatus

log = logging.getLogger(__name__)

CHECK_SECONDS = 10.0
BATCH = 20


async def schedule(
    member: Actor,
    scheduled_at: datetime,
    shown: dict[str, Any],
    prepared: dict[str, Any],
    media_ids: list[int],
    *,
    now: datetime | None = None,
) -> ScheduledStatus:
    """`shown` is Mastodon's `params` of the ScheduledStatus entity, `prepared` what
    `create_post` will be given."""
    async with action():
        await _check(member.id, scheduled_at, now)
        return await ScheduledStatus.create(
            id=new_id(),
            actor=member,
            scheduled_at=scheduled_at,
            params={"shown": shown, "prepared": prepared},
            media_ids=media_ids,
        )


async def scheduled_media(member: Actor) -> set[int]:
    """The member's uploads held by their scheduled posts: no other post may take them, as
    Mastodon attaches them to the scheduled status."""
    held = await ScheduledStatus.filter(actor=member).values_list("media_ids", flat=True)
    return {int(m) for ids in held for m in (ids or []) if isinstance(m, int)}


async def reschedule(
    record: ScheduledStatus, scheduled_at: datetime, *, now: datetime | None = None
) -> ScheduledStatus:
    async with action():
        await _check(record.actor_id, scheduled_at, now, moving=record)  # type: ignore[attr-defined]
        record.scheduled_at = scheduled_at
        await record.save(update_fields=["scheduled_at"])
    return record


async def cancel(record: ScheduledStatus) -> None:
    async with action():
        await record.delete()


async def _check(
    member_id: int,
    scheduled_at: datetime,
    now: datetime | None,
    *,
    moving: ScheduledStatus | None = None,
) -> None:
    """The rule, with the member's waiting posts counted (the one being moved left out)."""
    waiting = ScheduledStatus.filter(actor_id=member_id)
    if moving is not None:
        waiting = waiting.exclude(id=moving.id)
    day = scheduled_at.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    reason = schedule_refusal(
        scheduled_at,
        now or datetime.now(UTC),
        waiting=await waiting.count(),
        same_day=await waiting.filter(
            scheduled_at__gte=day, scheduled_at__lt=day + timedelta(days=1)
        ).count(),
    )
    if reason is not None:
        raise Unprocessable(reason)


def shifted_poll(poll: dict[str, Any] | None, written: datetime, now: datetime) -> Any:
    """The poll's end moved by how long the post waited (pure)."""
    if not isinstance(poll, dict) or not isinstance(poll.get("expires_at"), str):
        return poll
    ends = datetime.fromisoformat(poll["expires_at"].replace("Z", "+00:00"))
    return {**poll, "expires_at": iso(ends + (now - written))}


async def publish_due(settings: Settings, now: datetime | None = None) -> list[Post]:
    """Publish every scheduled post whose time has come; the posts made."""
    now = now or datetime.now(UTC)
    made: list[Post] = []
    for _ in range(BATCH):
        claimed, post = await _publish_one(settings, now)
        if not claimed:
            break
        if post is not None:
            made.append(post)
    return made


async def _publish_one(settings: Settings, now: datetime) -> tuple[bool, Post | None]:
    """Claim one due row and publish it: (whether a row was due, the post made)."""
    async with action():
        record = (
            await ScheduledStatus.filter(scheduled_at__lte=now)
            .order_by("scheduled_at", "id")
            .select_for_update(skip_locked=True)
            .first()
        )
        if record is None:
            return False, None
        await record.delete()
        member = await Actor.get(id=record.actor_id)  # type: ignore[attr-defined]
        if member.suspended_at is not None:
            return True, None  # nothing is published for a suspended member
        try:
            return True, await _create(settings, member, record, now)
        except FederationError as exc:
            # The post cannot be made any more (its reply target or media went): dropped, as
            # Mastodon drops it, rather than retried for ever. `create_post`'s own savepoint
            # rolled back; the row's deletion stands.
            log.warning("scheduled post %s dropped: %s", record.id, exc.reason)
            return True, None


async def _create(
    settings: Settings, member: Actor, record: ScheduledStatus, now: datetime
) -> Post:
    prepared = dict(record.params.get("prepared") or {})
    mentions = await Actor.filter(id__in=prepared.get("mention_ids") or [])
    reply_id = prepared.get("in_reply_to_id")
    in_reply_to = await Post.get_or_none(id=reply_id, deleted_at=None) if reply_id else None
    if reply_id and in_reply_to is None:
        raise Unprocessable("the post it replies to is gone")
    poll = shifted_poll(prepared.get("poll"), record.created_at, now)
    return await actions.create_post(
        settings,
        member,
        str(prepared.get("content") or ""),
        visibility=str(prepared.get("visibility") or "public"),
        mentions=list(mentions),
        in_reply_to=in_reply_to,
        summary=str(prepared.get("summary") or ""),
        sensitive=bool(prepared.get("sensitive")),
        language=prepared.get("language"),
        tags=list(prepared.get("tags") or []),
        attachments=list(prepared.get("attachments") or []),
        media_ids=list(record.media_ids or []),
        source=prepared.get("source"),
        **({"post_type": "Question", "poll": poll} if poll else {}),
    )


async def run_schedule(settings: Settings, stop: asyncio.Event) -> None:
    """The worker's loop: publish what is due, every `CHECK_SECONDS`, until `stop`."""
    while not stop.is_set():
        try:
            made = await publish_due(settings)
            if made:
                log.info("published %d scheduled posts", len(made))
        except (OSError, BaseORMException) as exc:
            log.warning("scheduled posts not published this round: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=CHECK_SECONDS)
        except TimeoutError:
            continue
