"""What a post looks like on a page: one `Card` per post or boost, with what the reader did
to it (liked, boosted, bookmarked) and what they may do (delete their own, boost a boostable
one). Cards are built only from posts the core already let through (`visible_posts`): this
module decides nothing about who sees what."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from outbox.interactions import may_boost
from outbox.polls import expired
from storage.models import Actor, Announce, Bookmark, Like, Post


@dataclass
class Card:
    """One post as a page shows it; `booster` when it reached the reader as a boost."""

    post: Post
    author: Actor
    booster: Actor | None = None
    space: Actor | None = None
    liked: bool = False
    boosted: bool = False
    bookmarked: bool = False
    own: bool = False
    boostable: bool = False
    images: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    poll_open: bool = False
    voted: bool = False
    totals_shown: bool = True

    @property
    def link(self) -> str:
        """The post's page here: its canonical URL for a local author, else by id."""
        if self.author.local:
            return f"/@{self.author.username}/{self.post.id}"
        return f"/posts/{self.post.id}"


def profile_link(actor: Actor) -> str:
    """Where a name links: this server's profile page, or the remote profile."""
    if actor.local:
        return f"/@{actor.username}"
    return actor.url or actor.uri


def _attachments(post: Post) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    images, files = [], []
    for item in post.attachments or []:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        kind = str(item.get("mediaType") or "")
        entry = {"url": item["url"], "name": str(item.get("name") or ""), "type": kind}
        (images if kind.startswith("image/") or item.get("type") == "Image" else files).append(
            entry
        )
    return images, files


async def cards(items: list[Post | Announce], reader: Actor | None) -> list[Card]:
    """Cards for `items` (posts, or boosts of posts), in order, with the reader's marks."""
    posts = [i.post if isinstance(i, Announce) else i for i in items]
    ids = [p.id for p in posts]
    liked: set[int] = set()
    boosted: set[int] = set()
    marked: set[int] = set()
    if reader is not None and ids:
        liked = set(
            await Like.filter(actor=reader, post_id__in=ids).values_list("post_id", flat=True)
        )
        boosted = set(
            await Announce.filter(actor=reader, post_id__in=ids).values_list("post_id", flat=True)
        )
        marked = set(
            await Bookmark.filter(actor=reader, post_id__in=ids).values_list("post_id", flat=True)
        )
    people = {
        a.id: a
        for a in await Actor.filter(
            id__in={p.actor_id for p in posts} | {p.space_id for p in posts if p.space_id}
        )
    }
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    out = []
    for item, post in zip(items, posts, strict=True):
        images, files = _attachments(post)
        poll = post.poll if isinstance(post.poll, dict) else {}
        poll_open = bool(poll) and not expired(poll, now)
        voted = reader is not None and reader.uri in poll.get("votes", {})
        own = reader is not None and post.actor_id == reader.id
        booster = None
        if isinstance(item, Announce):
            booster = item.actor if isinstance(item.actor, Actor) else await item.actor
        out.append(
            Card(
                post=post,
                author=people[post.actor_id],
                booster=booster,
                space=people.get(post.space_id) if post.space_id else None,
                liked=post.id in liked,
                boosted=post.id in boosted,
                bookmarked=post.id in marked,
                own=own,
                boostable=may_boost(post.visibility),
                images=images,
                files=files,
                poll_open=poll_open,
                voted=voted,
                totals_shown=not (poll_open and poll.get("hide_totals")) or voted or own,
            )
        )
    return out
