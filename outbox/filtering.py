"""The facts `outbox.content_filters.decide` needs, read once per page: a member's active
filters with their keywords and statuses, and each post's matchable text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from outbox.content_filters import Filterable, Keyword, Outcome, Rule, decide, status_text
from storage.models import Actor, ContentFilter, FilterKeyword, FilterStatus, MediaAttachment, Post

T = TypeVar("T")


async def load_rules(owner: Actor | None) -> list[Rule]:
    """The owner's filters, expired ones left out (they no longer apply anywhere)."""
    if owner is None:
        return []
    now = datetime.now(UTC)
    rows = [
        r
        for r in await ContentFilter.filter(owner=owner)
        if r.expires_at is None or r.expires_at > now
    ]
    if not rows:
        return []
    ids = [r.id for r in rows]
    keywords: dict[int, list[Keyword]] = {}
    for k in await FilterKeyword.filter(content_filter_id__in=ids).order_by("id"):
        keywords.setdefault(k.content_filter_id, []).append(  # type: ignore[attr-defined]
            Keyword(k.id, k.keyword, k.whole_word)
        )
    statuses: dict[int, set[int]] = {}
    for filter_id, post_id in await FilterStatus.filter(content_filter_id__in=ids).values_list(
        "content_filter_id", "post_id"
    ):
        statuses.setdefault(filter_id, set()).add(post_id)
    return [
        Rule(
            r.id,
            r.title,
            frozenset(r.context),
            r.action,
            r.expires_at,
            tuple(keywords.get(r.id, [])),
            frozenset(statuses.get(r.id, set())),
        )
        for r in rows
    ]


async def filterables(posts: Iterable[Post]) -> dict[int, Filterable]:
    """Each post's ids and text: content, content warning, poll options, media descriptions."""
    posts = list(posts)
    descriptions: dict[int, list[str]] = {}
    local = [p.id for p in posts if p.local]
    if local:
        for post_id, text in await MediaAttachment.filter(post_id__in=local).values_list(
            "post_id", "description"
        ):
            if text:
                descriptions.setdefault(post_id, []).append(text)
    out = {}
    for post in posts:
        poll = post.poll if isinstance(post.poll, dict) else {}
        options = [
            str(o.get("title") or "") for o in poll.get("options", []) if isinstance(o, dict)
        ]
        remote = [
            str(a.get("name") or "")
            for a in post.attachments
            if isinstance(a, dict) and not post.local
        ]
        text = status_text(
            post.content, post.summary, options, descriptions.get(post.id, []) + remote
        )
        out[post.id] = Filterable(frozenset({post.id}), text)
    return out


async def outcomes(
    posts: Iterable[Post], viewer: Actor | None, context: str | None
) -> dict[int, Outcome]:
    """For each post, the decision of the viewer's filters in `context` (empty: no filters)."""
    rules = await load_rules(viewer)
    if not rules:
        return {}
    now = datetime.now(UTC)
    return {
        post_id: decide(status, rules, context, now)
        for post_id, status in (await filterables(posts)).items()
    }


async def hidden_posts(posts: Iterable[Post], viewer: Actor | None, context: str) -> set[int]:
    """The ids of the posts a `hide` filter of the viewer drops in `context`."""
    return {i for i, o in (await outcomes(posts, viewer, context)).items() if o.hidden}


async def drop_hidden(items: list[T], viewer: Actor | None, context: str) -> list[T]:
    """`items` (posts, or boosts carrying their `post`) less those a `hide` filter of the
    viewer drops in `context`: the one place a door applies hide to what it lists."""
    if viewer is None or not items:
        return items

    def post_of(item: Any) -> Post:
        return item if isinstance(item, Post) else item.post

    hidden = await hidden_posts([post_of(i) for i in items], viewer, context)
    return [i for i in items if post_of(i).id not in hidden] if hidden else items
