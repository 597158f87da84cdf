"""`/api/v1/lists`: a member's lists, their accounts, the lists an account is in, and the list
timeline (`/api/v1/timelines/list/:id`). The rules and changes are `outbox.lists`'s."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from baraza.responses import json_response
from clientapi.accounts.account_entity import account
from clientapi.accounts.accounts import account_or_404
from clientapi.auth import require_member
from clientapi.pagination import bounded, paged, parse_page, select
from clientapi.params import (
    MAX_INT,
    body_params,
    flag,
    id_list,
    request_params,
    row_id,
    text,
)
from clientapi.statuses.boost_ids import boosts_in_page
from clientapi.timelines.timelines import Item, hidden_accounts, posts_in_page, respond, without
from federation.errors import Unprocessable
from outbox import lists
from outbox.lists import ListShape, list_shape, list_shows
from storage.models import Actor, Announce, Follow, ListAccount, MemberList, Post

blueprint = Blueprint("clientapi_lists", __name__)


def list_entity(row: MemberList) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "title": row.title,
        "replies_policy": row.replies_policy,
        "exclusive": row.exclusive,
    }


async def _own(member: Actor, list_id: str) -> MemberList:
    return await lists.own_list(member, row_id(list_id, MemberList))


async def _shape(current: ListShape | None = None) -> ListShape:
    params = await body_params()
    return list_shape(
        text(params, "title", max_length=255),
        text(params, "replies_policy", max_length=16),
        flag(params, "exclusive"),
        current,
    )


@blueprint.get("/api/v1/lists")
async def index() -> Response:
    member = await require_member("read:lists")
    rows = await MemberList.filter(owner=member).order_by("id")
    return json_response([list_entity(r) for r in rows])


@blueprint.post("/api/v1/lists")
async def create() -> Response:
    member = await require_member("write:lists")
    return json_response(list_entity(await lists.create_list(member, await _shape())))


@blueprint.get("/api/v1/lists/<list_id>")
async def show(list_id: str) -> Response:
    member = await require_member("read:lists")
    return json_response(list_entity(await _own(member, list_id)))


@blueprint.put("/api/v1/lists/<list_id>")
async def update(list_id: str) -> Response:
    member = await require_member("write:lists")
    row = await _own(member, list_id)
    shape = await _shape(ListShape(row.title, row.replies_policy, row.exclusive))
    return json_response(list_entity(await lists.update_list(row, shape)))


@blueprint.delete("/api/v1/lists/<list_id>")
async def delete(list_id: str) -> Response:
    member = await require_member("write:lists")
    await lists.delete_list(await _own(member, list_id))
    return json_response({})


@blueprint.get("/api/v1/lists/<list_id>/accounts")
async def accounts(list_id: str) -> Response:
    """Paged by the entry's id; `limit=0` is every account at once, as Mastodon allows."""
    member = await require_member("read:lists")
    row = await _own(member, list_id)
    query = ListAccount.filter(member_list=row, account__suspended_at=None)
    if request.args.get("limit") == "0":
        entries = await query.order_by("-id").prefetch_related("account")
        return json_response([await account(e.account, with_counts=False) for e in entries])
    page = parse_page(request.args, default=40, maximum=80)
    entries = select(
        await bounded(query, page).prefetch_related("account"), page, key=lambda e: e.id
    )
    body = [await account(e.account, with_counts=False) for e in entries]
    return paged(body, [e.id for e in entries])


async def _account_ids() -> list[int]:
    values = (await request_params()).getlist("account_ids")
    if not values:
        raise Unprocessable("account_ids must name at least one account")
    return id_list(values, "account_ids", MAX_INT)


@blueprint.post("/api/v1/lists/<list_id>/accounts")
async def add_accounts(list_id: str) -> Response:
    member = await require_member("write:lists")
    row = await _own(member, list_id)
    await lists.add_accounts(row, member, await _account_ids())
    return json_response({})


@blueprint.delete("/api/v1/lists/<list_id>/accounts")
async def remove_accounts(list_id: str) -> Response:
    member = await require_member("write:lists")
    row = await _own(member, list_id)
    await lists.remove_accounts(row, await _account_ids())
    return json_response({})


@blueprint.get("/api/v1/accounts/<account_id>/lists")
async def lists_with_account(account_id: str) -> Response:
    member = await require_member("read:lists")
    target = await account_or_404(account_id)
    rows = await MemberList.filter(owner=member, entries__account=target).order_by("id")
    return json_response([list_entity(r) for r in rows])


@blueprint.get("/api/v1/timelines/list/<list_id>")
async def timeline(list_id: str) -> Response:
    """Posts and boosts of the list's members, replies shown by its `replies_policy`."""
    member = await require_member("read:lists")
    row = await _own(member, list_id)
    page = parse_page(request.args)
    members = frozenset(
        await ListAccount.filter(member_list=row).values_list("account_id", flat=True)
    )
    posts = await posts_in_page(Post.filter(actor_id__in=list(members) or [0]), page, member)
    followed = frozenset(
        await Follow.filter(follower=member, accepted=True).values_list("target_id", flat=True)
    )
    parents = {
        uri: actor_id
        for uri, actor_id in await Post.filter(
            uri__in=[p.in_reply_to_uri for p in posts if p.in_reply_to_uri]
        ).values_list("uri", "actor_id")
    }
    items: list[Item] = [
        p
        for p in posts
        if list_shows(
            row.replies_policy,
            author_id=p.actor_id,  # type: ignore[attr-defined]
            reply_to_account_id=parents.get(p.in_reply_to_uri or ""),
            is_reply=p.in_reply_to_uri is not None,
            owner_id=member.id,
            members=members,
            followed=followed,
        )
    ]
    if members:
        boosts = await boosts_in_page(Announce.filter(actor_id__in=list(members)), page, member)
        shown = {p.id for p in items}
        items.extend(b for b in boosts if b.post.id not in shown)
    return await respond(without(items, await hidden_accounts(member)), page, member, "home")
