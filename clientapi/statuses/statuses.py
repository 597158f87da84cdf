"""`/api/v1/statuses`: post, read, delete, edit, and a status's context, history and source."""

from __future__ import annotations

from quart import Blueprint, Response, request
from tortoise.exceptions import IntegrityError

from baraza.responses import json_response
from baraza.services import settings
from baraza.viewer import current_member
from clientapi.auth import Forbidden, require_member
from clientapi.params import request_params, row_id
from clientapi.statuses.boost_ids import find_boost
from clientapi.statuses.posting import (
    not_found,
    publish_status,
    read_draft,
    source_text,
)
from clientapi.statuses.status_entity import status, statuses
from outbox import actions
from outbox.filtering import drop_hidden
from outbox.viewing import may_view, visible_post, visible_posts
from storage.models import Actor, IdempotentRequest, Post

blueprint = Blueprint("clientapi_statuses", __name__)

CONTEXT_LIMIT = 60


async def viewer() -> Actor | None:
    """Who reads: the member, or None for a logged-out reader (whom the gate let in only on
    the routes anyone may read, while the instance allows it)."""
    return await current_member()


@blueprint.post("/api/v1/statuses")
async def create_status() -> Response:
    member = await require_member("write:statuses")
    key = (request.headers.get("Idempotency-Key") or "").strip()[:128]
    earlier = await _posted_with(member, key)
    if earlier is not None:
        return json_response(await status(earlier, member))
    params = await request_params()
    draft = await read_draft(member, params)
    if params.get("scheduled_at") not in (None, ""):
        from clientapi.statuses.scheduled import schedule_draft

        return json_response(await schedule_draft(member, draft, params))
    try:
        post = await publish_status(member, draft, idempotency_key=key or None)
    except IntegrityError:
        # The same key at the same moment: the other request's post is this one's answer.
        earlier = await _posted_with(member, key)
        if earlier is None:
            raise
        post = earlier
    return json_response(await status(post, member))


async def _posted_with(member: Actor, key: str) -> Post | None:
    """The post an earlier request with this `Idempotency-Key` made (stored with the post)."""
    if not key:
        return None
    earlier = await IdempotentRequest.get_or_none(actor=member, key=key)
    return await Post.get_or_none(id=earlier.post_id) if earlier is not None else None


@blueprint.get("/api/v1/statuses/<status_id>")
async def get_status(status_id: str) -> Response:
    who = await viewer()
    number = row_id(status_id, Post)
    if number is not None:
        post = await Post.get_or_none(id=number)
        if post is not None:
            if not await may_view(post, who):
                raise not_found()
            return json_response(await status(post, who))
        boost = await find_boost(number)
        if boost is not None and await may_view(boost.post, who):
            return json_response(await status(boost, who))
    raise not_found()


@blueprint.delete("/api/v1/statuses/<status_id>")
async def delete_status(status_id: str) -> Response:
    member = await require_member("write:statuses")
    post = await visible_post(status_id, member)
    # Rendered first (Mastodon answers with the deleted status and its source); the core
    # decides whether the member may delete it, and its refusal discards the rendering.
    entity = await status(post, member)
    entity["text"] = await source_text(post)
    await actions.delete_post(settings(), member, post)
    return json_response(entity)


@blueprint.put("/api/v1/statuses/<status_id>")
async def edit_status(status_id: str) -> Response:
    from clientapi.statuses.status_edit import edit_from_params

    member = await require_member("write:statuses")
    post = await visible_post(status_id, member)
    if post.actor_id != member.id:
        raise Forbidden("This action is not allowed")
    post = await edit_from_params(member, post, await request_params())
    return json_response(await status(post, member))


@blueprint.get("/api/v1/statuses/<status_id>/source")
async def get_source(status_id: str) -> Response:
    member = await require_member("read:statuses")
    post = await visible_post(status_id, member)
    if post.actor_id != member.id:
        raise not_found()
    return json_response(
        {"id": str(post.id), "text": await source_text(post), "spoiler_text": post.summary or ""}
    )


async def _ancestors(post: Post, who: Actor | None) -> list[Post]:
    chain: list[Post] = []
    seen = {post.id}
    current = post
    while current.in_reply_to_uri and len(chain) < CONTEXT_LIMIT:
        parent = await Post.get_or_none(uri=current.in_reply_to_uri)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        chain.append(parent)
        current = parent
    return list(reversed(await visible_posts(chain, who)))


async def _descendants(post: Post, who: Actor | None) -> list[Post]:
    found: list[Post] = []
    frontier = [post.uri]
    seen = {post.id}
    while frontier and len(found) < CONTEXT_LIMIT:
        replies = await Post.filter(in_reply_to_uri__in=frontier, deleted_at=None).order_by("id")
        replies = [r for r in replies if r.id not in seen]
        seen.update(r.id for r in replies)
        found.extend(replies)
        frontier = [r.uri for r in replies]
    return await visible_posts(found[:CONTEXT_LIMIT], who)


@blueprint.get("/api/v1/statuses/<status_id>/context")
async def get_context(status_id: str) -> Response:
    who = await viewer()
    post = await visible_post(status_id, who)
    return json_response(
        {
            "ancestors": await statuses(
                await drop_hidden(await _ancestors(post, who), who, "thread"), who
            ),
            "descendants": await statuses(
                await drop_hidden(await _descendants(post, who), who, "thread"), who
            ),
        }
    )


@blueprint.get("/api/v1/statuses/<status_id>/history")
async def get_history(status_id: str) -> Response:
    who = await viewer()
    post = await visible_post(status_id, who)
    entity = await status(post, who)
    versions = [v for v in post.edits if isinstance(v, dict)] or [
        {
            "content": post.content,
            "spoiler_text": post.summary,
            "sensitive": post.sensitive,
            "created_at": entity["created_at"],
        }
    ]
    return json_response(
        [
            {
                "content": v.get("content", ""),
                "spoiler_text": v.get("spoiler_text") or "",
                "sensitive": bool(v.get("sensitive")),
                "created_at": v.get("created_at"),
                "account": entity["account"],
                "poll": None,
                "media_attachments": entity["media_attachments"],
                "emojis": [],
            }
            for v in versions
        ]
    )
