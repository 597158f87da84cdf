"""The outbox collection: what a local actor has published for everyone."""

from __future__ import annotations

from typing import Any

from actors.collections import PAGE_SIZE
from actors.documents import iso
from outbox.documents import object_document, wrap_activity
from storage.models import Actor, Post

OUTBOX_VISIBILITIES = ("public", "unlisted")


def _outbox_query(actor: Actor):
    if actor.type == "Group":
        if actor.private:
            return Post.filter(id=-1)
        return Post.filter(space=actor, visibility__in=OUTBOX_VISIBILITIES, deleted_at=None)
    return Post.filter(actor=actor, visibility__in=OUTBOX_VISIBILITIES, deleted_at=None, local=True)


async def outbox_count(actor: Actor) -> int:
    return await _outbox_query(actor).count()


async def outbox_items(actor: Actor, page: int) -> list[dict[str, Any]]:
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
        kind = "Announce" if actor.type == "Group" else "Create"
        obj: Any = note if kind == "Create" else post.uri
        items.append(
            wrap_activity(
                f"{post.uri}/activity" if kind == "Create" else f"{post.uri}/announce",
                kind,
                actor,
                obj,
                to=note["to"],
                cc=note["cc"],
                published=iso(post.published),
            )
        )
    for item in items:
        item.pop("@context", None)
    return items
