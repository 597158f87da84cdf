"""Telling other servers that a member's profile changed: an `Update` of the actor document."""

from __future__ import annotations

from actors.documents import ACTOR_CONTEXT, actor_document
from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import PUBLIC
from outbox.audience import remote_followers
from outbox.documents import wrap_activity
from outbox.publish import publish
from storage.models import Actor, Delivery


async def publish_profile_update(settings: Settings, member: Actor) -> Delivery | None:
    document = actor_document(settings, member)
    document.pop("@context", None)
    activity_id = new_id()
    doc = wrap_activity(
        activity_url(settings, activity_id),
        "Update",
        member,
        document,
        to=[PUBLIC],
        cc=[member.followers_url or f"{member.uri}/followers"],
    )
    doc["@context"] = ACTOR_CONTEXT  # the actor inside uses publicKey: the security terms too
    await publish(settings, member, doc, await remote_followers(member), activity_id=activity_id)
    return await Delivery.filter(activity_id=activity_id).first()
