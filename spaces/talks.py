"""Talks: a space's `Event`s, and members' answers to them (Mobilizon's way).

A Talk is a post of type `Event` in the space; its schedule and online location live in
`Post.document` and are published in the object document, so a public space's Talk federates
through the same relay as any post. A private space's Talk is a private-space post and stays
on the instance. Answers are `Accept`, `TentativeAccept` or `Reject` of the Event, one per
participant; remote participants' answers arrive through the inbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.activities import is_http_url
from federation.errors import NotFound, Unprocessable
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.publish import publish
from spaces.library import may_read_space
from storage.ids import parse_id
from storage.models import Actor, EventParticipation, Follow, Post

# Our stored state -> the activity that says it.
ANSWERS = {"accept": "Accept", "tentative": "TentativeAccept", "reject": "Reject"}


@dataclass(frozen=True)
class Talk:
    name: str
    content: str
    start: datetime
    end: datetime | None
    location: str | None


def _parse_time(value: object, what: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise Unprocessable(f"{what} must be an ISO 8601 date-time")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Unprocessable(f"{what} must be an ISO 8601 date-time") from exc
    if parsed.tzinfo is None:
        raise Unprocessable(f"{what} needs a time zone (e.g. Z or +02:00)")
    return parsed


def parse_talk(fields: dict[str, Any]) -> Talk:
    """Pure: a Talk from request fields, or 422 saying which field is wrong."""
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Unprocessable("a talk needs a name")
    content = fields.get("content") or fields.get("description") or ""
    if not isinstance(content, str):
        raise Unprocessable("content must be text")
    start = _parse_time(fields.get("start_time"), "start_time")
    end = None
    if fields.get("end_time"):
        end = _parse_time(fields.get("end_time"), "end_time")
        if end < start:
            raise Unprocessable("end_time is before start_time")
    location = fields.get("location") or None
    if location is not None and not is_http_url(location):
        raise Unprocessable("location must be an http(s) URL")
    return Talk(name.strip()[:500], content, start, end, location)


def event_fields(talk: Talk) -> dict[str, Any]:
    doc: dict[str, Any] = {"startTime": talk.start.isoformat(), "joinMode": "free"}
    if talk.end is not None:
        doc["endTime"] = talk.end.isoformat()
    if talk.location:
        doc["location"] = {"type": "Place", "name": talk.location, "url": talk.location}
    return doc


async def publish_talk(settings: Settings, member: Actor, space: Actor, talk: Talk) -> Post:
    from html import escape

    from outbox.actions import create_post

    if not await Follow.exists(follower=member, target=space, accepted=True):
        raise (
            NotFound("Record not found")
            if space.private
            else Unprocessable("only members of the space may publish talks")
        )
    content = (
        talk.content
        if talk.content.lstrip().startswith("<")
        else (f"<p>{escape(talk.content)}</p>" if talk.content else "")
    )
    return await create_post(
        settings,
        member,
        content,
        visibility="public",
        space=space,
        post_type="Event",
        name=talk.name,
        document=event_fields(talk),
    )


async def find_talk(space: Actor, event_id: int | str, viewer: Actor | None) -> Post:
    """The Talk, if the viewer may read its space; 404 otherwise (no existence oracle)."""
    if not await may_read_space(space, viewer):
        raise NotFound("Record not found")
    number = parse_id(event_id, Post)
    if number is None:
        raise NotFound("Record not found")
    post = await Post.get_or_none(id=number, space=space, type="Event", deleted_at=None)
    if post is None:
        raise NotFound("Record not found")
    return post


async def participant_counts(post: Post) -> dict[str, int]:
    states = await EventParticipation.filter(post=post).values_list("state", flat=True)
    return {state: sum(1 for s in states if s == state) for state in ANSWERS}


async def answer(settings: Settings, member: Actor, post: Post, state: str) -> EventParticipation:
    """A local member's answer; a remote organiser hears it, a local one needs no message."""
    if state not in ANSWERS:
        raise Unprocessable("answer must be accept, tentative or reject")
    activity_id = new_id()
    uri = activity_url(settings, activity_id)
    author = await Actor.get(id=post.actor_id)
    async with action():
        record, _created = await EventParticipation.update_or_create(
            post=post, actor=member, defaults={"state": state, "uri": uri}
        )
        if not author.local and post.visibility in ("public", "unlisted"):
            doc = wrap_activity(uri, ANSWERS[state], member, post.uri, to=[author.uri], cc=[])
            await publish(settings, member, doc, [author], activity_id=activity_id)
    return record


async def record_remote_answer(actor: Actor, object_uri: str | None, kind: str, uri: str) -> bool:
    """An inbound Accept/TentativeAccept/Reject of one of our public Talks; False if not one."""
    state = {v: k for k, v in ANSWERS.items()}.get(kind)
    if state is None or not object_uri:
        return False
    post = await Post.get_or_none(uri=object_uri, local=True, type="Event", deleted_at=None)
    if post is None or post.visibility not in ("public", "unlisted"):
        return False  # a private space's Talk does not exist for other servers
    if post.space_id is not None:
        space = await Actor.get_or_none(id=post.space_id)
        if space is None or space.private:
            return False
    await EventParticipation.update_or_create(
        post=post, actor=actor, defaults={"state": state, "uri": uri}
    )
    return True
