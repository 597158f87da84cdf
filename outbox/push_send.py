"""One Web Push attempt: build the payload, encrypt it (RFC 8291, aes128gcm), POST it with a
VAPID signature (RFC 8292), and move the row to its next state.

    sending -> delivered                  2xx (push services answer 201)
    sending -> queued (attempts + 1)      the push service may recover (5xx, 429, timeouts)
    sending -> failed                     refused (4xx) or attempts ran out
    the subscription is deleted           404 or 410: the app unsubscribed at the push service

The same schedule and classification as federation deliveries (`outbox.backoff`); outcomes are
written only while the row is still ours (`state='sending'`).
"""

from __future__ import annotations

import logging
import os
import random
from datetime import UTC, datetime
from urllib.parse import urlsplit

import http_ece
import orjson
from cryptography.hazmat.primitives.asymmetric import ec

from baraza.sanitize import html_to_text
from baraza.settings import Settings
from federation.client import FetchError, HttpClient
from outbox.backoff import MAX_ATTEMPTS, Outcome, classify, next_delay
from outbox.push_keys import b64url_decode, unseal_token, vapid_authorization, vapid_key
from outbox.push_rules import payload
from storage.models import Actor, Notification, Post, PushDelivery, PushSubscription

log = logging.getLogger(__name__)

TTL_SECONDS = 48 * 3600  # how long the push service keeps a push for an offline phone
_rng = random.SystemRandom()


def encrypt(body: bytes, p256dh: str, auth: str) -> bytes:
    """RFC 8291: a fresh sender key and salt per push, keyed to the app's public key and
    auth secret; the sender's public key travels in the aes128gcm header."""
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
    return http_ece.encrypt(
        body,
        salt=os.urandom(16),
        private_key=ec.generate_private_key(ec.SECP256R1()),
        dh=receiver,
        auth_secret=b64url_decode(auth),
        version="aes128gcm",
    )


async def build_payload(
    settings: Settings, subscription: PushSubscription, notification: Notification
) -> bytes:
    account = await Actor.get(id=notification.account_id)  # type: ignore[attr-defined]
    member = await Actor.get(id=notification.recipient_id)  # type: ignore[attr-defined]
    post_id = notification.post_id  # type: ignore[attr-defined]
    post = await Post.get_or_none(id=post_id) if post_id else None
    text = None
    if post is not None and post.deleted_at is None:
        text = html_to_text(post.summary or post.content).strip()
    doc = payload(
        notification_id=notification.id,
        type=notification.type,
        access_token=unseal_token(settings.data_dir, subscription.sealed_token),
        locale=member.ui_language or member.language or "en",
        icon=account.avatar_url or settings.url("/static/avatar.png"),
        account_name=account.display_name or account.username,
        account_acct=account.username if account.local else f"{account.username}@{account.domain}",
        post_text=text,
    )
    return orjson.dumps(doc)


async def push_one(row: PushDelivery, http: HttpClient, settings: Settings) -> Outcome | None:
    """Attempt a claimed row and record the outcome; None when there was nothing to send."""
    subscription = await PushSubscription.get_or_none(id=row.subscription_id).prefetch_related(  # type: ignore[attr-defined]
        "token"
    )
    notification = await Notification.get_or_none(id=row.notification_id)  # type: ignore[attr-defined]
    if subscription is None or notification is None or notification.dismissed:
        await _finish(row, state="failed", last_error="subscription or notification gone")
        return None
    if subscription.token.revoked_at is not None:
        await PushSubscription.filter(id=subscription.id).delete()  # the row goes with it
        return None
    body = encrypt(
        await build_payload(settings, subscription, notification),
        subscription.p256dh,
        subscription.auth,
    )
    parts = urlsplit(subscription.endpoint)
    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Encoding": "aes128gcm",
        "TTL": str(TTL_SECONDS),
        "Urgency": "normal",
        "Authorization": vapid_authorization(
            await vapid_key(), f"{parts.scheme}://{parts.netloc}", f"mailto:push@{settings.host}"
        ),
    }
    status: int | None = None
    error: str | None = None
    try:
        response = await http.request(
            "POST", subscription.endpoint, headers=headers, body=body, follow_redirects=False
        )
        status = response.status
    except FetchError as exc:
        error = exc.reason
    if status in (404, 410):
        # The app is gone from the push service: so is its subscription (and this row).
        await PushSubscription.filter(id=subscription.id).delete()
        log.info("push subscription %s ended by its push service (%s)", subscription.id, status)
        return Outcome.GIVE_UP
    return await record_outcome(row, status, error)


async def record_outcome(
    row: PushDelivery, status: int | None, error: str | None, *, now: datetime | None = None
) -> Outcome:
    now = now or datetime.now(UTC)
    outcome = classify(status, error)
    attempts = row.attempts + 1
    if outcome is Outcome.DELIVERED:
        await _finish(row, state="delivered", attempts=attempts, last_status=status,
                      delivered_at=now)  # fmt: skip
    elif outcome is Outcome.RETRY and attempts < MAX_ATTEMPTS:
        await _finish(
            row,
            state="queued",
            attempts=attempts,
            next_try_at=now + next_delay(attempts, _rng),
            last_status=status,
            last_error=(error or "")[:500],
        )
    else:
        await _finish(row, state="failed", attempts=attempts, last_status=status,
                      last_error=(error or "")[:500])  # fmt: skip
    log.info("push %s to %s: %s (status %s, attempt %d)", row.id, row.host, row.state, status,
             attempts)  # fmt: skip
    return outcome


async def _finish(row: PushDelivery, **changes: object) -> None:
    changes.setdefault("claimed_until", None)
    if await PushDelivery.filter(id=row.id, state="sending").update(**changes):
        for name, value in changes.items():
            setattr(row, name, value)
