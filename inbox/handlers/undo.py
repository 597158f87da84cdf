"""Undo of the actor's own Follow, Like, Announce or Block, applied by the same actions as a
local member's (`outbox.graph`, `outbox.interactions`): a withdrawn Like of a post in a public
space is relayed by the space like the Like was."""

from __future__ import annotations

from inbox.handlers.base import Context
from outbox import graph, interactions
from outbox.received import Received
from storage.models import Announce, Like


async def handle(ctx: Context) -> None:
    inner = ctx.inner()
    inner_id = ctx.activity.object_id
    inner_type = inner.get("type") if inner else None
    inner_object = inner.get("object") if inner else None
    if isinstance(inner_object, dict):
        inner_object = inner_object.get("id")
    if not isinstance(inner_object, str):
        inner_object = None
    received = Received(ctx.activity.id, ctx.activity.raw)

    if inner_type == "Follow" or (inner_type is None and inner_id):
        target = await ctx.local_actor_named(inner_object)
        if target is not None:
            await graph.unfollow(ctx.settings, ctx.actor, target, received)
        elif inner_id:
            await graph.unfollow_by_uri(ctx.settings, ctx.actor, inner_id, received)
    if inner_type in ("Like", "EmojiReact") or inner_type is None:
        await _undo_interaction(ctx, Like, inner_id, inner_object, received)
    if inner_type == "Announce" or inner_type is None:
        await _undo_interaction(ctx, Announce, inner_id, inner_object, received)
    if inner_type == "Block" or inner_type is None:
        target = await ctx.local_actor_named(inner_object)
        if target is not None:
            await graph.unblock(ctx.settings, ctx.actor, target, received)
        elif inner_id:
            await graph.unblock_by_uri(ctx.settings, ctx.actor, inner_id, received)


async def _undo_interaction(
    ctx: Context,
    model: type[Like] | type[Announce],
    inner_id: str | None,
    object_uri: str | None,
    received: Received,
) -> None:
    if inner_id and await interactions.undo_by_uri(
        ctx.settings, ctx.actor, model, inner_id, received
    ):
        return
    post = await ctx.post(object_uri)
    if post is not None:
        undo = interactions.unlike if model is Like else interactions.unannounce
        await undo(ctx.settings, ctx.actor, post, received)
