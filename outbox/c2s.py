"""ActivityPub client-to-server: POST to a member's own outbox with an OAuth token.

Accepts a bare object (wrapped in a Create) or the activities a member can perform; each is
carried out by `outbox.actions`, the same code the Mastodon API uses.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.accounts import local_actor
from baraza.responses import json_response
from baraza.services import services, settings
from baraza.viewer import current_member
from federation.activities import PUBLIC, is_public, parse_json
from federation.errors import BadRequest, NotFound, Refused, Unauthorized, Unprocessable
from outbox import actions
from storage.models import Actor, Post

blueprint = Blueprint("c2s", __name__)


def _visibility(doc: dict[str, Any], followers: str) -> str:
    to = doc.get("to") or []
    cc = doc.get("cc") or []
    to = [to] if isinstance(to, str) else to
    cc = [cc] if isinstance(cc, str) else cc
    if any(isinstance(a, str) and is_public(a) for a in to):
        return "public"
    if any(isinstance(a, str) and is_public(a) for a in cc):
        return "unlisted"
    if followers in to or followers in cc:
        return "private"
    return "direct"


async def _object_uri_actor(uri: object) -> Actor:
    from federation.remote_actors import get_actor

    if not isinstance(uri, str):
        raise BadRequest("object must be an actor id")
    return await get_actor(uri, services=services())


async def _post(uri: object) -> Post:
    if isinstance(uri, dict):
        uri = uri.get("id")
    post = await Post.get_or_none(uri=uri) if isinstance(uri, str) else None
    if post is None:
        raise NotFound("no such object here")
    return post


async def _create(member: Actor, obj: dict[str, Any]) -> str:
    config = settings()
    mentions: list[Actor] = []
    addressed = [*(obj.get("to") or []), *(obj.get("cc") or [])]
    space = None
    for uri in addressed:
        if not isinstance(uri, str) or is_public(uri) or uri == member.followers_url:
            continue
        actor = await _object_uri_actor(uri)
        if actor.type == "Group" and actor.local:
            space = actor
        else:
            mentions.append(actor)
    reply = None
    if isinstance(obj.get("inReplyTo"), str):
        reply = await Post.get_or_none(uri=obj["inReplyTo"])
    content = obj.get("content")
    if not isinstance(content, str) or not content.strip():
        raise Unprocessable("a post needs content")
    post = await actions.create_post(
        config,
        member,
        content,
        visibility=_visibility(obj, member.followers_url or ""),
        mentions=mentions,
        in_reply_to=reply,
        space=space,
        summary=obj.get("summary") if isinstance(obj.get("summary"), str) else "",
        sensitive=obj.get("sensitive") is True,
    )
    return post.uri


async def _undo(member: Actor, inner: object) -> None:
    config = settings()
    if not isinstance(inner, dict):
        raise BadRequest("Undo needs the embedded activity")
    kind = inner.get("type")
    if kind == "Follow":
        await actions.unfollow(config, member, await _object_uri_actor(inner.get("object")))
    elif kind == "Like":
        await actions.unlike(config, member, await _post(inner.get("object")))
    elif kind == "Announce":
        await actions.unannounce(config, member, await _post(inner.get("object")))
    else:
        raise Unprocessable(f"cannot undo {kind!r}")


@blueprint.post("/users/<name>/outbox")
async def c2s_outbox(name: str) -> Response:
    owner = await local_actor(name, kind="Person")
    if owner is None:
        raise NotFound("no such actor")
    member = await current_member()
    if member is None:
        raise Unauthorized("an access token with the write scope is required")
    if member.id != owner.id:
        raise Refused("this is not your outbox")
    doc = parse_json(await request.get_data())
    config = settings()
    kind = doc.get("type")
    if kind in ("Note", "Article", "Question", "Page"):
        doc = {"type": "Create", "object": doc, "to": doc.get("to"), "cc": doc.get("cc")}
        kind = "Create"
    location = None
    if kind == "Create":
        if not isinstance(doc.get("object"), dict):
            raise BadRequest("Create needs an embedded object")
        location = await _create(member, doc["object"])
    elif kind == "Follow":
        await actions.follow(config, member, await _object_uri_actor(doc.get("object")))
    elif kind == "Like":
        await actions.like(config, member, await _post(doc.get("object")))
    elif kind == "Announce":
        await actions.announce(config, member, await _post(doc.get("object")))
    elif kind == "Delete":
        await actions.delete_post(config, member, await _post(doc.get("object")))
    elif kind == "Undo":
        await _undo(member, doc.get("object"))
    else:
        raise Unprocessable(f"unsupported activity type {kind!r}")
    headers = {"Location": location} if location else None
    return json_response({"ok": True, "id": location}, 201, headers=headers)


__all__ = ["PUBLIC", "blueprint"]
