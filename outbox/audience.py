"""Who a local activity is addressed to, and which actors must receive it.

`addressing` is pure (visibility -> to/cc, Mastodon's convention); `recipients_for` gathers the
actors from storage. Content of a private space gets no remote recipient, whatever it names:
that rule lives in `outbox.visibility.may_deliver_remotely` and is applied here, once.
"""

from __future__ import annotations

from dataclasses import dataclass

from federation.activities import PUBLIC
from outbox.fanout import Recipient
from outbox.visibility import Subject, may_deliver_remotely
from storage.models import Actor, Follow, Post

VISIBILITIES = ("public", "unlisted", "private", "direct")


@dataclass(frozen=True)
class Addressing:
    to: list[str]
    cc: list[str]


def addressing(
    visibility: str,
    followers_url: str,
    mentions: list[str],
    space: str | None = None,
    space_private: bool = False,
) -> Addressing:
    """to/cc for a post. Mastodon's `private` is our stored `followers`."""
    if space and space_private:
        return Addressing(to=[f"{space}/followers"], cc=[])
    extra = [space] if space else []
    if visibility == "public":
        return Addressing(to=[PUBLIC, *extra], cc=[followers_url, *mentions])
    if visibility == "unlisted":
        return Addressing(to=[followers_url, *extra], cc=[PUBLIC, *mentions])
    if visibility in ("private", "followers"):
        return Addressing(to=[followers_url, *extra], cc=list(mentions))
    return Addressing(to=list(mentions), cc=[])


def stored_visibility(visibility: str, space_private: bool) -> str:
    if space_private:
        return "space"
    return "followers" if visibility == "private" else visibility


async def remote_followers(actor: Actor) -> list[Actor]:
    """One joined query: a space or member with thousands of followers must not cost a
    follow row and a prefetched actor row each."""
    return list(
        await Actor.filter(
            following_rel__target_id=actor.id, following_rel__accepted=True, local=False
        )
    )


async def remote_follower_recipients(actor: Actor) -> list[Recipient]:
    """Only what delivery needs of each remote follower, read as plain values: building ten
    thousand `Actor` models (and parsing their dates) was most of the time a post to them
    took before its answer (fan-out profile, docs/performance.md)."""
    rows = await Follow.filter(
        target_id=actor.id, accepted=True, follower__local=False
    ).values_list(
        "follower__uri", "follower__inbox_url", "follower__shared_inbox_url", "follower__domain"
    )
    return [
        Recipient(uri=uri, inbox=inbox, shared_inbox=shared, host=domain)
        for uri, inbox, shared, domain in rows
    ]


async def recipients_for(
    post: Post, author: Actor, mentions: list[Actor]
) -> list[Actor | Recipient]:
    subject = Subject(
        visibility=post.visibility,
        author_id=author.id,
        space_private=bool(post.space_id and post.visibility == "space"),
    )
    if not may_deliver_remotely(subject):
        return []
    recipients: list[Actor | Recipient] = [m for m in mentions if not m.local]
    if post.visibility in ("public", "unlisted", "followers"):
        recipients += await remote_follower_recipients(author)
    if post.in_reply_to_uri:
        parent = await Post.get_or_none(uri=post.in_reply_to_uri).prefetch_related("actor")
        if parent is not None and not parent.actor.local:
            recipients.append(parent.actor)
    if post.space_id:
        space = await Actor.get(id=post.space_id)
        if not space.local:
            recipients.append(space)
    return recipients
