"""The outbox collection: what a local actor has published for everyone; and its `featured`
collection, the posts a member pinned (Mastodon's pinned posts, as other servers read them)."""

from __future__ import annotations

from typing import Any

from actors.collections import PAGE_SIZE
from actors.documents import iso
from outbox.documents import object_document, wrap_activity
from storage.models import Activity, Actor, Announce, Post

OUTBOX_VISIBILITIES = ("public", "unlisted")


def _outbox_query(actor: Actor):
    return Post.filter(actor=actor, visibility__in=OUTBOX_VISIBILITIES, deleted_at=None, local=True)


def _announces_query(space: Actor):
    """A public space's outbox is the Announces it delivered, under their real ids."""
    if space.private:
        return Announce.filter(id=-1)
    return Announce.filter(
        actor=space,
        uri__isnull=False,
        post__visibility__in=OUTBOX_VISIBILITIES,
        post__deleted_at=None,
    )


async def outbox_count(actor: Actor) -> int:
    if actor.type == "Group":
        return await _announces_query(actor).count()
    return await _outbox_query(actor).count()


async def outbox_items(actor: Actor, page: int) -> list[dict[str, Any]]:
    if actor.type == "Group":
        return await _space_items(actor, page)
    posts = (
        await _outbox_query(actor)
        .order_by("-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .prefetch_related("actor")
    )
    items = []
    for post in posts:
        note = object_document(post, post.actor, with_context=False)
        item = wrap_activity(
            f"{post.uri}/activity",
            "Create",
            actor,
            note,
            to=note["to"],
            cc=note["cc"],
            published=iso(post.published),
        )
        item.pop("@context", None)
        items.append(item)
    return items


async def _space_items(space: Actor, page: int) -> list[dict[str, Any]]:
    uris = (
        await _announces_query(space)
        .order_by("-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .values_list("uri", flat=True)
    )
    stored = {row.uri: row.document for row in await Activity.filter(uri__in=uris, local=True)}
    items = []
    for uri in uris:
        doc = stored.get(uri)
        if isinstance(doc, dict):
            items.append({k: v for k, v in doc.items() if k != "@context"})
    return items


async def featured_items(actor: Actor) -> list[dict[str, Any]]:
    """The member's pinned posts as objects, newest first: only public and unlisted ones are
    pinnable (`outbox.choices.PINNABLE`), so nothing here is more than the outbox shows."""
    posts = await _outbox_query(actor).filter(pinned=True).order_by("-id").limit(PAGE_SIZE)
    return [object_document(post, actor, with_context=False) for post in posts]
