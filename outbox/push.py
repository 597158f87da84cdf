"""Web Push subscriptions (core actions) and the enqueueing of pushes for new notifications.

A member's app subscribes with its own token (`POST /api/v1/push/subscription`); a new
subscription replaces the token's old one, as in Mastodon. When `outbox.surface.notify` makes
a notification, `enqueue_for` writes one `PushDelivery` per subscription of the recipient
whose alerts and policy want it (`outbox.push_rules.wants_push`); the worker sends them
(`outbox.push_send`). A subscription belongs to one token: it is deleted when the token is
revoked (and never pushed to with a revoked token).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from outbox.commit import action
from outbox.publish import wake_workers
from outbox.push_keys import b64url_decode, seal_token
from outbox.push_rules import POLICIES, Relation, wants_push
from storage.models import AccessToken, Actor, Follow, Notification, PushDelivery, PushSubscription


class InvalidSubscription(ValueError):
    """The app's endpoint or keys cannot be pushed to; the door answers 422."""


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    """Pure: an https (or, for local tests, http) URL, a P-256 point and a 16-byte secret."""
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidSubscription("subscription[endpoint] must be an https URL")
    if len(endpoint) > 2048:
        raise InvalidSubscription("subscription[endpoint] is too long")
    try:
        point = b64url_decode(p256dh)
        secret = b64url_decode(auth)
    except ValueError as exc:
        raise InvalidSubscription("subscription[keys] must be base64url") from exc
    if len(point) != 65 or point[0] != 4:
        raise InvalidSubscription("subscription[keys][p256dh] must be an uncompressed P-256 key")
    if len(secret) != 16:
        raise InvalidSubscription("subscription[keys][auth] must be 16 bytes")


async def subscribe(
    data_dir: Path,
    token: AccessToken,
    raw_token: str,
    member: Actor,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    alerts: dict[str, bool],
    policy: str,
) -> PushSubscription:
    check_subscription(endpoint, p256dh, auth)
    if policy not in POLICIES:
        raise InvalidSubscription(f"policy must be one of {', '.join(POLICIES)}")
    async with action():
        await PushSubscription.filter(token=token).delete()
        return await PushSubscription.create(
            token=token,
            account=member,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            alerts=alerts,
            policy=policy,
            sealed_token=seal_token(data_dir, raw_token),
        )


async def current(token: AccessToken) -> PushSubscription | None:
    return await PushSubscription.get_or_none(token=token)


async def update(
    subscription: PushSubscription, alerts: dict[str, bool], policy: str
) -> PushSubscription:
    """Only alerts and policy change (Mastodon's PUT); the endpoint and keys stay."""
    if policy not in POLICIES:
        raise InvalidSubscription(f"policy must be one of {', '.join(POLICIES)}")
    subscription.alerts = alerts
    subscription.policy = policy
    await subscription.save(update_fields=["alerts", "policy"])
    return subscription


async def unsubscribe(token: AccessToken) -> None:
    await PushSubscription.filter(token=token).delete()


async def token_revoked(token_id: int) -> None:
    """The subscription dies with its token (revocation keeps the token row, so no cascade)."""
    await PushSubscription.filter(token_id=token_id).delete()


async def enqueue_for(notification: Notification) -> int:
    """One push row per subscription of the recipient that wants this notification; called in
    the notification's own transaction when there is one, so the two commit together."""
    if notification.filtered:
        return 0  # held back by the member's notification policy: no push either
    subscriptions = await PushSubscription.filter(
        account_id=notification.recipient_id  # type: ignore[attr-defined]
    ).prefetch_related("token")
    if not subscriptions:
        return 0
    stale = [s.id for s in subscriptions if s.token.revoked_at is not None]
    if stale:
        await PushSubscription.filter(id__in=stale).delete()
    live = [s for s in subscriptions if s.id not in stale]
    relation = await _relation(notification)
    now = datetime.now(UTC)
    rows = [
        PushDelivery(
            subscription=s,
            notification=notification,
            host=(urlsplit(s.endpoint).hostname or "").lower(),
            next_try_at=now,
        )
        for s in live
        if wants_push(s.alerts, s.policy, notification.type, relation)
    ]
    if rows:
        await PushDelivery.bulk_create(rows)
        wake_workers()
    return len(rows)


async def _relation(notification: Notification) -> Relation:
    member_id = notification.recipient_id  # type: ignore[attr-defined]
    account_id = notification.account_id  # type: ignore[attr-defined]
    return Relation(
        member_follows_account=await Follow.exists(
            follower_id=member_id, target_id=account_id, accepted=True
        ),
        account_follows_member=await Follow.exists(
            follower_id=account_id, target_id=member_id, accepted=True
        ),
    )


def entity(subscription: PushSubscription, server_key: str) -> dict[str, Any]:
    """Mastodon's WebPushSubscription entity."""
    return {
        "id": str(subscription.id),
        "endpoint": subscription.endpoint,
        "standard": True,
        "alerts": dict(subscription.alerts),
        "policy": subscription.policy,
        "server_key": server_key,
    }
