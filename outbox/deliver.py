"""One delivery attempt: sign, POST, and record what happened on the row and its host.

Each call advances one `Delivery` from `sending` to its next state:

    sending -> delivered                  2xx
    sending -> queued (attempts + 1)      the peer may recover (5xx, 429, timeouts …)
    sending -> failed                     the peer refused for good, or attempts ran out
    sending -> cancelled                  the domain was blocked after the row was queued

Outcomes are written only while the row is still ours (`state='sending'`), so a late answer
never overwrites what another worker recorded after reclaiming an expired lease.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from baraza.metrics import REGISTRY
from baraza.settings import Settings
from federation.activities import host_of
from federation.client import FetchError, HttpClient
from federation.errors import BadRequest
from federation.signature_styles import STYLES, knock
from federation.signing import Signer, make_signer
from outbox.backoff import MAX_ATTEMPTS, Outcome, classify, next_delay
from storage.models import Activity, Actor, Delivery, Host

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/activity+json"
BREAKER_THRESHOLD = 5
"""Consecutive failures after which a host is marked unavailable."""
UNAVAILABLE_RETRY = timedelta(hours=1)
"""Shortest wait between tries to an unavailable host: still tried, so we notice recovery."""
_ERROR_CHARS = 500

_rng = random.SystemRandom()


class PayloadUnavailable(Exception):
    """The activity or its signer cannot produce a signed body; no retry will change that."""


@dataclass(frozen=True)
class Payload:
    """What every delivery of one activity shares: the body bytes and a signer per style."""

    body: bytes
    signers: dict[str, Signer]


class PayloadCache:
    """Serialise and sign-prepare each activity once per worker, not once per recipient.

    A post to a thousand followers is a thousand rows of the same activity; loading the
    document and parsing the private key for each would dominate the work.
    """

    def __init__(self, settings: Settings, max_entries: int = 256) -> None:
        self._settings = settings
        self._max = max_entries
        self._entries: dict[tuple[int, int], Payload] = {}

    async def get(self, delivery: Delivery) -> Payload:
        key = (delivery.activity_id, delivery.signer_id)  # type: ignore[attr-defined]
        cached = self._entries.get(key)
        if cached is not None:
            return cached
        activity = await Activity.get_or_none(id=key[0])
        signer = await Actor.get_or_none(id=key[1])
        if activity is None or signer is None:
            raise PayloadUnavailable("activity or signer no longer exists")
        if not signer.private_key_pem:
            raise PayloadUnavailable("signer has no private key")
        payload = Payload(
            body=orjson.dumps(activity.document),
            signers={
                style: make_signer(signer.key_id, signer.private_key_pem, style)
                for style in STYLES
            },
        )
        if len(self._entries) >= self._max:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = payload
        return payload


async def deliver_one(
    delivery: Delivery,
    http: HttpClient,
    settings: Settings,
    *,
    refused: Callable[[str], bool] | None = None,
    payloads: PayloadCache | None = None,
) -> None:
    """Attempt `delivery` (already claimed by the caller) and record the outcome.

    `refused` is the domain policy, re-checked here because a block may have been added since
    the row was queued; the worker loads it once per batch. `payloads` shares serialised
    bodies between deliveries of one activity.
    """
    if refused is None:
        from federation.policy import delivery_refused

        refused = await delivery_refused()
    if refused(delivery.host):
        await _finish(delivery, state="cancelled", last_error="domain refused by policy")
        log.info("delivery %s to %s cancelled: domain refused", delivery.id, delivery.host)
        return
    try:
        payload = await (payloads or PayloadCache(settings)).get(delivery)
    except PayloadUnavailable as exc:
        await _finish(delivery, state="failed", last_error=str(exc))
        log.warning("delivery %s failed: %s", delivery.id, exc)
        return
    status: int | None = None
    error: str | None = None
    started = time.monotonic()
    try:
        response = await knock(
            _verifier(delivery),
            settings.signature_style,
            lambda style: http.post(
                delivery.inbox_url, payload.body, CONTENT_TYPE, sign=payload.signers[style]
            ),
        )
        status = response.status
    except FetchError as exc:
        error = exc.reason
    outcome = await record_outcome(delivery, status, error)
    REGISTRY.delivery(delivery.host, time.monotonic() - started, outcome is Outcome.DELIVERED)


def _verifier(delivery: Delivery) -> str:
    """The host whose signature style we learn: the inbox's (the row's host if unparsable,
    and then the client refuses the URL as before)."""
    try:
        return host_of(delivery.inbox_url)
    except BadRequest:
        return delivery.host


async def record_outcome(
    delivery: Delivery, status: int | None, error: str | None, *, now: datetime | None = None
) -> Outcome:
    """Move the row to its next state and update the host's breaker."""
    now = now or datetime.now(UTC)
    outcome = classify(status, error)
    last_error = (error or "")[:_ERROR_CHARS]
    attempts = delivery.attempts + 1
    if outcome is Outcome.DELIVERED:
        await _finish(
            delivery, state="delivered", attempts=attempts, last_status=status, delivered_at=now
        )
    elif outcome is Outcome.RETRY and attempts < MAX_ATTEMPTS:
        delay = next_delay(attempts, _rng)
        if await _host_unavailable(delivery.host):
            delay = max(delay, UNAVAILABLE_RETRY)
        await _finish(
            delivery,
            state="queued",
            attempts=attempts,
            next_try_at=now + delay,
            last_status=status,
            last_error=last_error,
        )
    else:
        await _finish(
            delivery, state="failed", attempts=attempts, last_status=status, last_error=last_error
        )
    await _update_breaker(delivery.host, status, outcome, now)
    log.info(
        "delivery %s to %s: %s (status %s%s, attempt %d)",
        delivery.id,
        delivery.inbox_url,
        delivery.state,
        status,
        f", {error}" if error else "",
        attempts,
    )
    return outcome


