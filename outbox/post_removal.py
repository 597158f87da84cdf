"""A moderator takes one post down, whoever wrote it: the console's "remove the reported post".

A local post goes the way its author's own delete goes (`outbox.actions.tombstone_post`): the
tombstone and a `Delete` signed by the author, to everyone the post reached, so peers drop it
as they would had the author deleted it. A remote post cannot be deleted at its origin; here it
is marked deleted, so no timeline, search, thread, stream or API read shows it again, while its
stored content stays for the report that named it; if a public space of ours relayed it, the
space announces the removal to its followers. Both are one action with their audit entry.
"""

from __future__ import annotations

from datetime import UTC, datetime

from baraza.settings import Settings
from federation.domain_blocks import audit
from outbox import surface
from outbox.account_actions import Acting, role_of
from outbox.actions import tombstone_post
from outbox.commit import action
from storage.models import Actor, Post


class RemovalError(ValueError):
    """A removal that is refused; the message says why."""


def removal_refusal(acting: Acting, author: Actor) -> str | None:
    """Pure: why `acting` may not remove a post by `author`, or None when they may. As with
    account actions, a moderator acts on members' posts only, never on staff's."""
    if acting.role == "member":
        return "only admins and moderators remove posts"
    if acting.role == "moderator" and author.local and role_of(author) != "member":
        return "moderators remove members' posts only"
    return None


async def remove_post(settings: Settings, acting: Acting, post: Post, reason: str = "") -> bool:
    """Take `post` down; False when it was already gone (nothing sent, nothing audited)."""
    author = await Actor.get(id=post.actor_id)
    problem = removal_refusal(acting, author)
    if problem is not None:
        raise RemovalError(problem)
    if post.deleted_at is not None:
        return False
    async with action() as after:
        if post.local:
            removed = await tombstone_post(settings, author, post)
        else:
            now = datetime.now(UTC)
            removed = bool(await Post.filter(id=post.id, deleted_at=None).update(deleted_at=now))
            if removed:
                post.deleted_at = now
                await _out_of_local_space(settings, acting, post)
                after.add(lambda: surface.status_deleted(post))
        if removed:
            await audit(acting.who, "post.remove", post.uri, reason)
    return removed


async def _out_of_local_space(settings: Settings, acting: Acting, post: Post) -> None:
    """A remote post a public space of ours relayed is in its followers' timelines elsewhere:
    the space announces the removal as it does its own moderators' (FEP-1b12)."""
    if post.space_id is None:
        return
    space = await Actor.get_or_none(id=post.space_id, local=True)
    if space is None:
        return
    from spaces.moderation import take_out_of_space

    remover = await Actor.get_or_none(id=acting.actor_id) if acting.actor_id else None
    await take_out_of_space(settings, remover or space, space, post)
