"""The spaces a reader can find: the directory of public spaces, and a member's own spaces
(private ones included, since they are among them). Private spaces are never listed to
anyone else (`spaces.directory`, the same query as the API's directory)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from actors.existence import knowledge
from baraza.webapp.render import render_page
from baraza.webapp.space_access import reader
from spaces.directory import directory
from storage.models import Actor, Follow

blueprint = Blueprint("web_spaces_directory", __name__)

PAGE = 40


async def _my_spaces(member: Actor) -> tuple[list[Actor], set[int]]:
    """The member's spaces (private ones too) and the ids of those still pending; a pending
    request to a private space is not listed, as the API does not list it."""
    follows = (
        await Follow.filter(follower=member, target__type="Group", target__local=True)
        .order_by("id")
        .prefetch_related("target")
    )
    known = await knowledge(member)
    mine = [f for f in follows if known.knows(f.target) and f.target.suspended_at is None]
    return [f.target for f in mine], {f.target.id for f in mine if not f.accepted}


@blueprint.get("/spaces")
async def spaces_page() -> Response:
    member = await reader()
    try:
        page = max(0, min(int(request.args.get("page", "0")), 10_000))
    except ValueError:
        page = 0
    order = "alpha" if request.args.get("order") == "alpha" else "new"
    listed = await directory(order).offset(page * PAGE).limit(PAGE + 1)
    mine, pending = await _my_spaces(member) if member is not None else ([], set())
    return await render_page(
        "web/spaces.html",
        mine=mine,
        pending=pending,
        listed=listed[:PAGE],
        more=len(listed) > PAGE,
        page=page,
        order=order,
    )
