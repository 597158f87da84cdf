"""`GET /api/v1/conversations`, `POST /api/v1/conversations/:id/read`, `DELETE .../:id`.

Each conversation is one member's view of one direct thread (`outbox.conversations` keeps
them as direct posts are stored). Its `last_status` goes through the read gate like any
status: a post the member may no longer see (deleted, or its author suspended) is left out of
the list. Paged by the last status's id, as Mastodon pages them.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.existence import knowledge
from baraza.responses import json_response
from baraza.services import settings
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from clientapi.params import id_or_404
from clientapi.statuses.status_entity import statuses
from federation.errors import NotFound
from outbox import conversations
from outbox.choices import conversation_participants
from outbox.viewing import visible_posts
from storage.models import Actor, Conversation

blueprint = Blueprint("conversations", __name__)


async def entities(rows: list[Conversation], member: Actor) -> list[dict[str, Any]]:
    """Conversation entities as `member` sees them (also for the `direct` stream)."""
    posts = [r.last_post for r in rows if r.last_post is not None]
    shown = {p.id: p for p in await visible_posts(posts, member)}
    kept = [r for r in rows if r.last_post_id in shown]  # type: ignore[attr-defined]
    rendered = dict(
        zip(
            [r.id for r in kept],
            await statuses([shown[r.last_post_id] for r in kept], member),  # type: ignore[attr-defined]
            strict=True,
        )
    )
    known = await knowledge(member)
    out = []
    for row in kept:
        post = shown[row.last_post_id]  # type: ignore[attr-defined]
        mentioned = [
            t["href"]
            for t in post.tags
            if isinstance(t, dict) and t.get("type") == "Mention" and isinstance(t.get("href"), str)
        ]
        actors = {a.uri: a for a in await Actor.filter(uri__in=mentioned)} if mentioned else {}
        others = conversation_participants(
            member.id,
            post.actor_id,
            [actors[u].id for u in mentioned if u in actors],  # type: ignore[attr-defined]
        )
        by_id = {a.id: a for a in await Actor.filter(id__in=others, suspended_at=None)}
        people = known.visible([by_id[i] for i in others if i in by_id])
        out.append(
            {
                "id": str(row.id),
                "unread": row.unread,
                "accounts": [await account(a, known=known) for a in people],
                "last_status": rendered[row.id],
            }
        )
    return out


@blueprint.get("/api/v1/conversations")
@blueprint.get("/api/v1/conversations/")  # Mastodon.py asks with the slash
async def list_conversations() -> Response:
    member = await require_member("read:statuses")
    page = parse_page(request.args, default=20, maximum=40)
    query = Conversation.filter(owner=member, last_post_id__not_isnull=True)
    rows = list(await bounded(query, page, field="last_post_id").prefetch_related("last_post"))
    if page.ascending:
        rows.reverse()
    body = await entities(rows, member)
    response = json_response(body)
    ids = [r.last_post_id for r in rows]  # type: ignore[attr-defined]
    link = link_header(settings().url("/api/v1/conversations"), request.args, ids)
    if link:
        response.headers["Link"] = link
    return response


async def _own(conversation_id: str) -> tuple[Actor, Conversation]:
    member = await require_member("write:conversations")
    row = await conversations.owned(member, id_or_404(conversation_id, Conversation))
    if row is None:
        raise NotFound("Record not found")
    return member, row


@blueprint.post("/api/v1/conversations/<conversation_id>/read")
async def mark_read(conversation_id: str) -> Response:
    member, row = await _own(conversation_id)
    await conversations.mark_read(row)
    await row.fetch_related("last_post")
    rendered = await entities([row], member)
    if not rendered:
        raise NotFound("Record not found")
    return json_response(rendered[0])


@blueprint.delete("/api/v1/conversations/<conversation_id>")
async def remove(conversation_id: str) -> Response:
    _, row = await _own(conversation_id)
    await conversations.remove(row)
    return json_response({})
