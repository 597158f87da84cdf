"""Delete of one of the actor's posts (kept as a tombstone, and relayed by a public space it
was posted in, FEP-1b12), or of the actor itself."""

from __future__ import annotations

from datetime import UTC, datetime

from inbox.handlers.base import Context
from outbox import surface
from outbox.commit import action
from spaces.relay import relay_activity_to_space
from storage.models import Follow, Post


async def handle(ctx: Context) -> None:
    target = ctx.activity.object_id
    if target == ctx.actor.uri:
        await Follow.filter(follower=ctx.actor).delete()
        await Follow.filter(target=ctx.actor).delete()
        await Post.filter(actor=ctx.actor).update(
            deleted_at=datetime.now(UTC), content="", summary=""
        )
        ctx.actor.suspended_at = datetime.now(UTC)
        await ctx.actor.save(update_fields=["suspended_at"])
        return
    post = await ctx.post(target)
    if post is None or post.actor_id != ctx.actor.id:
        return
    async with action() as after:
        post.deleted_at = datetime.now(UTC)
        post.content = ""
        post.summary = ""
        await post.save(update_fields=["deleted_at", "content", "summary"])
        if post.space_id is not None:
            # A public space tells its followers, as it does for a local member's delete.
            await relay_activity_to_space(ctx.settings, post, ctx.activity.raw)
        # Open streams drop it as they do a local member's deleted post.
        after.add(lambda: surface.status_deleted(post))
