"""Gathering the facts `outbox.visibility.may_see` needs about a requester and a post."""

from __future__ import annotations

from federation.activities import host_of
from outbox.visibility import ANONYMOUS, Requester, RequesterKind, Subject
from storage.models import Actor, Follow, Post


def subject_of(post: Post, space_private: bool) -> Subject:
    return Subject(
        visibility=post.visibility,
        author_id=post.actor_id,
        space_private=space_private,
        deleted=post.deleted_at is not None,
    )


async def space_is_private(post: Post) -> bool:
    if post.space_id is None:
        return False
    space = await Actor.get_or_none(id=post.space_id)
    return bool(space and space.private)


def _addressed(post: Post, uri: str) -> bool:
    mentioned = {t.get("href") for t in post.tags if isinstance(t, dict)}
    return uri in post.to or uri in post.cc or uri in mentioned


async def local_requester(post: Post, member: Actor | None) -> Requester:
    if member is None:
        return ANONYMOUS
    member_of_space = False
    if post.space_id is not None:
        member_of_space = await Follow.exists(
            follower=member, target_id=post.space_id, accepted=True
        )
    return Requester(
        kind=RequesterKind.LOCAL,
        actor_id=member.id,
        is_author=member.id == post.actor_id,
        follows_author=await Follow.exists(follower=member, target_id=post.actor_id, accepted=True),
        member_of_space=member_of_space,
        addressed=_addressed(post, member.uri),
    )


async def remote_requester(post: Post, remote: Actor | None) -> Requester:
    """A signed fetch speaks for its server: it may see what any of its followers may see."""
    if remote is None:
        return ANONYMOUS
    host = host_of(remote.uri)
    followers = await Follow.filter(
        target_id=post.actor_id, accepted=True, follower__domain=host
    ).values_list("follower__uri", flat=True)
    return Requester(
        kind=RequesterKind.REMOTE,
        actor_id=remote.id,
        follows_author=bool(followers),
        addressed=_addressed(post, remote.uri) or any(_addressed(post, f) for f in followers),
    )
