"""Mastodon's Account entity for a local or remote actor (spaces appear with `group: true`)."""

from __future__ import annotations

from typing import Any

from actors.documents import iso
from actors.existence import Knowledge, knowledge
from baraza.services import settings
from storage.models import Actor, Follow, Post

DEFAULT_AVATAR = "/static/avatar.png"
DEFAULT_HEADER = "/static/header.png"


def acct_of(actor: Actor) -> str:
    """`name` for local accounts, `name@domain` for remote ones, as Mastodon does."""
    return actor.username if actor.local else f"{actor.username}@{actor.domain}"


async def account(
    actor: Actor,
    *,
    with_counts: bool = True,
    viewer: Actor | None = None,
    known: Knowledge | None = None,
) -> dict[str, Any]:
    """The entity as `viewer` may see it: anonymous unless given, which counts the least.

    `following_count` leaves out the private spaces `viewer` may not know, so a member's count
    does not tell an outsider that they belong to a space nobody else can see. A page of
    accounts passes `known` (the viewer's `knowledge`) gathered once for all of them.
    """
    base = settings().base_url
    avatar = actor.avatar_url or base + DEFAULT_AVATAR
    header = actor.header_url or base + DEFAULT_HEADER
    entity: dict[str, Any] = {
        "id": str(actor.id),
        "username": actor.username,
        "acct": acct_of(actor),
        "display_name": actor.display_name or actor.username,
        "locked": actor.manually_approves_followers,
        "bot": actor.type in ("Application", "Service"),
        "discoverable": actor.discoverable,
        "group": actor.type == "Group",
        "created_at": iso(actor.created_at),
        "note": actor.summary or "",
        "url": actor.url or actor.uri,
        "uri": actor.uri,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "followers_count": 0,
        "following_count": 0,
        "statuses_count": 0,
        "last_status_at": None,
        "emojis": [],
        "fields": [],
    }
    if actor.moved_to:
        entity["moved"] = None
    if with_counts:
        entity["followers_count"] = await Follow.filter(target=actor, accepted=True).count()
        following = Follow.filter(follower=actor, accepted=True)
        hidden = (known or await knowledge(viewer)).hidden
        if hidden:
            following = following.filter(target_id__not_in=hidden)
        entity["following_count"] = await following.count()
        posts = Post.filter(actor=actor, deleted_at=None, visibility__in=("public", "unlisted"))
        entity["statuses_count"] = await posts.count()
        last = await posts.order_by("-id").first()
        entity["last_status_at"] = last.published.date().isoformat() if last else None
    return entity


async def credential_account(actor: Actor) -> dict[str, Any]:
    """verify_credentials adds `source`: what the member edits in their settings."""
    entity = await account(actor, viewer=actor)
    entity["source"] = {
        "privacy": "public",
        "sensitive": False,
        "language": actor.language or "",
        "note": actor.summary or "",
        "fields": [],
        "follow_requests_count": await Follow.filter(target=actor, accepted=False).count(),
    }
    return entity
