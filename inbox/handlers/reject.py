"""Reject of one of our Follows (or the end of an accepted one): the follow is removed."""

from __future__ import annotations

from inbox.handlers.accept import _our_follow
from inbox.handlers.base import Context
from outbox import graph


async def handle(ctx: Context) -> None:
    follow = await _our_follow(ctx)
    if follow is not None:
        await graph.answer_follow(ctx.settings, follow, accept=False)
        return
    from spaces.talks import record_remote_answer

    await record_remote_answer(ctx.actor, ctx.activity.object_id, "Reject", ctx.activity.id)
