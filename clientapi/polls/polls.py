"""Polls in the client API: reading the poll a status is posted with, showing one, voting.

The poll id is the status id: a status holds at most one poll.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from quart import Blueprint, Response

from baraza.responses import json_response
from baraza.services import services
from baraza.viewer import current_member
from clientapi.auth import require_member
from clientapi.params import Params, request_params
from federation.errors import NotFound, Unprocessable
from outbox.polls import expired, new_poll, voters_count
from outbox.viewing import visible_post
from outbox.votes import vote
from storage.models import Actor, Post

blueprint = Blueprint("polls", __name__)


def read_poll(params: Params) -> dict[str, Any] | None:
    """The poll a new status asks for: `poll[...]` form fields, or a `poll` JSON object."""
    nested = params.get("poll")
    if isinstance(nested, dict):
        nested_params = Params({k: v if isinstance(v, list) else [v] for k, v in nested.items()})
        return _poll_from(nested_params, "")
    if nested is not None:
        raise Unprocessable("Validation failed: poll must be an object")
    if not any(f"poll[{k}]" in params for k in ("options", "expires_in")):
        return None
    return _poll_from(params, "poll")


def _poll_from(params: Params, prefix: str) -> dict[str, Any]:
    def key(name: str) -> str:
        return f"{prefix}[{name}]" if prefix else name

    options = params.getlist(key("options"))
    if not all(isinstance(o, str | int | float) for o in options):
        raise Unprocessable("Validation failed: poll options must be strings")
    return new_poll(
        [str(o) for o in options],
        params.get(key("expires_in"), ""),
        params.flag(key("multiple")),
        params.flag(key("hide_totals")),
        datetime.now(UTC),
    )


def poll_entity(post: Post, viewer: Actor | None) -> dict[str, Any] | None:
    """Mastodon's Poll entity; totals stay hidden until the end when the author asked."""
    poll = post.poll
    if not isinstance(poll, dict):
        return None
    ended = expired(poll, datetime.now(UTC))
    hidden = bool(poll.get("hide_totals")) and not ended
    options = [
        {"title": o.get("title", ""), "votes_count": None if hidden else int(o.get("votes", 0))}
        for o in poll.get("options", [])
        if isinstance(o, dict)
    ]
    entity: dict[str, Any] = {
        "id": str(post.id),
        "expires_at": poll.get("expires_at"),
        "expired": ended,
        "multiple": bool(poll.get("multiple")),
        "votes_count": sum(int(o.get("votes", 0)) for o in poll.get("options", [])),
        "voters_count": voters_count(poll),
        "options": options,
        "emojis": [],
    }
    if viewer is not None:
        own = poll.get("votes", {}).get(viewer.uri, [])
        entity["voted"] = bool(own) or post.actor_id == viewer.id
        entity["own_votes"] = list(own)
    return entity


async def _poll_post(poll_id: str, viewer: Actor | None) -> Post:
    post = await visible_post(poll_id, viewer)
    if not isinstance(post.poll, dict) or post.deleted_at is not None:
        raise NotFound("Record not found")
    return post


@blueprint.get("/api/v1/polls/<poll_id>")
async def get_poll(poll_id: str) -> Response:
    viewer = await current_member()
    post = await _poll_post(poll_id, viewer)
    return json_response(poll_entity(post, viewer))


@blueprint.post("/api/v1/polls/<poll_id>/votes")
async def vote_on_poll(poll_id: str) -> Response:
    member = await require_member("write:statuses")
    post = await _poll_post(poll_id, member)
    choices = (await request_params()).getlist("choices")
    post = await vote(services().settings, member, post, choices)
    return json_response(poll_entity(post, member))
