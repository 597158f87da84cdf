"""The client API for spaces (Mastodon has none; documented in docs/api.md).

Membership, the space timeline, join requests and moderation. A private space answers 404 to
anyone who is not one of its members, exactly as if it did not exist (`actors.existence`
decides); the library and Talks endpoints are in `clientapi.spaces.space_library`.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.existence import knowledge, may_know
from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from clientapi.params import MAX_INT, id_or_404
from clientapi.statuses.status_entity import statuses
from federation.errors import NotFound, Unprocessable
from outbox.viewing import visible_posts
from spaces import membership
from spaces.moderation import remove_member, remove_post, require_moderator, role_of
from storage.ids import parse_int
from storage.models import Actor, Follow, Post, SpaceRole

blueprint = Blueprint("spaces_api", __name__)

PREFIX = "/api/v1/spaces"


def no_such_space() -> NotFound:
    """The one answer for an unused id and for a space the caller may not know."""
    return NotFound("Record not found")


async def _space_row(space_id: str) -> Actor:
    space = await Actor.get_or_none(id=id_or_404(space_id, MAX_INT), local=True, type="Group")
    if space is None or space.suspended_at is not None:
        raise no_such_space()
    return space


async def find_space(space_id: str, viewer: Actor | None) -> Actor:
    """The space if the viewer may know it exists; 404 otherwise, whatever the reason."""
    space = await _space_row(space_id)
    if not await may_know(space, viewer):
        raise no_such_space()
    return space


async def space_entity(space: Actor, viewer: Actor | None) -> dict[str, Any]:
    """Mastodon's Account (`group: true`) plus what a space client needs to show."""
    entity = await account(space)
    membership = None
    if viewer is not None:
        follow = await Follow.get_or_none(follower=viewer, target=space)
        if follow is not None:
            membership = "member" if follow.accepted else "pending"
    entity.update(
        private=space.private,
        posting_restricted_to_mods=space.posting_restricted_to_mods,
        archived=space.archived_at is not None,
        membership=membership,
        role=await role_of(space, viewer),
    )
    return entity


