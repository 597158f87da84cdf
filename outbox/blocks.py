"""A member blocks or unblocks an account: stored, follows severed, and the remote side told.

A `Block` is sent only to the blocked actor's own server (Mastodon does the same) so it can
drop its follow and hide the member's posts; a local block needs no activity at all.
"""

from __future__ import annotations

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.errors import Unprocessable
from outbox.documents import wrap_activity
from outbox.publish import publish
from storage.models import Actor, Block, Follow


async def block(settings: Settings, member: Actor, target: Actor) -> Block:
    if target.id == member.id:
        raise Unprocessable("you cannot block yourself")
    existing = await Block.get_or_none(actor=member, target=target)
    if existing is not None:
        return existing
    activity_id = new_id()
    uri = activity_url(settings, activity_id)
    record = await Block.create(actor=member, target=target, uri=uri)
    await Follow.filter(follower=member, target=target).delete()
    await Follow.filter(follower=target, target=member).delete()
    if not target.local:
        doc = wrap_activity(uri, "Block", member, target.uri, to=[target.uri], cc=[])
        await publish(settings, member, doc, [target], activity_id=activity_id)
    return record


async def unblock(settings: Settings, member: Actor, target: Actor) -> None:
    record = await Block.get_or_none(actor=member, target=target)
    if record is None:
        return
    await record.delete()
    if not target.local:
        activity_id = new_id()
        inner = {"id": record.uri, "type": "Block", "actor": member.uri, "object": target.uri}
        doc = wrap_activity(
            activity_url(settings, activity_id), "Undo", member, inner, to=[target.uri], cc=[]
        )
        await publish(settings, member, doc, [target], activity_id=activity_id)
