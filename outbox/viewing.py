"""Asking `outbox.visibility.may_see` for the client API: one post, or a page of them at once.

A timeline page holds up to 40 posts; the facts `may_see` needs (which authors and spaces the
viewer follows, which spaces are private) are gathered in two queries for the whole page
rather than per post, and then each post is decided by the same pure function.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from federation.errors import NotFound
from outbox.reading import local_requester, space_is_private, subject_of
from outbox.visibility import ANONYMOUS, Requester, RequesterKind, Subject, may_see
from storage.ids import parse_id
from storage.models import Actor, Follow, Post


async def may_view(post: Post, viewer: Actor | None) -> bool:
    subject = subject_of(post, await space_is_private(post))
    return may_see(subject, await local_requester(post, viewer))


async def may_have_viewed(post: Post, viewer: Actor | None) -> bool:
    """Could the viewer see the post before it was deleted? A delete event goes exactly where
    the post itself would have gone; asking `may_view` of a deleted post always says no."""
    subject = replace(subject_of(post, await space_is_private(post)), deleted=False)
    return may_see(subject, await local_requester(post, viewer))


async def visible_post(post_id: str | int, viewer: Actor | None) -> Post:
    """The post, or 404 whether it does not exist or the viewer may not see it (no oracle)."""
    number = parse_id(post_id, Post)
    post = None if number is None else await Post.get_or_none(id=number)
    if post is None or not await may_view(post, viewer):
        raise NotFound("Record not found")
    return post


@dataclass(frozen=True)
class PageFacts:
    private_spaces: frozenset[int]
    followed: frozenset[int]  # authors and spaces the viewer follows (accepted)


async def page_facts(posts: Iterable[Post], viewer: Actor | None) -> PageFacts:
    posts = list(posts)
    space_ids = {p.space_id for p in posts if p.space_id is not None}
    private: frozenset[int] = frozenset()
    if space_ids:
        private = frozenset(
            await Actor.filter(id__in=space_ids, private=True).values_list("id", flat=True)
        )
    followed: frozenset[int] = frozenset()
    if viewer is not None and posts:
        targets = {p.actor_id for p in posts} | space_ids
        followed = frozenset(
            await Follow.filter(follower=viewer, accepted=True, target_id__in=targets).values_list(
                "target_id", flat=True
            )
        )
    return PageFacts(private_spaces=private, followed=followed)


def requester_for(post: Post, viewer: Actor | None, facts: PageFacts) -> Requester:
    if viewer is None:
        return ANONYMOUS
    mentioned = {t.get("href") for t in post.tags if isinstance(t, dict)}
    return Requester(
        kind=RequesterKind.LOCAL,
        actor_id=viewer.id,
        is_author=viewer.id == post.actor_id,
        follows_author=post.actor_id in facts.followed,
        member_of_space=post.space_id is not None and post.space_id in facts.followed,
        addressed=viewer.uri in post.to or viewer.uri in post.cc or viewer.uri in mentioned,
    )


def subject_for(post: Post, facts: PageFacts) -> Subject:
    return subject_of(post, post.space_id in facts.private_spaces)


async def visible_posts(posts: Iterable[Post], viewer: Actor | None) -> list[Post]:
    posts = list(posts)
    facts = await page_facts(posts, viewer)
    return [p for p in posts if may_see(subject_for(p, facts), requester_for(p, viewer, facts))]
