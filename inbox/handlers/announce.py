"""Announce: a boost, or a group (FEP-1b12) relaying a post to its members.

The embedded object of an Announce is never trusted (anyone can wrap anything): a post we do
not hold yet is fetched from its own server by id.
"""

from __future__ import annotations

from federation.activities import host_of
from inbox.handlers.base import Context
from inbox.ingest import store_remote_post
from outbox import interactions
from outbox.received import Received
from storage.models import Post


async def _fetch_post(ctx: Context, uri: str) -> Post | None:
    from federation.fetch import fetch_json
    from federation.remote_actors import get_actor

    doc = await fetch_json(ctx.services.http, uri, signer_actor=ctx.services.instance_actor)
    if doc.get("type") in ("Create", "Update") and isinstance(doc.get("object"), dict):
        doc = doc["object"]
    attributed = doc.get("attributedTo")
    if isinstance(attributed, list):
        attributed = next((a for a in attributed if isinstance(a, str)), None)
    if isinstance(attributed, dict):
        attributed = attributed.get("id")
    if not isinstance(attributed, str) or host_of(attributed) != host_of(uri):
        return None
    author = await get_actor(attributed, services=ctx.services)
    return await store_remote_post(doc, author, ctx.settings.base_url, force=True)


def _announced_object(ctx: Context) -> str | None:
    """The post's id: the object itself, or for a group relaying a Create (Lemmy), its object."""
    if ctx.activity.object_type in ("Create", "Update"):
        inner = ctx.inner() or {}
        obj = inner.get("object")
        obj = obj.get("id") if isinstance(obj, dict) else obj
        return obj if isinstance(obj, str) else None
    if ctx.activity.object_type in ("Delete", "Like", "Undo", "Dislike", "Remove", "Add"):
        return None  # relayed interactions: their own servers deliver them
    return ctx.activity.object_id


async def handle(ctx: Context) -> None:
    uri = _announced_object(ctx)
    if not uri:
        return
    post = await ctx.post(uri)
    if post is None:
        if ctx.is_local_uri(uri):
            return
        post = await _fetch_post(ctx, uri)
        if post is None:
            return
    # A boost of a post its actor may not see, or of a private post, is refused by the action:
    # a boost is not a way to read or to publish one.
    await interactions.announce(
        ctx.settings, ctx.actor, post, Received(ctx.activity.id, ctx.activity.raw)
    )
