"""Polls that ended: the worker notices them and their voters and author hear of it, once.

A poll's end is a time in its JSON, so the worker looks, every `CHECK_SECONDS`, at the polls
not yet announced (no `PollEnding` row). The row is written first, in its own transaction, so
two workers never announce one poll twice; the notifications follow it (`outbox.surface`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from tortoise.exceptions import BaseORMException, IntegrityError
from tortoise.expressions import Subquery

from outbox.commit import action
from outbox.polls import expired
from outbox.surface import poll_ended
from storage.models import Actor, PollEnding, Post

log = logging.getLogger(__name__)

CHECK_SECONDS = 30.0
BATCH = 200


async def announce_ended_polls(now: datetime | None = None) -> list[Post]:
    """Announce every poll that has ended and was not yet announced; returns their posts."""
    now = now or datetime.now(UTC)
    ended: list[Post] = []
    after_id = 0
    while True:  # every open poll, a batch at a time: open ones must not hide ended ones
        batch = await _open_polls(after_id)
        if not batch:
            return ended
        after_id = batch[-1].id
        ended.extend(await _announce(batch, now))


async def _open_polls(after_id: int) -> list[Post]:
    announced = Subquery(PollEnding.all().values("post_id"))
    return (
        await Post.filter(poll__not_isnull=True, deleted_at=None, id__gt=after_id)
        .exclude(id__in=announced)
        .order_by("id")
        .limit(BATCH)
        .prefetch_related("actor")
    )


async def _announce(candidates: list[Post], now: datetime) -> list[Post]:
    ended = []
    for post in candidates:
        if not isinstance(post.poll, dict) or not expired(post.poll, now):
            continue
        try:
            async with action() as after:
                await PollEnding.create(post=post)
                voters = await Actor.filter(uri__in=list(post.poll.get("votes", {})), local=True)
                after.add(lambda p=post, v=voters: poll_ended(p, p.actor, list(v)))
        except IntegrityError:
            continue  # another worker announced it
        ended.append(post)
    return ended


async def run_poll_endings(stop: asyncio.Event) -> None:
    """The worker's loop: announce ended polls every `CHECK_SECONDS`, until `stop`."""
    while not stop.is_set():
        try:
            ended = await announce_ended_polls()
            if ended:
                log.info("announced %d ended polls", len(ended))
        except (OSError, BaseORMException) as exc:
            log.warning("ended polls not announced this round: %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=CHECK_SECONDS)
        except TimeoutError:
            continue
