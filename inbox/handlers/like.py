"""Like of a post we hold (Lemmy's and Friendica's likes of pages too).

Applied by `outbox.interactions.like`, the same action as a local member's like: the liker
must be allowed to see the post, the author is notified, and a public space relays the Like
to its followers (FEP-1b12).
"""

from __future__ import annotations

from inbox.handlers.base import Context
from outbox import interactions
from outbox.received import Received


async def handle(ctx: Context) -> None:
    post = await ctx.post(ctx.activity.object_id)
    if post is None:
        return
    await interactions.like(
        ctx.settings, ctx.actor, post, Received(ctx.activity.id, ctx.activity.raw)
    )
