"""Pinning a post to a member's profile: one action each way, the rule in `outbox.choices`.

The pin is the post's `pinned` flag (the API's `pinned`, `pinned=true` on the account's
statuses, the actor's `featured` collection). Only the author pins, only public and unlisted
posts, at most `PIN_LIMIT`; the count is read inside the action's transaction.
"""

from __future__ import annotations

from federation.errors import Unprocessable
from outbox.choices import pin_refusal
from outbox.commit import action
from storage.models import Actor, Post


async def pin(member: Actor, post: Post) -> Post:
    async with action():
        count = await Post.filter(actor=member, pinned=True, deleted_at=None).count()
        reason = pin_refusal(
            own=post.actor_id == member.id,  # type: ignore[attr-defined]
            visibility=post.visibility,
            pinned_count=count,
            already_pinned=post.pinned,
        )
        if reason is not None:
            raise Unprocessable(reason)
        if not post.pinned:
            post.pinned = True
            await post.save(update_fields=["pinned"])
    return post


async def unpin(member: Actor, post: Post) -> Post:
    """Unpinning someone else's post is refused like pinning it; an unpinned post is no error."""
    if post.actor_id != member.id:  # type: ignore[attr-defined]
        raise Unprocessable("Validation failed: You can only pin your own posts")
    async with action():
        if post.pinned:
            post.pinned = False
            await post.save(update_fields=["pinned"])
    return post
