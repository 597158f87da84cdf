"""`GET /api/v1/tags/:name`, `POST /api/v1/tags/:name/follow|unfollow`, `GET /api/v1/followed_tags`.

Mastodon 4.0's Tag entity: its name, its URL, its use over the last seven days (public posts
outside private spaces only: a count is still a disclosure) and, for a member, `following`.
A followed tag's public posts join the member's home timeline (`clientapi.timelines`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from quart import Blueprint, Response, request
from tortoise.expressions import Q

from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from outbox import followed_tags
from outbox.followed_tags import has_tag, valid_tag
from storage.models import Actor, FollowedTag, Post

blueprint = Blueprint("tags", __name__)

HISTORY_DAYS = 7
MAX_SCANNED = 2000


async def history(name: str, now: datetime) -> list[dict[str, str]]:
    """Uses and distinct accounts per day, newest day first (Mastodon's `history`)."""
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=HISTORY_DAYS - 1)
    candidates = (
        await Post.filter(
            Q(space_id=None) | Q(space__private=False),
            visibility="public",
            deleted_at=None,
            published__gte=since,
            content__icontains=name,
        )
        .order_by("-published")
        .limit(MAX_SCANNED)
    )
    days: list[dict[str, Any]] = []
    for n in range(HISTORY_DAYS):
        start = today - timedelta(days=n)
        end = start + timedelta(days=1)
        tagged = [p for p in candidates if start <= p.published < end and has_tag(p, {name})]
        days.append(
            {
                "day": str(int(start.timestamp())),
                "uses": str(len(tagged)),
                "accounts": str(len({p.actor_id for p in tagged})),  # type: ignore[attr-defined]
            }
        )
    return days


async def tag_entity(name: str, member: Actor | None, *, following: bool | None = None) -> dict:
    entity: dict[str, Any] = {
        "id": name,
        "name": name,
        "url": settings().url(f"/tags/{name}"),
        "history": await history(name, datetime.now(UTC)),
    }
    if member is not None:
        if following is None:
            following = await FollowedTag.exists(actor=member, name=name)
        entity["following"] = following
    return entity


@blueprint.get("/api/v1/tags/<name>")
async def show_tag(name: str) -> Response:
    tag = valid_tag(name)
    return json_response(await tag_entity(tag, await current_member()))


@blueprint.post("/api/v1/tags/<name>/follow")
async def follow(name: str) -> Response:
    member = await require_member("write:follows")
    tag = await followed_tags.follow_tag(member, name)
    return json_response(await tag_entity(tag, member, following=True))


@blueprint.post("/api/v1/tags/<name>/unfollow")
async def unfollow(name: str) -> Response:
    member = await require_member("write:follows")
    tag = await followed_tags.unfollow_tag(member, name)
    return json_response(await tag_entity(tag, member, following=False))


@blueprint.get("/api/v1/followed_tags")
async def list_followed() -> Response:
    member = await require_member("read:follows")
    page = parse_page(request.args, default=100, maximum=200)
    rows = await bounded(FollowedTag.filter(actor=member), page)
    if page.ascending:
        rows = list(reversed(rows))
    body = [await tag_entity(r.name, member, following=True) for r in rows]
    response = json_response(body)
    link = link_header(settings().url("/api/v1/followed_tags"), request.args, [r.id for r in rows])
    if link:
        response.headers["Link"] = link
    return response