async def _finish(delivery: Delivery, **changes: object) -> None:
    changes.setdefault("claimed_until", None)
    updated = await Delivery.filter(id=delivery.id, state="sending").update(**changes)
    if not updated:
        log.warning("delivery %s was no longer ours when its outcome came", delivery.id)
        return
    for name, value in changes.items():
        setattr(delivery, name, value)


async def _host_unavailable(domain: str) -> bool:
    return await Host.filter(domain=domain, unavailable_since__isnull=False).exists()


async def _update_breaker(domain: str, status: int | None, outcome: Outcome, now: datetime) -> None:
    """Count consecutive failures per host; any real answer below 500 means it is up.

    A 429 says neither: the host is alive but wants us to slow down.
    """
    if status == 429:
        return
    if outcome is Outcome.RETRY:
        await _ensure_host(domain)
        await Host.filter(domain=domain).update(consecutive_failures=F("consecutive_failures") + 1)
        marked = await Host.filter(
            domain=domain,
            unavailable_since__isnull=True,
            consecutive_failures__gte=BREAKER_THRESHOLD,
        ).update(unavailable_since=now)
        if marked:
            log.warning("host %s marked unavailable after %d failures", domain, BREAKER_THRESHOLD)
        return
    if status is None:
        return  # gave up on a bad URL without reaching the host
    recovered = await Host.filter(domain=domain, unavailable_since__isnull=False).update(
        unavailable_since=None, consecutive_failures=0, last_success_at=now
    )
    if recovered:
        # Pull the host's backlog forward: its retries were spaced out while it was down.
        await Delivery.filter(host=domain, state="queued", next_try_at__gt=now).update(
            next_try_at=now
        )
        log.info("host %s is available again", domain)
        return
    updated = await Host.filter(domain=domain).update(consecutive_failures=0, last_success_at=now)
    if not updated:
        await _ensure_host(domain, last_success_at=now)


async def _ensure_host(domain: str, **defaults: object) -> None:
    if await Host.filter(domain=domain).exists():
        return
    try:
        await Host.create(domain=domain, **defaults)
    except IntegrityError:
        pass  # another worker created it between our check and insert; theirs will do
