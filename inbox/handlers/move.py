"""Move: an account moved elsewhere. Recorded only when the new account names the old one."""

from __future__ import annotations

from inbox.handlers.base import Context


async def handle(ctx: Context) -> None:
    from federation.remote_actors import get_actor

    target_uri = ctx.activity.target
    if ctx.activity.object_id != ctx.actor.uri or not target_uri:
        return
    target = await get_actor(target_uri, services=ctx.services, refresh=True)
    if ctx.actor.uri not in (target.also_known_as or []):
        return
    ctx.actor.moved_to = target.uri
    await ctx.actor.save(update_fields=["moved_to"])
