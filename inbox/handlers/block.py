"""Block of a local member: recorded, and follows in both directions are severed
(`outbox.graph.block`, the same action as a local member's block)."""

from __future__ import annotations

from inbox.handlers.base import Context
from outbox import graph
from outbox.received import Received


async def handle(ctx: Context) -> None:
    target = await ctx.local_actor_named(ctx.activity.object_id)
    if target is None:
        return
    await graph.block(ctx.settings, ctx.actor, target, Received(ctx.activity.id, ctx.activity.raw))
