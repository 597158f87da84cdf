"""Block of a local member: recorded, and follows in both directions are severed."""

from __future__ import annotations

from inbox.handlers.base import Context
from storage.models import Block, Follow


async def handle(ctx: Context) -> None:
    target = await ctx.local_actor_named(ctx.activity.object_id)
    if target is None:
        return
    await Block.get_or_create(actor=ctx.actor, target=target, defaults={"uri": ctx.activity.id})
    await Follow.filter(follower=ctx.actor, target=target).delete()
    await Follow.filter(follower=target, target=ctx.actor).delete()