def _answer(doc: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_response(doc, status, headers=headers)


@blueprint.get(PREFIX)
async def my_spaces() -> Response:
    member = await require_member("read")
    follows = (
        await Follow.filter(follower=member, target__type="Group", target__local=True)
        .order_by("id")
        .prefetch_related("target")
    )
    # A pending request to a private space is not listed: the space is not known until joined.
    known = await knowledge(member)
    return _answer([await space_entity(f.target, member) for f in follows if known.knows(f.target)])


@blueprint.get(f"{PREFIX}/directory")
async def directory() -> Response:
    """Public spaces to find and join (Mastodon's profile directory, for spaces): `limit`
    (up to 80, default 40), `offset`, `order` (`new` or `alpha`). Private ones are never
    listed (`spaces.directory`)."""
    from spaces.directory import directory as listed_spaces

    viewer = await current_member()
    page = parse_page(request.args, default=40, maximum=80)
    offset = parse_int(request.args.get("offset") or "0", minimum=0, maximum=MAX_INT)
    if offset is None:
        raise Unprocessable("offset must be a number of spaces to skip")
    order = request.args.get("order") or "new"
    spaces = await listed_spaces(order).offset(offset).limit(page.limit)
    return _answer([await space_entity(s, viewer) for s in spaces])


@blueprint.get(f"{PREFIX}/<space_id>")
async def show_space(space_id: str) -> Response:
    viewer = await current_member()
    return _answer(await space_entity(await find_space(space_id, viewer), viewer))


@blueprint.get(f"{PREFIX}/<space_id>/timeline")
async def space_timeline(space_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    page = parse_page(request.args)
    rows = await bounded(Post.filter(space=space, deleted_at=None), page)
    if page.ascending:
        rows = list(reversed(rows))
    posts = await visible_posts(rows, viewer)
    link = link_header(settings().url(request.path), request.args, [p.id for p in posts])
    return _answer(await statuses(posts, viewer), headers={"Link": link} if link else None)


@blueprint.post(f"{PREFIX}/<space_id>/join")
async def join(space_id: str) -> Response:
    member = await require_member("write:follows")
    space = await _space_row(space_id)
    await membership.join(settings(), member, space)
    return _answer(await space_entity(space, member))


@blueprint.post(f"{PREFIX}/<space_id>/leave")
async def leave(space_id: str) -> Response:
    member = await require_member("write:follows")
    space = await _space_row(space_id)
    await membership.leave(member, space)
    return _answer(await space_entity(space, member))


async def _moderated_space(space_id: str, scope: str) -> tuple[Actor, Actor]:
    member = await require_member(scope)
    space = await find_space(space_id, member)
    await require_moderator(space, member)
    return space, member


@blueprint.get(f"{PREFIX}/<space_id>/requests")
async def requests(space_id: str) -> Response:
    space, _ = await _moderated_space(space_id, "read:follows")
    pending = (
        await Follow.filter(target=space, accepted=False)
        .order_by("id")
        .prefetch_related("follower")
    )
    return _answer([await account(f.follower) for f in pending])


async def _pending(space: Actor, account_id: str) -> Follow:
    follow = await Follow.get_or_none(
        target=space, follower_id=id_or_404(account_id, MAX_INT), accepted=False
    ).prefetch_related("follower")
    if follow is None:
        raise NotFound("Record not found")
    return follow


@blueprint.post(f"{PREFIX}/<space_id>/requests/<account_id>/approve")
async def approve(space_id: str, account_id: str) -> Response:
    space, _ = await _moderated_space(space_id, "write:follows")
    follow = await _pending(space, account_id)
    await membership.answer_request(settings(), space, follow, admit=True)
    return _answer(await account(follow.follower))


@blueprint.post(f"{PREFIX}/<space_id>/requests/<account_id>/reject")
async def reject(space_id: str, account_id: str) -> Response:
    space, _ = await _moderated_space(space_id, "write:follows")
    follow = await _pending(space, account_id)
    await membership.answer_request(settings(), space, follow, admit=False)
    return _answer(await account(follow.follower))


@blueprint.get(f"{PREFIX}/<space_id>/members")
async def members(space_id: str) -> Response:
    viewer = await current_member()
    space = await find_space(space_id, viewer)
    roles = dict(await SpaceRole.filter(space=space).values_list("member_id", "role"))
    follows = (
        await Follow.filter(target=space, accepted=True).order_by("id").prefetch_related("follower")
    )
    out = []
    for follow in follows:
        entity = await account(follow.follower, with_counts=False)
        entity["role"] = roles.get(follow.follower.id)
        out.append(entity)
    return _answer(out)


async def _member_of(account_id: str) -> Actor:
    actor = await Actor.get_or_none(id=id_or_404(account_id, MAX_INT))
    if actor is None:
        raise NotFound("Record not found")
    return actor


@blueprint.post(f"{PREFIX}/<space_id>/members/<account_id>/<any(remove, ban):action>")
async def moderate_member(space_id: str, account_id: str, action: str) -> Response:
    moderator = await require_member("write")
    space = await find_space(space_id, moderator)
    target = await _member_of(account_id)
    await remove_member(settings(), moderator, space, target, ban=action == "ban")
    return _answer(await account(target))


@blueprint.post(f"{PREFIX}/<space_id>/statuses/<status_id>/remove")
async def remove_status(space_id: str, status_id: str) -> Response:
    moderator = await require_member("write")
    space = await find_space(space_id, moderator)
    post = await Post.get_or_none(id=id_or_404(status_id), space=space)
    if post is None:
        raise NotFound("Record not found")
    await remove_post(settings(), moderator, space, post)
    return _answer({"id": str(post.id), "removed": True})
