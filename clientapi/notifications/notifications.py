"""`/api/v1/notifications`: list (filtered by type, paged), get one, dismiss, clear."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from baraza.responses import json_response
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, paged, parse_page, select
from clientapi.params import flag, row_id
from clientapi.statuses.status_entity import statuses
from federation.errors import NotFound, Unprocessable
from outbox.filtering import hidden_posts
from outbox.notification_groups import group_key
from outbox.surface import TYPES
from outbox.viewing import visible_posts
from storage.models import Actor, Notification, Post

blueprint = Blueprint("clientapi_notifications", __name__)


def _types(name: str) -> list[str]:
    values = [*request.args.getlist(name), *request.args.getlist(f"{name}[]")]
    unknown = [v for v in values if v not in TYPES]
    if unknown:
        raise Unprocessable(f"unknown notification type {unknown[0][:40]!r}")
    return values


async def shown_posts(rows: list[Notification], member: Actor) -> dict[int, Post]:
    """The posts of these notifications the member may see and no `hide` filter of the
    notifications context drops; a notification about any other post is left out."""
    posts = [r.post for r in rows if r.post is not None]
    visible = {p.id: p for p in await visible_posts(posts, member)}
    for hidden in await hidden_posts(list(visible.values()), member, "notifications"):
        visible.pop(hidden, None)
    return visible


async def entities(rows: list[Notification], member: Actor) -> list[dict[str, Any]]:
    """Notifications whose post the member may no longer see, or that a `hide` filter of the
    notifications context drops, are left out, not emptied."""
    visible = await shown_posts(rows, member)
    rendered = {int(s["id"]): s for s in await statuses(list(visible.values()), member)}
    out = []
    for row in rows:
        if row.post_id is not None and row.post_id not in visible:
            continue
        out.append(
            {
                "id": str(row.id),
                "type": row.type,
                "group_key": group_key(row),
                "created_at": iso(row.created_at),
                "account": await account(row.account, with_counts=False),
                "status": rendered.get(row.post_id) if row.post_id else None,
            }
        )
    return out


@blueprint.get("/api/v1/notifications")
async def list_notifications() -> Response:
    member = await require_member("read:notifications")
    page = parse_page(request.args, maximum=80)
    query = Notification.filter(recipient=member, dismissed=False)
    if not flag(request.args, "include_filtered"):
        query = query.filter(filtered=False)
    account_id = request.args.get("account_id")
    if account_id:
        query = query.filter(account_id=row_id(account_id, Actor) or 0)
    wanted, excluded = _types("types"), _types("exclude_types")
    if wanted:
        query = query.filter(type__in=wanted)
    if excluded:
        query = query.exclude(type__in=excluded)
    rows = await bounded(query, page).prefetch_related("account", "post")
    rows = select(rows, page, key=lambda r: r.id)
    return paged(await entities(rows, member), [r.id for r in rows])


async def _own(member: Actor, notification_id: str) -> Notification:
    row = None
    number = row_id(notification_id, Notification)
    if number is not None:
        row = await Notification.get_or_none(
            id=number, recipient=member, dismissed=False
        ).prefetch_related("account", "post")
    if row is None:
        raise NotFound("Record not found")
    return row


@blueprint.get("/api/v1/notifications/<notification_id>")
async def get_notification(notification_id: str) -> Response:
    member = await require_member("read:notifications")
    shown = await entities([await _own(member, notification_id)], member)
    if not shown:
        raise NotFound("Record not found")
    return json_response(shown[0])


@blueprint.post("/api/v1/notifications/<notification_id>/dismiss")
async def dismiss(notification_id: str) -> Response:
    member = await require_member("write:notifications")
    row = await _own(member, notification_id)
    row.dismissed = True
    await row.save(update_fields=["dismissed"])
    return json_response({})


@blueprint.post("/api/v1/notifications/clear")
async def clear() -> Response:
    member = await require_member("write:notifications")
    await Notification.filter(recipient=member).update(dismissed=True)
    return json_response({})
