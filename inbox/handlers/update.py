"""Update of the actor's own profile, or of one of its posts (an edit, relayed by a public
space it was posted in, FEP-1b12)."""

from __future__ import annotations

from datetime import UTC, datetime

from federation.activities import parse_object
from federation.origin import ACTOR_TYPES
from inbox.handlers.base import Context
from inbox.ingest import drop_rejected_media, fields_from
from outbox.commit import action
from outbox.edits import surface_edit
from spaces.relay import relay_activity_to_space


async def handle(ctx: Context) -> None:
    from federation.remote_actors import upsert_actor_document

    inner = ctx.inner()
    if inner is None:
        return
    if ctx.activity.object_type in ACTOR_TYPES:
        if ctx.activity.object_id == ctx.actor.uri:
            await upsert_actor_document(inner, ctx.actor.uri)
        return
    post = await ctx.post(ctx.activity.object_id)
    if post is None or post.actor_id != ctx.actor.id or post.deleted_at is not None:
        return
    if post.space_id is not None and await _archived(post.space_id):
        return  # an archived space is read-only: its posts stay as they were archived
    values = await drop_rejected_media(fields_from(parse_object(inner), ctx.actor), ctx.actor)
    for name in (
        "content",
        "summary",
        "name",
        "sensitive",
        "language",
        "tags",
        "attachments",
        "document",
    ):
        setattr(post, name, values[name])
    fresh_poll = values.get("poll")
    if fresh_poll and post.poll:
        # New counts from the poll's home; who voted from here stays ours, so nobody votes twice.
        fresh_poll["voters"] = post.poll.get("voters", [])
        fresh_poll["votes"] = post.poll.get("votes", {})
        post.poll = fresh_poll
    post.edited_at = datetime.now(UTC)
    async with action() as after:
        await post.save()
        if post.space_id is not None:
            # A public space tells its followers, as it does for a local member's edit.
            await relay_activity_to_space(ctx.settings, post, ctx.activity.raw)
        # The same news as a local member's edit: streams, likers and boosters, new mentions.
        author = ctx.actor
        after.add(lambda: surface_edit(post, author))


async def _archived(space_id: int) -> bool:
    from spaces.space_rules import edit_refusal
    from storage.models import Actor

    space = await Actor.get_or_none(id=space_id, local=True)
    return edit_refusal(archived=space is not None and space.archived_at is not None) is not None
