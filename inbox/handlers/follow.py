"""Follow: someone wants to follow a member, or to join a space.

Accepted at once unless the target approves followers by hand or the requester's domain is
silenced (then it waits for approval, as on Mastodon); a private space answers every remote
request with Reject, and a member who blocked the requester rejects it too.
"""

from __future__ import annotations

from federation.policy import is_silenced, load_policy
from inbox.handlers.base import Context
from outbox.replies import send_accept, send_reject
from storage.models import Block, Follow


async def handle(ctx: Context) -> None:
    target = await ctx.local_actor_named(ctx.activity.object_id)
    if target is None or target.suspended_at is not None:
        return
    follow_doc = {
        "id": ctx.activity.id,
        "type": "Follow",
        "actor": ctx.actor.uri,
        "object": target.uri,
    }
    blocked = await Block.exists(actor=target, target=ctx.actor)
    if (target.type == "Group" and target.private) or blocked:
        await send_reject(ctx.settings, target, ctx.actor, follow_doc)
        return
    silenced = is_silenced(await load_policy(), ctx.actor.domain)
    follow, created = await Follow.get_or_create(
        follower=ctx.actor,
        target=target,
        defaults={
            "uri": ctx.activity.id,
            "accepted": not (target.manually_approves_followers or silenced),
        },
    )
    if not created and follow.uri != ctx.activity.id:
        follow.uri = ctx.activity.id
        await follow.save(update_fields=["uri"])
    if follow.accepted:
        await send_accept(ctx.settings, target, ctx.actor, follow_doc)
    if created:
        from outbox.surface import notify

        await notify(target, "follow" if follow.accepted else "follow_request", ctx.actor)
