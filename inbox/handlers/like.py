"""Like of a post we hold (Lemmy's and Friendica's likes of pages too)."""

from __future__ import annotations

from inbox.handlers.base import Context
from storage.models import Like


async def handle(ctx: Context) -> None:
    post = await ctx.post(ctx.activity.object_id)
    if post is None or post.deleted_at is not None:
        return
    _, created = await Like.get_or_create(
        actor=ctx.actor, post=post, defaults={"uri": ctx.activity.id}
    )
    if created and post.local:
        from outbox.surface import notify

        await notify(post.actor, "favourite", ctx.actor, post)
