"""The notification policy (`/api/v2/notifications/policy`, and v1's boolean form) and the
requests it files (`/api/v1/notifications/requests`): accepting one lets its notifications
through and the sender's future ones; dismissing one drops them. The decision itself is
`outbox.notification_policy`'s; the changes are `outbox.notification_requests`'."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.documents import iso
from baraza.responses import json_response
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.pagination import bounded, paged, parse_page, select
from clientapi.params import flag, id_list, request_params, row_id
from clientapi.statuses.status_entity import statuses
from federation.errors import NotFound, Unprocessable
from outbox import notification_requests as requests_core
from outbox.notification_policy import CHOICES, FIELDS, Policy, policy_of
from outbox.viewing import visible_posts
from storage.models import Actor, Notification, NotificationRequest

blueprint = Blueprint("clientapi_notification_policy", __name__)

V1_FIELDS = {
    "filter_not_following": "for_not_following",
    "filter_not_followers": "for_not_followers",
    "filter_new_accounts": "for_new_accounts",
    "filter_private_mentions": "for_private_mentions",
}


async def _summary(member: Actor) -> dict[str, int]:
    return {
        "pending_requests_count": await NotificationRequest.filter(recipient=member).count(),
        "pending_notifications_count": await Notification.filter(
            recipient=member, filtered=True, dismissed=False
        ).count(),
    }


async def _v2(member: Actor, policy: Policy) -> dict[str, Any]:
    return {**{f: getattr(policy, f) for f in FIELDS}, "summary": await _summary(member)}


async def _v1(member: Actor, policy: Policy) -> dict[str, Any]:
    return {
        **{old: getattr(policy, new) != "accept" for old, new in V1_FIELDS.items()},
        "summary": await _summary(member),
    }


@blueprint.get("/api/v2/notifications/policy")
async def get_policy() -> Response:
    member = await require_member("read:notifications")
    return json_response(await _v2(member, await policy_of(member)))


@blueprint.patch("/api/v2/notifications/policy")
async def update_policy() -> Response:
    member = await require_member("write:notifications")
    params = await request_params()
    changes = {}
    for name in FIELDS:
        value = params.get(name)
        if value is None:
            continue
        if value not in CHOICES:
            raise Unprocessable(f"{name} must be one of {', '.join(CHOICES)}")
        changes[name] = value
    policy = await requests_core.set_policy(member, changes)
    return json_response(await _v2(member, policy))


@blueprint.get("/api/v1/notifications/policy")
async def get_policy_v1() -> Response:
    member = await require_member("read:notifications")
    return json_response(await _v1(member, await policy_of(member)))


@blueprint.patch("/api/v1/notifications/policy")
async def update_policy_v1() -> Response:
    member = await require_member("write:notifications")
    params = await request_params()
    changes = {}
    for old, new in V1_FIELDS.items():
        value = flag({old: params.get(old)}, old)
        if value is not None:
            changes[new] = "filter" if value else "accept"
    policy = await requests_core.set_policy(member, changes)
    return json_response(await _v1(member, policy))


async def _entities(rows: list[NotificationRequest], member: Actor) -> list[dict[str, Any]]:
    posts = [r.last_post for r in rows if r.last_post is not None]
    visible = {p.id: p for p in await visible_posts(posts, member)}
    rendered = {int(s["id"]): s for s in await statuses(list(visible.values()), member)}
    out = []
    for row in rows:
        count = await Notification.filter(
            recipient=member,
            account_id=row.account_id,
            filtered=True,
            dismissed=False,  # type: ignore[attr-defined]
        ).count()
        out.append(
            {
                "id": str(row.id),
                "created_at": iso(row.created_at),
                "updated_at": iso(row.updated_at),
                "account": await account(row.account, with_counts=False),
                "notifications_count": str(count),
                "last_status": rendered.get(row.last_post_id),  # type: ignore[attr-defined]
            }
        )
    return out


async def _own(member: Actor, request_id: str) -> NotificationRequest:
    number = row_id(request_id, NotificationRequest)
    row = (
        await NotificationRequest.get_or_none(id=number, recipient=member).prefetch_related(
            "account", "last_post"
        )
        if number
        else None
    )
    if row is None:
        raise NotFound("Record not found")
    return row


@blueprint.get("/api/v1/notifications/requests")
async def list_requests() -> Response:
    member = await require_member("read:notifications")
    page = parse_page(request.args, default=40, maximum=80)
    query = NotificationRequest.filter(recipient=member)
    rows = select(
        await bounded(query, page).prefetch_related("account", "last_post"),
        page,
        key=lambda r: r.id,
    )
    return paged(await _entities(rows, member), [r.id for r in rows])


@blueprint.get("/api/v1/notifications/requests/merged")
async def requests_merged() -> Response:
    await require_member("read:notifications")
    return json_response({"merged": True})  # accepting merges at once: nothing is pending


@blueprint.get("/api/v1/notifications/requests/<request_id>")
async def get_request(request_id: str) -> Response:
    member = await require_member("read:notifications")
    return json_response((await _entities([await _own(member, request_id)], member))[0])


@blueprint.post("/api/v1/notifications/requests/<request_id>/accept")
async def accept_request(request_id: str) -> Response:
    member = await require_member("write:notifications")
    await requests_core.accept(member, [await _own(member, request_id)])
    return json_response({})


@blueprint.post("/api/v1/notifications/requests/<request_id>/dismiss")
async def dismiss_request(request_id: str) -> Response:
    member = await require_member("write:notifications")
    await requests_core.dismiss(member, [await _own(member, request_id)])
    return json_response({})


async def _named(member: Actor) -> list[NotificationRequest]:
    ids = id_list((await request_params()).getlist("id"), "id", NotificationRequest)
    return list(await NotificationRequest.filter(id__in=ids, recipient=member))


@blueprint.post("/api/v1/notifications/requests/accept")
async def accept_requests() -> Response:
    member = await require_member("write:notifications")
    await requests_core.accept(member, await _named(member))
    return json_response({})


@blueprint.post("/api/v1/notifications/requests/dismiss")
async def dismiss_requests() -> Response:
    member = await require_member("write:notifications")
    await requests_core.dismiss(member, await _named(member))
    return json_response({})
