"""Threads: which thread a post is in (its root), and the threads members mute.

A muted thread silences notifications from it (`outbox.surface.notify` asks `thread_muted`),
as Mastodon's conversation mute does; the status entity's `muted` says so. A thread is named by
its root's URI, found by walking `in_reply_to_uri` through the posts we store, one query per
level for a whole page of posts (`roots`); the pure `outbox.choices.thread_root` decides.
"""

from __future__ import annotations

from collections.abc import Iterable

from outbox.choices import MAX_THREAD_DEPTH, thread_root
from outbox.commit import action
from storage.models import Actor, ConversationMute, Post


async def roots(posts: Iterable[Post]) -> dict[int, str]:
    """Each post's thread root URI, by post id."""
    posts = list(posts)
    parents: dict[str, str | None] = {p.uri: p.in_reply_to_uri for p in posts}
    frontier = {p.in_reply_to_uri for p in posts if p.in_reply_to_uri} - parents.keys()
    for _ in range(MAX_THREAD_DEPTH):
        if not frontier:
            break
        found = await Post.filter(uri__in=list(frontier)).values_list("uri", "in_reply_to_uri")
        for uri, parent in found:
            parents[uri] = parent
        for uri in frontier:
            parents.setdefault(uri, None)  # not stored here: the root as far as we know
        frontier = {parent for _, parent in found if parent} - parents.keys()
    return {p.id: thread_root(p.uri, parents) for p in posts}


async def root_of(post: Post) -> str:
    return (await roots([post]))[post.id]


async def muted_posts(posts: Iterable[Post], member: Actor | None) -> set[int]:
    """The ids of the posts, among `posts`, whose thread `member` muted."""
    if member is None or not await ConversationMute.exists(actor=member):
        return set()
    posts = list(posts)
    muted = set(await ConversationMute.filter(actor=member).values_list("root_uri", flat=True))
    return {pid for pid, root in (await roots(posts)).items() if root in muted}


async def thread_muted(member: Actor, post: Post) -> bool:
    return bool(await muted_posts([post], member))


async def mute_thread(member: Actor, post: Post) -> None:
    """`member` hears nothing more from the thread `post` is in (the post is visible to them:
    the door asked)."""
    root = await root_of(post)
    async with action():
        await ConversationMute.get_or_create(actor=member, root_uri=root)


async def unmute_thread(member: Actor, post: Post) -> None:
    root = await root_of(post)
    async with action():
        await ConversationMute.filter(actor=member, root_uri=root).delete()
