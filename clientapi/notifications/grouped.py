"""`/api/v2/notifications` (Mastodon 4.3's grouped notifications) and the unread counts.

A page holds up to `limit` groups; each group names its accounts and status by id, and the
accounts and statuses of the whole page are listed once at the top level. Which notifications
share a group is `outbox.notification_groups`'s pure key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from quart import Blueprint, Response, request
from tortoise.queryset import QuerySet

from actors.documents import iso
from baraza.responses import json_response
from clientapi.accounts.account_entity import account
from clientapi.auth import require_member
from clientapi.notifications.notifications import shown_posts
from clientapi.pagination import Page, bounded, link_header, parse_page
from clientapi.params import flag, number, row_id
from clientapi.statuses.status_entity import statuses
from federation.errors import NotFound, Unprocessable
from outbox.notification_groups import BUCKET_SECONDS, GROUPED_TYPES, group_key
from outbox.surface import TYPES
from storage.models import Actor, Marker, Notification

blueprint = Blueprint("clientapi_grouped_notifications", __name__)

SAMPLE_ACCOUNTS = 8
READ_AHEAD = 5  # notifications read per group wanted, before grouping thins them out


def _types(name: str) -> list[str]:
    values = [*request.args.getlist(name), *request.args.getlist(f"{name}[]")]
    unknown = [v for v in values if v not in TYPES]
    if unknown:
        raise Unprocessable(f"unknown notification type {unknown[0][:40]!r}")
    return values


def _grouped_types() -> frozenset[str]:
    values = [*request.args.getlist("grouped_types"), *request.args.getlist("grouped_types[]")]
    return frozenset(values) if values else GROUPED_TYPES


def _query(member: Actor) -> QuerySet:
    query = Notification.filter(recipient=member, dismissed=False)
    if not flag(request.args, "include_filtered"):
        query = query.filter(filtered=False)
    wanted, excluded = _types("types"), _types("exclude_types")
    if wanted:
        query = query.filter(type__in=wanted)
    if excluded:
        query = query.exclude(type__in=excluded)
    account_id = request.args.get("account_id")
    if account_id:
        query = query.filter(account_id=row_id(account_id, Actor) or 0)
    return query


async def _group_size(member: Actor, first: Notification, grouped: frozenset[str]) -> int:
    """Every notification of the group, not only those on this page (Mastodon counts so)."""
    key = group_key(first, grouped)
    if key.startswith("ungrouped-"):
        return 1
    created = first.created_at if first.created_at.tzinfo else first.created_at.replace(tzinfo=UTC)
    start = int(created.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS
    begin = datetime.fromtimestamp(start, UTC)
    rows = Notification.filter(
        recipient=member,
        dismissed=False,
        filtered=False,
        type=first.type,
        created_at__gte=begin,
        created_at__lt=begin + timedelta(seconds=BUCKET_SECONDS),
    )
    if first.post_id is not None:  # type: ignore[attr-defined]
        rows = rows.filter(post_id=first.post_id)  # type: ignore[attr-defined]
    return max(await rows.count(), 1)


PARTIAL_FIELDS = ("id", "acct", "url", "avatar", "avatar_static", "locked", "bot")


async def _results(
    member: Actor,
    rows: list[Notification],
    grouped: frozenset[str],
    limit: int,
    partial: bool = False,
) -> tuple[dict[str, Any], list[int]]:
    """With `partial` (`expand_accounts=partial_avatars`), only each group's most recent
    account is rendered in full; the others are `partial_accounts` (Mastodon's shape)."""
    """Groups (newest first) from notification rows (newest first), up to `limit`."""
    visible = await shown_posts(rows, member)
    rows = [r for r in rows if r.post_id is None or r.post_id in visible]  # type: ignore[attr-defined]
    groups: dict[str, list[Notification]] = {}
    for row in rows:
        key = group_key(row, grouped)
        if key not in groups and len(groups) >= limit:
            continue
        groups.setdefault(key, []).append(row)
    accounts: dict[int, Actor] = {}
    newest_accounts: set[int] = set()
    post_ids: list[int] = []
    out = []
    page_ids: list[int] = []
    for key, members in groups.items():
        newest = members[0]
        newest_accounts.add(newest.account.id)
        samples: list[int] = []
        for row in members:
            accounts.setdefault(row.account.id, row.account)
            if row.account.id not in samples and len(samples) < SAMPLE_ACCOUNTS:
                samples.append(row.account.id)
        page_ids.extend(r.id for r in members)
        group: dict[str, Any] = {
            "group_key": key,
            "notifications_count": await _group_size(member, newest, grouped),
            "type": newest.type,
            "most_recent_notification_id": str(newest.id),
            "page_min_id": str(members[-1].id),
            "page_max_id": str(newest.id),
            "latest_page_notification_at": iso(newest.created_at),
            "sample_account_ids": [str(a) for a in samples],
        }
        if newest.post_id is not None:  # type: ignore[attr-defined]
            group["status_id"] = str(newest.post_id)  # type: ignore[attr-defined]
            if newest.post_id not in post_ids:  # type: ignore[attr-defined]
                post_ids.append(newest.post_id)  # type: ignore[attr-defined]
        out.append(group)
    rendered = {i: await account(a, with_counts=False) for i, a in accounts.items()}
    body: dict[str, Any] = {
        "accounts": [e for i, e in rendered.items() if not partial or i in newest_accounts],
        "statuses": await statuses([visible[i] for i in post_ids], member),
        "notification_groups": out,
    }
    if partial:
        body["partial_accounts"] = [
            {k: e.get(k) for k in PARTIAL_FIELDS}
            for i, e in rendered.items()
            if i not in newest_accounts
        ]
    return body, page_ids


async def _page_rows(member: Actor, page: Page) -> list[Notification]:
    wider = Page(page.max_id, page.since_id, page.min_id, page.limit * READ_AHEAD)
    rows = await bounded(_query(member), wider).prefetch_related("account", "post")
    return list(reversed(rows)) if page.ascending else list(rows)


@blueprint.get("/api/v2/notifications")
async def grouped_notifications() -> Response:
    member = await require_member("read:notifications")
    page = parse_page(request.args, default=40, maximum=80)
    expand = request.args.get("expand_accounts") or "full"
    if expand not in ("full", "partial_avatars"):
        raise Unprocessable("expand_accounts must be full or partial_avatars")
    rows = await _page_rows(member, page)
    partial = expand == "partial_avatars"
    body, ids = await _results(member, rows, _grouped_types(), page.limit, partial)
    response = json_response(body)
    link = link_header(request.base_url, request.args, ids)
    if link:
        response.headers["Link"] = link
    return response


async def _group_rows(member: Actor, key: str) -> list[Notification]:
    """The group's notifications, found among the member's recent ones (a group spans an
    hour, and an ungrouped key names its notification)."""
    if key.startswith("ungrouped-"):
        number_ = row_id(key.removeprefix("ungrouped-"), Notification)
        rows = await Notification.filter(
            id=number_ or 0, recipient=member, dismissed=False
        ).prefetch_related("account", "post")
    else:
        rows = [
            r
            for r in await Notification.filter(recipient=member, dismissed=False, filtered=False)
            .order_by("-id")
            .limit(1000)
            .prefetch_related("account", "post")
            if group_key(r) == key
        ]
    if not rows:
        raise NotFound("Record not found")
    return rows


@blueprint.get("/api/v2/notifications/<group_key_>")
async def notification_group(group_key_: str) -> Response:
    member = await require_member("read:notifications")
    body, _ = await _results(member, await _group_rows(member, group_key_), GROUPED_TYPES, 1)
    if not body["notification_groups"]:
        raise NotFound("Record not found")
    return json_response(body)


@blueprint.get("/api/v2/notifications/<group_key_>/accounts")
async def notification_group_accounts(group_key_: str) -> Response:
    member = await require_member("read:notifications")
    rows = await _group_rows(member, group_key_)
    visible = await shown_posts(rows, member)
    seen: dict[int, Actor] = {}
    for row in rows:
        if row.post_id is None or row.post_id in visible:  # type: ignore[attr-defined]
            seen.setdefault(row.account.id, row.account)
    if not seen:
        raise NotFound("Record not found")
    return json_response([await account(a, with_counts=False) for a in seen.values()])


@blueprint.post("/api/v2/notifications/<group_key_>/dismiss")
async def dismiss_group(group_key_: str) -> Response:
    member = await require_member("write:notifications")
    ids = [r.id for r in await _group_rows(member, group_key_)]
    await Notification.filter(id__in=ids, recipient=member).update(dismissed=True)
    return json_response({})


async def _unread(member: Actor, grouped: frozenset[str] | None, cap: int) -> int:
    """Notifications (or groups) newer than the member's notifications marker, capped."""
    marker = await Marker.get_or_none(actor=member, timeline="notifications")
    query = _query(member)
    if marker is not None:
        query = query.filter(id__gt=row_id(marker.last_read_id) or 0)
    rows = await query.order_by("-id").limit(cap).prefetch_related("post")
    visible = await shown_posts(rows, member)
    rows = [r for r in rows if r.post_id is None or r.post_id in visible]  # type: ignore[attr-defined]
    if grouped is None:
        return len(rows)
    return len({group_key(r, grouped) for r in rows})


@blueprint.get("/api/v2/notifications/unread_count")
async def unread_groups() -> Response:
    member = await require_member("read:notifications")
    cap = number(request.args.get("limit"), "limit", default=100, minimum=1, maximum=1000)
    return json_response({"count": await _unread(member, _grouped_types(), cap)})


@blueprint.get("/api/v1/notifications/unread_count")
async def unread_notifications() -> Response:
    member = await require_member("read:notifications")
    cap = number(request.args.get("limit"), "limit", default=100, minimum=1, maximum=1000)
    return json_response({"count": await _unread(member, None, cap)})
