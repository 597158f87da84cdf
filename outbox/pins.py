"""Pinning a post to a member's profile: one action each way, the rule in `outbox.choices`.

The pin is the post's `pinned` flag (the API's `pinned`, `pinned=true` on the account's
statuses, the actor's `featured` collection). Only the author pins, only public and unlisted
posts, at most `PIN_LIMIT`; the count is read inside the action's transaction. Other servers
hear of it as Mastodon tells them: an `Add` (or `Remove`) of the post to (from) the featured
collection, delivered to the member's remote followers with the change.
"""

from __future__ import annotations

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import PUBLIC
from federation.errors import Unprocessable
from outbox.audience import remote_followers
from outbox.choices import pin_refusal
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.publish import publish
from storage.models import Actor, Post


async def _announce(settings: Settings, member: Actor, post: Post, kind: str) -> None:
    """`Add` or `Remove` the post in the member's featured collection, to their followers."""
    activity_id = new_id()
    doc = wrap_activity(
        activity_url(settings, activity_id),
        kind,
        member,
        post.uri,
        to=[PUBLIC],
        cc=[member.followers_url or f"{member.uri}/followers"],
        extra={"target": f"{member.uri}/collections/featured"},
    )
    await publish(settings, member, doc, await remote_followers(member), activity_id=activity_id)


async def pin(settings: Settings, member: Actor, post: Post) -> Post:
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
            await _announce(settings, member, post, "Add")
    return post


async def unpin(settings: Settings, member: Actor, post: Post) -> Post:
    """Unpinning someone else's post is refused like pinning it; an unpinned post is no error."""
    if post.actor_id != member.id:  # type: ignore[attr-defined]
        raise Unprocessable("Validation failed: You can only pin your own posts")
    async with action():
        if post.pinned:
            post.pinned = False
            await post.save(update_fields=["pinned"])
            await _announce(settings, member, post, "Remove")
    return post
