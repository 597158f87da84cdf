"""Follow: someone wants to follow a member, or to join a space.

Applied by `outbox.graph.follow`, the same action as a local member's follow: accepted at once
unless the target approves followers by hand or the requester's domain is silenced (then it
waits for approval, as on Mastodon); a private space, and a member who blocked the requester,
answer with Reject.
"""

from __future__ import annotations

from inbox.handlers.base import Context
from outbox import graph
from outbox.received import Received


async def handle(ctx: Context) -> None:
    target = await ctx.local_actor_named(ctx.activity.object_id)
    if target is None:
        return
    await graph.follow(ctx.settings, ctx.actor, target, Received(ctx.activity.id, ctx.activity.raw))
