"""The member's own lists of accounts and domains, and accounts by the batch.

`GET /api/v1/blocks`, `/mutes`, `/domain_blocks` (with POST and DELETE for the member's own
domain blocks, `outbox.domain_blocks`), `GET /api/v1/accounts?id[]=` (Mastodon 4.3) and
`/api/v1/accounts/familiar_followers` (3.5). Lists page by their row's id with Mastodon's
`Link` header. Accounts a caller may not know (a private space) are left out, as an unused id.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.existence import knowledge
from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from clientapi.params import MAX_INT, body_params, id_list, request_params
from federation.errors import Unprocessable
from outbox import domain_blocks
from storage.models import Actor, Block, Follow, Mute, UserDomainBlock

blueprint = Blueprint("member_lists", __name__)

MAX_IDS = 80


def _with_link(body: Any, path: str, ids: list[int]) -> Response:
    response = json_response(body)
    link = link_header(settings().url(path), request.args, ids)
    if link:
        response.headers["Link"] = link
    return response


async def _rows(query: Any) -> list[Any]:
    page = parse_page(request.args, default=40, maximum=80)
    rows = await bounded(query, page)
    return list(reversed(rows)) if page.ascending else list(rows)


async def _accounts_of(model: type, member: Actor, path: str) -> Response:
    rows = await _rows(
        model.filter(actor=member, target__suspended_at=None).prefetch_related("target")
    )
    known = await knowledge(member)
    body = [await account(r.target, known=known) for r in rows if known.knows(r.target)]
    return _with_link(body, path, [r.id for r in rows])


@blueprint.get("/api/v1/blocks")
async def blocks() -> Response:
    member = await require_member("read:blocks")
    return await _accounts_of(Block, member, "/api/v1/blocks")


@blueprint.get("/api/v1/mutes")
async def mutes() -> Response:
    member = await require_member("read:mutes")
    return await _accounts_of(Mute, member, "/api/v1/mutes")


@blueprint.get("/api/v1/domain_blocks")
async def list_domain_blocks() -> Response:
    member = await require_member("read:blocks")
    rows = await _rows(UserDomainBlock.filter(actor=member))
    return _with_link([r.domain for r in rows], "/api/v1/domain_blocks", [r.id for r in rows])


async def _domain_param() -> object:
    value = (await body_params()).get("domain")
    return value if value is not None else request.args.get("domain")


@blueprint.post("/api/v1/domain_blocks")
async def block_domain() -> Response:
    member = await require_member("write:blocks")
    await domain_blocks.block_domain(settings(), member, await _domain_param())
    return json_response({})


@blueprint.delete("/api/v1/domain_blocks")
async def unblock_domain() -> Response:
    member = await require_member("write:blocks")
    await domain_blocks.unblock_domain(member, await _domain_param())
    return json_response({})


async def _ids() -> list[int]:
    """`id[]=` as apps send it: in the query, or a JSON body (even with a GET, as Rails reads)."""
    ids = id_list((await request_params()).getlist("id"), "id", MAX_INT)
    if len(ids) > MAX_IDS:
        raise Unprocessable(f"at most {MAX_IDS} ids")
    return list(dict.fromkeys(ids))


@blueprint.get("/api/v1/accounts")
async def accounts_by_id() -> Response:
    """Mastodon 4.3: the accounts named, in the order asked; unknown and hidden ones left out."""
    ids = await _ids()
    viewer = await current_member()  # None logged out: public accounts only
    known = await knowledge(viewer)
    found = {
        a.id: a
        for a in known.visible(await Actor.filter(id__in=ids, suspended_at=None))
        if not (a.local and a.type == "Application")
    }
    return json_response([await account(found[i], known=known) for i in ids if i in found])


@blueprint.get("/api/v1/accounts/familiar_followers")
async def familiar_followers() -> Response:
    """For each account asked about: the accounts the member follows that follow it too."""
    member = await require_member("read:follows")
    ids = await _ids()
    known = await knowledge(member)
    targets = {a.id for a in known.visible(await Actor.filter(id__in=ids))}
    mine = await Follow.filter(follower=member, accepted=True).values_list("target_id", flat=True)
    rows = await Follow.filter(
        target_id__in=list(targets),
        follower_id__in=list(mine),
        accepted=True,
        follower__suspended_at=None,
    ).prefetch_related("follower")
    out = []
    for target_id in ids:
        if target_id not in targets:
            continue
        followers = [r.follower for r in rows if r.target_id == target_id]  # type: ignore[attr-defined]
        visible = known.visible(followers)
        out.append(
            {"id": str(target_id), "accounts": [await account(a, known=known) for a in visible]}
        )
    return json_response(out)
