"""Editing a local post: keep what it said before, tell everyone who received it.

Mastodon shows an edited status's history from the versions it keeps; we keep them in
`Post.edits` (oldest first, the current version last, each with the source text it came from)
so `GET /statuses/:id/history` and `/source` need no other table. The `Update` goes to exactly
the recipients the original `Create` reached, computed by the same `recipients_for`, so an edit
can never widen a post's audience — a private-space post still reaches no other server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from actors.documents import iso
from actors.urls import activity_url
from baraza.ids import new_id
from baraza.sanitize import clean_html
from baraza.settings import Settings
from federation.errors import Refused, Unprocessable
from outbox import surface
from outbox.audience import recipients_for
from outbox.commit import action
from outbox.documents import object_document, wrap_activity
from outbox.publish import publish
from storage.models import Actor, Announce, Like, Post


def version(post: Post, source: str | None) -> dict[str, Any]:
    """One entry of `Post.edits`: the post as it reads at this moment."""
    return {
        "content": post.content,
        "spoiler_text": post.summary,
        "sensitive": post.sensitive,
        "language": post.language,
        "text": source or "",
        "created_at": iso(post.edited_at or post.published),
    }


async def edit_post(
    settings: Settings,
    member: Actor,
    post: Post,
    *,
    content_html: str,
    summary: str,
    sensitive: bool,
    language: str | None,
    tags: list[dict[str, Any]] | None = None,
    mentions: list[Actor] | None = None,
    source: str | None = None,
) -> Post:
    """Change the post, store the new version beside the old ones, and federate an `Update`.

    `tags` replaces the post's tags when given (mentions and hashtags of the new text);
    `mentions` are the actors the new text names, who receive the `Update` like they would a
    `Create`. The new version, its `Update` with its deliveries and a public space's relay
    commit together; open streams and those who liked or boosted it hear of it afterwards.
    """
    if post.actor_id != member.id:
        raise Refused("only the author may edit a post")
    if post.space_id is not None:
        from spaces.space_rules import REASONS, edit_refusal

        space = await Actor.get_or_none(id=post.space_id)
        refusal = edit_refusal(archived=space is not None and space.archived_at is not None)
        if refusal is not None:
            raise Unprocessable(REASONS[refusal])
    async with action() as after:
        # Read the row under lock: two edits at once must not lose each other's version.
        row = await Post.select_for_update().get(id=post.id)
        if row.deleted_at is not None:
            raise Unprocessable("a deleted post cannot be edited")
        versions = [v for v in row.edits if isinstance(v, dict)] or [version(row, None)]
        post.content = clean_html(content_html)
        post.summary = summary
        post.sensitive = sensitive
        post.language = language
        if tags is not None:
            post.tags = tags
        post.edited_at = datetime.now(UTC)
        post.edits = [*versions, version(post, source)]
        await post.save(
            update_fields=[
                "content",
                "summary",
                "sensitive",
                "language",
                "tags",
                "edited_at",
                "edits",
            ]
        )
        mentioned = mentions
        if mentioned is None:
            hrefs = [
                t["href"] for t in post.tags if isinstance(t, dict) and t.get("type") == "Mention"
            ]
            mentioned = list(await Actor.filter(uri__in=hrefs)) if hrefs else []
        activity_id = new_id()
        doc = wrap_activity(
            activity_url(settings, activity_id),
            "Update",
            member,
            object_document(post, member, with_context=False),
            to=list(post.to),
            cc=list(post.cc),
            published=iso(post.edited_at),
        )
        await publish(
            settings,
            member,
            doc,
            await recipients_for(post, member, mentioned),
            activity_id=activity_id,
        )
        if post.space_id:
            from spaces.relay import relay_activity_to_space

            await relay_activity_to_space(settings, post, doc)
        after.add(lambda: surface_edit(post, member))
    return post


async def surface_edit(post: Post, author: Actor) -> None:
    """What an edit tells, local or inbound (the inbox's Update calls this too): open streams,
    those who liked or boosted the post, and members the new text names for the first time."""
    surface.status_updated(post)
    await _notify_interacted(post, author)
    await surface.notify_mentioned(post, author)


async def _notify_interacted(post: Post, author: Actor) -> None:
    """Mastodon tells those who boosted or favourited a post that it changed."""
    from outbox.surface import notify

    actor_ids = set(await Like.filter(post=post).values_list("actor_id", flat=True))
    actor_ids |= set(await Announce.filter(post=post).values_list("actor_id", flat=True))
    if not actor_ids:
        return
    for actor in await Actor.filter(id__in=actor_ids, local=True):
        await notify(actor, "update", author, post)
