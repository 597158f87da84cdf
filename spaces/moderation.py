"""What a space's moderators do: take a post out of the space, remove or ban a member.

Every action first checks that the actor is the space's owner or one of its moderators
(`SpaceRole`). In a public space each removal is told to the space's followers the FEP-1b12
way (the space announces the moderator's `Delete`, as Lemmy does) and, for servers that read
only Mastodon's dialect, the space also undoes its own `Announce` of the post. A private
space tells no one outside.
"""

from __future__ import annotations

from typing import Any

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import PUBLIC
from federation.errors import NotFound, Refused, Unprocessable
from outbox import surface
from outbox.audience import remote_followers
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.publish import publish
from outbox.replies import send_reject
from storage.models import Actor, Announce, Block, Follow, Post, SpaceRole


async def role_of(space: Actor, member: Actor | None) -> str | None:
    if member is None:
        return None
    role = await SpaceRole.get_or_none(space=space, member=member)
    return role.role if role else None


async def require_moderator(space: Actor, member: Actor) -> str:
    """403 unless `member` is the owner or a moderator of `space`."""
    role = await role_of(space, member)
    if role not in ("owner", "moderator"):
        raise Refused("only the space's moderators may do this")
    return role


def _followers(space: Actor) -> str:
    return space.followers_url or f"{space.uri}/followers"


async def _tell_followers(settings: Settings, space: Actor, kind: str, obj: Any) -> None:
    activity_id = new_id()
    doc = wrap_activity(
        activity_url(settings, activity_id),
        kind,
        space,
        obj,
        to=[PUBLIC],
        cc=[_followers(space)],
        extra={"audience": space.uri},
    )
    await publish(settings, space, doc, await remote_followers(space), activity_id=activity_id)


async def remove_post(settings: Settings, moderator: Actor, space: Actor, post: Post) -> None:
    """The post leaves the space: no longer on its timeline, no longer relayed."""
    await require_moderator(space, moderator)
    if post.space_id != space.id:
        raise NotFound("Record not found")
    await take_out_of_space(settings, moderator, space, post)


async def take_out_of_space(settings: Settings, remover: Actor, space: Actor, post: Post) -> None:
    """`remove_post` once the remover's authority is settled: the space's own moderator, or the
    server's staff removing a reported remote post (`outbox/post_removal.py`), whose `Delete`
    the space announces to its followers so their copies go too."""
    moderator = remover
    async with action():
        announce = await Announce.get_or_none(actor=space, post=post)
        post.space = None  # type: ignore[assignment]
        post.audience = None
        await post.save(update_fields=["space_id", "audience"])
        if announce is not None:
            await announce.delete()
        if space.private:
            return  # a private space's post keeps visibility "space": now nobody's to read
        delete_id = new_id()
        removal = {
            "id": activity_url(settings, delete_id),
            "type": "Delete",
            "actor": moderator.uri,
            "object": post.uri,
            "to": [PUBLIC],
            "cc": [_followers(space)],
            "audience": space.uri,
        }
        await _tell_followers(settings, space, "Announce", removal)
        if announce is not None and announce.uri:
            undo = {"id": announce.uri, "type": "Announce", "actor": space.uri, "object": post.uri}
            await _tell_followers(settings, space, "Undo", undo)


async def remove_member(
    settings: Settings, moderator: Actor, space: Actor, member: Actor, *, ban: bool = False
) -> None:
    """Membership ends; a remote member's server is told with a `Reject` of its Follow."""
    await require_moderator(space, moderator)
    if member.id == moderator.id:
        raise Unprocessable("moderators cannot remove themselves; leave the space instead")
    if await role_of(space, member) == "owner":
        raise Unprocessable("the owner of a space cannot be removed")
    async with action() as after:
        follow = await Follow.get_or_none(follower=member, target=space)
        if follow is None and not ban:
            raise NotFound("Record not found")
        if follow is not None:
            await follow.delete()
        await SpaceRole.filter(space=space, member=member).delete()
        if ban:
            await Block.get_or_create(actor=space, target=member)
        if follow is not None and not member.local and not space.private:
            follow_doc: dict[str, Any] = {
                "id": follow.uri,
                "type": "Follow",
                "actor": member.uri,
                "object": space.uri,
            }
            await send_reject(settings, space, member, follow_doc)
        # Its streams and co-editing sockets close once the removal is committed.
        after.add(lambda: surface.membership_ended(member, space))


async def unban_member(moderator: Actor, space: Actor, member: Actor) -> None:
    await require_moderator(space, moderator)
    await Block.filter(actor=space, target=member).delete()
