"""Following a hashtag: its public posts join the member's home timeline (Mastodon 4.0)."""

from __future__ import annotations

from typing import Any

from federation.errors import NotFound
from outbox.choices import tag_name
from outbox.commit import action
from storage.models import Actor, FollowedTag, Post


def valid_tag(value: object) -> str:
    """The tag's stored name; a name no hashtag can have is simply not found (Mastodon)."""
    name = tag_name(value)
    if name is None:
        raise NotFound("Record not found")
    return name


async def follow_tag(member: Actor, value: object) -> str:
    name = valid_tag(value)
    async with action():
        await FollowedTag.get_or_create(actor=member, name=name)
    return name


async def unfollow_tag(member: Actor, value: object) -> str:
    name = valid_tag(value)
    async with action():
        await FollowedTag.filter(actor=member, name=name).delete()
    return name


async def followed_tags(member: Actor | None) -> list[str]:
    if member is None:
        return []
    return list(await FollowedTag.filter(actor=member).values_list("name", flat=True))


def has_tag(post: Post, names: set[str]) -> bool:
    """Does the post carry one of the hashtags `names` (stored names)?"""
    return any(_hashtag(t) in names for t in post.tags)


def _hashtag(tag: Any) -> str | None:
    if isinstance(tag, dict) and tag.get("type") == "Hashtag":
        return tag_name(tag.get("name"))
    return None
