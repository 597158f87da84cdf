"""Mastodon's Status entity for stored posts and boosts, a whole page at a time.

Every related fact (authors, counts, the viewer's favourites/boosts/bookmarks, parents,
attachments, mentioned accounts) is read with one query per kind for the page, never per
status: a 40-status page costs a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from actors.documents import iso
from actors.existence import knowledge, not_in_hidden_spaces
from baraza.services import settings
from clientapi.accounts.account_entity import account
from clientapi.filters.results import filtered
from clientapi.polls.polls import poll_entity
from clientapi.statuses.boost_ids import boost_status_id
from federation.attachments import attachment_kind
from outbox.content_filters import Outcome
from outbox.filtering import outcomes
from outbox.threads import muted_posts
from storage.models import Actor, Announce, Bookmark, Like, MediaAttachment, Post

# Stored visibility -> Mastodon's: followers-only is `private`; a space post is not public.
VISIBILITY = {
    "public": "public",
    "unlisted": "unlisted",
    "followers": "private",
    "direct": "direct",
    "space": "private",
}


def mastodon_visibility(stored: str) -> str:
    return VISIBILITY.get(stored, "private")


def media_type_kind(content_type: str) -> str:
    """Mastodon's attachment `type`: image, gifv, video, audio or unknown (documents)."""
    major = content_type.split("/", 1)[0]
    return {"image": "image", "video": "video", "audio": "audio"}.get(major, "unknown")


def media_url(sha256: str) -> str:
    return settings().url(f"/media/{sha256}")


def attachment_entity(media: MediaAttachment) -> dict[str, Any]:
    url = media_url(media.sha256)
    return {
        "id": str(media.id),
        "type": media_type_kind(media.content_type),
        "url": url,
        "preview_url": url,
        "remote_url": None,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {},
        "description": media.description or None,
        "blurhash": None,
    }


def remote_kind(doc: dict[str, Any]) -> str | None:
    """Stored at ingest since the AS type counts too; posts stored before that are asked
    again (`federation.attachments`)."""
    if isinstance(doc.get("kind"), str):
        return doc["kind"]
    url = doc.get("url") if isinstance(doc.get("url"), str) else None
    media_type = doc.get("mediaType") if isinstance(doc.get("mediaType"), str) else None
    return attachment_kind(doc.get("type"), media_type, url)


def remote_attachment_entity(post_id: int, index: int, doc: dict[str, Any]) -> dict[str, Any]:
    url = doc.get("url") if isinstance(doc.get("url"), str) else None
    return {
        "id": f"{post_id}{index:02d}",
        "type": remote_kind(doc),
        "url": url,
        "preview_url": url,
        "remote_url": url,
        "preview_remote_url": None,
        "text_url": None,
        "meta": {},
        "description": doc.get("name"),
        "blurhash": None,
    }


def tag_entities(tags: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    base = settings().base_url
    out = []
    seen: set[str] = set()
    for tag in tags:
        if tag.get("type") == "Hashtag" and isinstance(tag.get("name"), str):
            name = tag["name"].lstrip("#")
            if name and name.lower() not in seen:
                seen.add(name.lower())
                out.append({"name": name, "url": f"{base}/tags/{name.lower()}"})
    return out


@dataclass
class PageData:
    """Everything the statuses of one page refer to, read in bulk."""

    viewer: Actor | None
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)
    actors_by_uri: dict[str, Actor] = field(default_factory=dict)
    favourites: Counter = field(default_factory=Counter)
    reblogs: Counter = field(default_factory=Counter)
    replies: Counter = field(default_factory=Counter)
    favourited: set[int] = field(default_factory=set)
    reblogged: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    muted: set[int] = field(default_factory=set)  # in a thread the viewer muted
    parents: dict[str, tuple[int, int]] = field(default_factory=dict)
    media: dict[int, list[MediaAttachment]] = field(default_factory=dict)
    filters: dict[int, Outcome] = field(default_factory=dict)  # the viewer's filter matches


async def _load(posts: list[Post], boosts: list[Announce], viewer: Actor | None) -> PageData:
    data = PageData(viewer=viewer)
    ids = [p.id for p in posts]
    mention_uris = {
        t["href"]
        for p in posts
        for t in p.tags
        if isinstance(t, dict) and t.get("type") == "Mention" and isinstance(t.get("href"), str)
    }
    actor_ids = {p.actor_id for p in posts} | {b.actor_id for b in boosts}
    actors = await Actor.filter(id__in=actor_ids) if actor_ids else []
    known = await knowledge(viewer)
    if mention_uris:
        # A private space named in a post is no mention to whoever may not know it.
        for actor in known.visible(await Actor.filter(uri__in=mention_uris)):
            data.actors_by_uri[actor.uri] = actor
    for actor in actors:
        data.accounts[actor.id] = await account(actor, with_counts=False)
    if not ids:
        return data
    data.filters = await outcomes(posts, viewer, None)
    data.favourites = Counter(await Like.filter(post_id__in=ids).values_list("post_id", flat=True))
    data.reblogs = Counter(await Announce.filter(post_id__in=ids).values_list("post_id", flat=True))
    uris = [p.uri for p in posts]
    # Replies inside a private space count only for those who may know the space.
    data.replies = Counter(
        await Post.filter(
            not_in_hidden_spaces(known.hidden), in_reply_to_uri__in=uris, deleted_at=None
        ).values_list("in_reply_to_uri", flat=True)
    )
    if viewer is not None:
        data.favourited = set(
            await Like.filter(actor=viewer, post_id__in=ids).values_list("post_id", flat=True)
        )
        data.reblogged = set(
            await Announce.filter(actor=viewer, post_id__in=ids).values_list("post_id", flat=True)
        )
        data.bookmarked = set(
            await Bookmark.filter(actor=viewer, post_id__in=ids).values_list("post_id", flat=True)
        )
        data.muted = await muted_posts(posts, viewer)
    parent_uris = {p.in_reply_to_uri for p in posts if p.in_reply_to_uri}
    if parent_uris:
        for uri, pid, aid in await Post.filter(uri__in=parent_uris).values_list(
            "uri", "id", "actor_id"
        ):
            data.parents[uri] = (pid, aid)
    local_ids = [p.id for p in posts if p.local]
    if local_ids:
        for media in await MediaAttachment.filter(post_id__in=local_ids).order_by("id"):
            data.media.setdefault(media.post_id, []).append(media)  # type: ignore[attr-defined]
    return data


