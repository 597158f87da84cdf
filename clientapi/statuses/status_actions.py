"""What a member does to a status (favourite, boost, bookmark), and the lists those make."""

from __future__ import annotations

from dataclasses import replace

from quart import Blueprint, Response, request

from actors.existence import may_know
from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, paged, parse_page, select
from clientapi.params import MAX_INT, row_id
from clientapi.statuses.status_entity import status, statuses
from federation.errors import NotFound
from outbox import interactions
from outbox.filtering import drop_hidden
from outbox.viewing import visible_post, visible_posts
from storage.models import Actor, Announce, Bookmark, Like, Post

blueprint = Blueprint("clientapi_status_actions", __name__)


@blueprint.post("/api/v1/statuses/<status_id>/favourite")
async def favourite(status_id: str) -> Response:
    member = await require_member("write:favourites")
    post = await visible_post(status_id, member)
    await interactions.like(settings(), member, post)
    return json_response(await status(post, member))


@blueprint.post("/api/v1/statuses/<status_id>/unfavourite")
async def unfavourite(status_id: str) -> Response:
    member = await require_member("write:favourites")
    post = await visible_post(status_id, member)
    await interactions.unlike(settings(), member, post)
    return json_response(await status(post, member))


@blueprint.post("/api/v1/statuses/<status_id>/reblog")
async def reblog(status_id: str) -> Response:
    member = await require_member("write:statuses")
    post = await visible_post(status_id, member)
    boost = await interactions.announce(settings(), member, post)
    boost.post = post
    return json_response(await status(boost, member))


@blueprint.post("/api/v1/statuses/<status_id>/unreblog")
async def unreblog(status_id: str) -> Response:
    member = await require_member("write:statuses")
    post = await visible_post(status_id, member)
    await interactions.unannounce(settings(), member, post)
    return json_response(await status(post, member))


@blueprint.post("/api/v1/statuses/<status_id>/bookmark")
async def bookmark(status_id: str) -> Response:
    member = await require_member("write:bookmarks")
    post = await visible_post(status_id, member)
    await interactions.bookmark(member, post)
    return json_response(await status(post, member))


@blueprint.post("/api/v1/statuses/<status_id>/unbookmark")
async def unbookmark(status_id: str) -> Response:
    member = await require_member("write:bookmarks")
    post = await visible_post(status_id, member)
    await interactions.unbookmark(member, post)
    return json_response(await status(post, member))


async def _who(model: type, status_id: str) -> Response:
    post = await visible_post(status_id, await current_member())
    page = parse_page(request.args)
    rows = await bounded(model.filter(post=post), page).prefetch_related("actor")
    rows = select(rows, page, key=lambda r: r.id)
    return paged([await account(r.actor, with_counts=False) for r in rows], [r.id for r in rows])


@blueprint.get("/api/v1/statuses/<status_id>/favourited_by")
async def favourited_by(status_id: str) -> Response:
    return await _who(Like, status_id)


@blueprint.get("/api/v1/statuses/<status_id>/reblogged_by")
async def reblogged_by(status_id: str) -> Response:
    return await _who(Announce, status_id)


async def _marked(model: type, member: Actor) -> Response:
    """Bookmarks and favourites page by the mark's own id, as Mastodon does."""
    page = parse_page(request.args)
    rows = await bounded(model.filter(actor=member, post__deleted_at=None), page).prefetch_related(
        "post"
    )
    rows = select(rows, page, key=lambda r: r.id)
    visible = {p.id for p in await visible_posts([r.post for r in rows], member)}
    shown = [r for r in rows if r.post.id in visible]
    return paged(await statuses([r.post for r in shown], member), [r.id for r in rows])


@blueprint.get("/api/v1/bookmarks")
async def bookmarks() -> Response:
    return await _marked(Bookmark, await require_member("read:bookmarks"))


@blueprint.get("/api/v1/favourites")
async def favourites() -> Response:
    return await _marked(Like, await require_member("read:favourites"))


@blueprint.get("/api/v1/accounts/<account_id>/statuses")
async def account_statuses(account_id: str) -> Response:
    who = await current_member()  # None logged out: the gate let in only what anyone may read
    number = row_id(account_id, MAX_INT)
    author = await Actor.get_or_none(id=number) if number is not None else None
    if author is None or author.suspended_at is not None or not await may_know(author, who):
        raise NotFound("Record not found")  # a private space answers as an unused id
    args = request.args
    page = parse_page(args)
    query = Post.filter(actor=author, deleted_at=None)
    if _flag(args.get("pinned")):
        query = query.filter(pinned=True)
    if _flag(args.get("exclude_replies")):
        query = query.filter(in_reply_to_uri=None)
    tagged = (args.get("tagged") or "").lstrip("#").lower()
    only_media = _flag(args.get("only_media"))
    items: list[Post | Announce] = []
    candidates = await bounded(query, replace(page, limit=page.limit * 5))
    for post in await visible_posts(candidates, who):
        if only_media and not post.attachments:
            continue
        if tagged and not _has_tag(post, tagged):
            continue
        items.append(post)
    if not _flag(args.get("exclude_reblogs")) and not tagged and not only_media:
        from clientapi.statuses.boost_ids import boosts_in_page

        items.extend(await boosts_in_page(Announce.filter(actor=author), page, who))
    items = await drop_hidden(items, who, "account")  # the viewer's `hide` filters
    chosen = select(items, page, key=_item_key)
    return paged(await statuses(chosen, who), [_item_key(i) for i in chosen])


def _item_key(item: Post | Announce) -> int:
    from clientapi.statuses.boost_ids import boost_status_id

    if isinstance(item, Announce):
        return boost_status_id(item.created_at, item.id)
    return item.id


def _has_tag(post: Post, name: str) -> bool:
    return any(
        isinstance(t, dict)
        and t.get("type") == "Hashtag"
        and str(t.get("name", "")).lstrip("#").lower() == name
        for t in post.tags
    )


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on", "yes")
