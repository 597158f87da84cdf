"""ActivityPub client-to-server: POST to a member's own outbox with an OAuth token.

A door: it parses the activity, checks the token's scope for that kind of activity
(`scope_for`, pure and table-tested), and hands the rest to the core actions
(`outbox.interactions`, `outbox.graph`, `outbox.actions`), the same functions the Mastodon
API and the inbox call. So a C2S Like meets the same visibility rule, a C2S Follow the same
Block check, and both notify like the API does. A post or actor the member may not know of is
answered exactly as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.accounts import local_actor
from actors.existence import may_know
from baraza.responses import json_response
from baraza.services import services, settings
from baraza.viewer import token_viewer
from federation.activities import PUBLIC, is_http_url, is_public, parse_json
from federation.errors import BadRequest, NotFound, Refused, Unauthorized, Unprocessable
from outbox import actions, graph, interactions
from outbox.viewing import may_view
from storage.ids import fits_column
from storage.models import Actor, Post

blueprint = Blueprint("c2s", __name__)

MISSING = "Record not found"  # one answer for what is absent and what is hidden
OUT_OF_SCOPE = "This action is outside the authorized scopes"
POST_TYPES = ("Note", "Article", "Question", "Page")

# Which write scope each activity needs, as the Mastodon API asks for the same acts.
SCOPES = {
    "Create": "write:statuses",
    "Update": "write:statuses",
    "Delete": "write:statuses",
    "Announce": "write:statuses",
    "Like": "write:favourites",
    "Follow": "write:follows",
    "Block": "write:blocks",
}


def scope_for(kind: object, inner_kind: object = None) -> str:
    """Pure: the scope a C2S activity needs. An Undo needs what the act it undoes needed; a
    bare post is a Create; anything else needs the broad `write` (and is then refused as
    unsupported, so a narrow token learns nothing more than that it is out of scope)."""
    if kind in POST_TYPES:
        return SCOPES["Create"]
    if kind == "Undo":
        return SCOPES.get(inner_kind, "write") if isinstance(inner_kind, str) else "write"
    return SCOPES.get(kind, "write") if isinstance(kind, str) else "write"


def _addresses(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [a for a in value if isinstance(a, str)]
    return []


def _visibility(doc: dict[str, Any], followers: str) -> str:
    to = _addresses(doc.get("to"))
    cc = _addresses(doc.get("cc"))
    if any(is_public(a) for a in to):
        return "public"
    if any(is_public(a) for a in cc):
        return "unlisted"
    if followers in to or followers in cc:
        return "private"
    return "direct"


def _uri_of(value: object) -> str | None:
    """The id an activity names (a string or an embedded object's `id`), or None.

    Only an http(s) URL that fits the uri columns is an id: a longer one names no row, and
    handing it to a lookup made the column validator raise (500) instead of finding nothing.
    """
    if isinstance(value, dict):
        value = value.get("id")
    if not is_http_url(value) or not fits_column(Post, "uri", value):
        return None
    return value


async def _actor(uri: object, member: Actor) -> Actor:
    """The actor an activity names, or 404 alike for an unknown one and a private space the
    member is not in."""
    from federation.remote_actors import get_actor

    uri = _uri_of(uri)
    if uri is None:
        raise BadRequest("object must be an actor id")
    try:
        actor = await get_actor(uri, services=services())
    except NotFound as exc:
        raise NotFound(MISSING) from exc
    if not await may_know(actor, member):
        raise NotFound(MISSING)
    return actor


async def _post(uri: object) -> Post:
    """The post an activity names; whether the member may act on it is the action's call,
    which answers a hidden post with the same 404 as this one."""
    uri = _uri_of(uri)
    post = await Post.get_or_none(uri=uri) if uri is not None else None
    if post is None:
        raise NotFound(MISSING)
    return post


async def _create(member: Actor, obj: dict[str, Any]) -> str:
    mentions: list[Actor] = []
    space = None
    for uri in [*_addresses(obj.get("to")), *_addresses(obj.get("cc"))]:
        if is_public(uri) or uri == member.followers_url:
            continue
        actor = await _actor(uri, member)
        if actor.type == "Group" and actor.local:
            space = actor
        else:
            mentions.append(actor)
    reply = None
    reply_uri = _uri_of(obj.get("inReplyTo"))
    if reply_uri is not None:
        reply = await Post.get_or_none(uri=reply_uri)
        if reply is not None and not await may_view(reply, member):
            reply = None  # a hidden parent is treated as an unknown one
    content = obj.get("content")
    if not isinstance(content, str) or not content.strip():
        raise Unprocessable("a post needs content")
    summary = obj.get("summary")
    post = await actions.create_post(
        settings(),
        member,
        content,
        visibility=_visibility(obj, member.followers_url or ""),
        mentions=mentions,
        in_reply_to=reply,
        space=space,
        summary=summary if isinstance(summary, str) else "",
        sensitive=obj.get("sensitive") is True,
    )
    return post.uri


async def _undo(member: Actor, inner: object) -> None:
    config = settings()
    if not isinstance(inner, dict):
        raise BadRequest("Undo needs the embedded activity")
    kind = inner.get("type")
    target = inner.get("object")
    if kind == "Follow":
        await graph.unfollow(config, member, await _actor(target, member))
    elif kind == "Block":
        await graph.unblock(config, member, await _actor(target, member))
    elif kind == "Like":
        await interactions.unlike(config, member, await _post(target))
    elif kind == "Announce":
        await interactions.unannounce(config, member, await _post(target))
    else:
        raise Unprocessable(f"cannot undo {kind!r}")


def _wrapped(doc: dict[str, Any]) -> dict[str, Any]:
    """A bare post is a Create of it (ActivityPub 6.2.1)."""
    if doc.get("type") in POST_TYPES:
        return {"type": "Create", "object": doc, "to": doc.get("to"), "cc": doc.get("cc")}
    return doc


@blueprint.post("/users/<name>/outbox")
async def c2s_outbox(name: str) -> Response:
    owner = await local_actor(name, kind="Person")
    if owner is None:
        raise NotFound("no such actor")
    viewer = await token_viewer()
    member = viewer.member
    if member is None:
        raise Unauthorized("an access token with the write scope is required")
    if member.id != owner.id:
        raise Refused("this is not your outbox")
    doc = _wrapped(parse_json(await request.get_data()))
    kind = doc.get("type")
    inner = doc.get("object")
    if not viewer.may((scope_for(kind, inner.get("type") if isinstance(inner, dict) else None),)):
        raise Refused(OUT_OF_SCOPE)
    config = settings()
    location = None
    if kind == "Create":
        if not isinstance(inner, dict):
            raise BadRequest("Create needs an embedded object")
        location = await _create(member, inner)
    elif kind == "Follow":
        await graph.follow(config, member, await _actor(inner, member))
    elif kind == "Block":
        await graph.block(config, member, await _actor(inner, member))
    elif kind == "Like":
        await interactions.like(config, member, await _post(inner))
    elif kind == "Announce":
        await interactions.announce(config, member, await _post(inner))
    elif kind == "Delete":
        await actions.delete_post(config, member, await _post(inner))
    elif kind == "Undo":
        await _undo(member, inner)
    else:
        raise Unprocessable(f"unsupported activity type {kind!r}")
    headers = {"Location": location} if location else None
    return json_response({"ok": True, "id": location}, 201, headers=headers)


__all__ = ["PUBLIC", "blueprint", "scope_for"]