def _mention_entities(post: Post, data: PageData) -> list[dict[str, Any]]:
    out = []
    named: set[int] = set()
    for tag in post.tags:
        if not isinstance(tag, dict) or tag.get("type") != "Mention":
            continue
        actor = data.actors_by_uri.get(tag.get("href") or "")
        if actor is None or actor.id in named:
            continue  # unknown, or already listed: a peer may tag one person twice
        named.add(actor.id)
        out.append(
            {
                "id": str(actor.id),
                "username": actor.username,
                "url": actor.url or actor.uri,
                "acct": actor.username if actor.local else actor.acct,
            }
        )
    return out


def _post_entity(post: Post, data: PageData) -> dict[str, Any]:
    parent = data.parents.get(post.in_reply_to_uri or "")
    if post.local:
        attachments = [attachment_entity(m) for m in data.media.get(post.id, [])]
    else:
        # A link or an unusable target is not media (links are in the content).
        attachments = [
            remote_attachment_entity(post.id, i, a)
            for i, a in enumerate(post.attachments)
            if isinstance(a, dict) and remote_kind(a) not in (None, "link")
        ]
    entity: dict[str, Any] = {
        "id": str(post.id),
        "uri": post.uri,
        "url": post.url or post.uri,
        "created_at": iso(post.published),
        "account": data.accounts[post.actor_id],
        "content": post.content,
        "spoiler_text": post.summary or "",
        "visibility": mastodon_visibility(post.visibility),
        "sensitive": post.sensitive,
        "language": post.language,
        "in_reply_to_id": str(parent[0]) if parent else None,
        "in_reply_to_account_id": str(parent[1]) if parent else None,
        "reblog": None,
        "media_attachments": attachments,
        "mentions": _mention_entities(post, data),
        "tags": tag_entities(post.tags),
        "emojis": [],
        "favourites_count": data.favourites[post.id],
        "reblogs_count": data.reblogs[post.id],
        "replies_count": data.replies[post.uri],
        "edited_at": iso(post.edited_at),
        "poll": poll_entity(post, data.viewer),
        "card": None,
        "application": None,
        "filtered": filtered(data.filters.get(post.id)),
    }
    if data.viewer is not None:
        entity.update(
            favourited=post.id in data.favourited,
            reblogged=post.id in data.reblogged,
            bookmarked=post.id in data.bookmarked,
            muted=post.id in data.muted,
        )
        if post.actor_id == data.viewer.id:
            entity["pinned"] = post.pinned
    return entity


def _boost_entity(boost: Announce, inner: dict[str, Any], data: PageData) -> dict[str, Any]:
    entity = {
        **inner,
        "id": str(boost_status_id(boost.created_at, boost.id)),
        "uri": boost.uri or inner["uri"],
        "url": None,
        "created_at": iso(boost.created_at),
        "account": data.accounts[boost.actor_id],
        "content": "",
        "spoiler_text": "",
        # A private space's boost of its member's post is as private as the post itself.
        "visibility": "public" if inner["visibility"] in ("public", "unlisted") else "private",
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": inner,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "edited_at": None,
    }
    entity.pop("pinned", None)
    return entity


async def statuses(items: Iterable[Post | Announce], viewer: Actor | None) -> list[dict[str, Any]]:
    """Entities for posts and boosts, in the order given. Boosts must have `post` fetched."""
    items = list(items)
    boosts = [i for i in items if isinstance(i, Announce)]
    posts = {p.id: p for p in items if isinstance(p, Post)}
    for boost in boosts:
        posts.setdefault(boost.post.id, boost.post)
    data = await _load(list(posts.values()), boosts, viewer)
    out = []
    for item in items:
        if isinstance(item, Announce):
            out.append(_boost_entity(item, _post_entity(posts[item.post.id], data), data))
        else:
            out.append(_post_entity(item, data))
    return out


async def status(item: Post | Announce, viewer: Actor | None) -> dict[str, Any]:
    return (await statuses([item], viewer))[0]
