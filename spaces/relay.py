"""A public space relays its members' posts (FEP-1b12): the Group announces them to followers.

A private space announces its members' posts to its members only: the `Announce` row is what
their home timelines show (the space's boost, as Mastodon shows a group's posts), with no id
to dereference and no delivery; nothing leaves the instance.
"""

from __future__ import annotations

from typing import Any

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import PUBLIC
from outbox.audience import remote_followers
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.publish import publish
from spaces.destination import posting_refusal_for
from storage.models import Actor, Announce, Post


async def may_post_in(space: Actor, author: Actor) -> bool:
    """Members post; in a space restricted to moderators only moderators' posts are relayed,
    and an archived space relays nothing (`spaces.space_rules.posting_refusal`)."""
    return await posting_refusal_for(space, author) is None


async def relay_to_space(settings: Settings, post: Post) -> None:
    """The space announces a member's post once. Called inside the action that stores the post
    (local or inbound), so the post, the `Announce` and its deliveries commit together; alone,
    the `Announce` and its deliveries still commit together. A private space's `Announce` is
    a row for its members' home timelines only: no id, no activity, no delivery."""
    space = await Actor.get_or_none(id=post.space_id, local=True, type="Group")
    if space is None or space.suspended_at is not None:
        return
    author = await post.actor
    if not await may_post_in(space, author):
        return
    async with action():
        if await Announce.exists(actor=space, post=post):
            return
        if space.private:
            await Announce.create(actor=space, post=post, uri=None)
            return
        if post.visibility not in ("public", "unlisted"):
            return  # a public space announces to the world: never a followers-only post
        activity_id = new_id()
        uri = activity_url(settings, activity_id)
        await Announce.create(actor=space, post=post, uri=uri)
        doc = wrap_activity(
            uri,
            "Announce",
            space,
            post.uri,
            to=[PUBLIC],
            cc=[space.followers_url or f"{space.uri}/followers"],
            extra={"audience": space.uri},
        )
        recipients = [a for a in await remote_followers(space) if a.id != author.id]
        await publish(settings, space, doc, recipients, activity_id=activity_id)


async def relay_activity_to_space(settings: Settings, post: Post, activity: dict[str, Any]) -> None:
    """Likes, edits and deletes of a relayed post are announced too (the activity embedded)."""
    space = await Actor.get_or_none(id=post.space_id, local=True, type="Group")
    if space is None or space.private:
        return
    activity_id = new_id()
    inner = {k: v for k, v in activity.items() if k != "@context"}
    doc = wrap_activity(
        activity_url(settings, activity_id),
        "Announce",
        space,
        inner,
        to=[PUBLIC],
        cc=[f"{space.uri}/followers"],
        extra={"audience": space.uri},
    )
    await publish(settings, space, doc, await remote_followers(space), activity_id=activity_id)
