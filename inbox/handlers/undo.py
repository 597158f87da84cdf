"""Undo of the actor's own Follow, Like, Announce or Block."""

from __future__ import annotations

from inbox.handlers.base import Context
from storage.models import Announce, Block, Follow, Like


async def handle(ctx: Context) -> None:
    inner = ctx.inner()
    inner_id = ctx.activity.object_id
    inner_type = inner.get("type") if inner else None
    inner_object = inner.get("object") if inner else None
    if isinstance(inner_object, dict):
        inner_object = inner_object.get("id")
    if not isinstance(inner_object, str):
        inner_object = None

    if inner_type == "Follow" or (inner_type is None and inner_id):
        query = Follow.filter(follower=ctx.actor)
        target = await ctx.local_actor_named(inner_object)
        if target is not None:
            await query.filter(target=target).delete()
        elif inner_id:
            await query.filter(uri=inner_id).delete()
    if inner_type in ("Like", "EmojiReact") or inner_type is None:
        await _undo_interaction(ctx, Like, inner_id, inner_object)
    if inner_type == "Announce" or inner_type is None:
        await _undo_interaction(ctx, Announce, inner_id, inner_object)
    if inner_type == "Block" or inner_type is None:
        target = await ctx.local_actor_named(inner_object)
        if target is not None:
            await Block.filter(actor=ctx.actor, target=target).delete()
        elif inner_id:
            await Block.filter(actor=ctx.actor, uri=inner_id).delete()


async def _undo_interaction(
    ctx: Context, model: type, inner_id: str | None, object_uri: str | None
) -> None:
    if inner_id:
        deleted = await model.filter(actor=ctx.actor, uri=inner_id).delete()
        if deleted:
            return
    post = await ctx.post(object_uri)
    if post is not None:
        await model.filter(actor=ctx.actor, post=post).delete()
