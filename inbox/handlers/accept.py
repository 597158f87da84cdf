"""Accept of one of our Follows (the follow becomes active), or an answer to one of our Talks."""

from __future__ import annotations

from inbox.handlers.base import Context
from outbox import graph
from storage.models import Follow


async def _our_follow(ctx: Context) -> Follow | None:
    inner = ctx.inner()
    follow = None
    if ctx.activity.object_id:
        follow = await Follow.get_or_none(uri=ctx.activity.object_id, target=ctx.actor)
    if follow is None and inner is not None:
        follower = await ctx.local_actor_named(
            inner.get("actor") if isinstance(inner.get("actor"), str) else None
        )
        if follower is not None:
            follow = await Follow.get_or_none(follower=follower, target=ctx.actor)
    return follow


async def handle(ctx: Context) -> None:
    follow = await _our_follow(ctx)
    if follow is None:
        from spaces.talks import record_remote_answer

        await record_remote_answer(ctx.actor, ctx.activity.object_id, "Accept", ctx.activity.id)
        return
    await graph.answer_follow(ctx.settings, follow, accept=True)
