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

import asyncio
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
from federation.signature_styles import STYLES, knock, note_style
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
                style: make_signer(signer.key_id, signer.private_key_pem, style) for style in STYLES
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
    outcomes: OutcomeBatch | None = None,
) -> None:
    """Attempt `delivery` (already claimed by the caller) and record the outcome.

    `refused` is the domain policy, re-checked here because a block may have been added since
    the row was queued; the worker loads it once per batch. `payloads` shares serialised
    bodies between deliveries of one activity. `outcomes` (the worker's) writes successes for
    many rows at once; this returns only once the row's success is stored either way.
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
            style_host(delivery),
            settings.signature_style,
            lambda style: http.post(
                delivery.inbox_url, payload.body, CONTENT_TYPE, sign=payload.signers[style]
            ),
            remember=outcomes.remember_style if outcomes is not None else None,
        )
        status = response.status
    except FetchError as exc:
        error = exc.reason
    if outcomes is not None and classify(status, error) is Outcome.DELIVERED:
        await outcomes.delivered(delivery, status)
        outcome = Outcome.DELIVERED
    else:
        outcome = await record_outcome(delivery, status, error)
    REGISTRY.delivery(delivery.host, time.monotonic() - started, outcome is Outcome.DELIVERED)


def style_host(delivery: Delivery) -> str:
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


class OutcomeBatch:
    """Group commit of successful deliveries: rows that got their 2xx while the previous write
    was running are marked delivered together, with their hosts' breaker reset and the
    signature styles learned, in a handful of statements instead of about six per row.

    A send waits until its row is written before it frees its slot, so the rows a crash can
    send twice are still at most the worker's concurrency (in flight, or answered and not yet
    written), as before. Failures and retries stay on the per-row path: they are rare, and
    they carry the breaker's arithmetic.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Delivery, int | None, asyncio.Future[None]]] = []
        self._styles: dict[str, str] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def remember_style(self, host: str, style: str) -> None:
        if note_style(host, style):
            self._styles[host] = style

    async def delivered(self, delivery: Delivery, status: int | None) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((delivery, status, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_loop(), name="delivery-outcomes")
        await future

    async def drain(self) -> None:
        """Write whatever is pending (a stopping worker, before it releases its rows)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)
        if self._pending or self._styles:
            await self._flush_loop()

    async def _flush_loop(self) -> None:
        while self._pending or self._styles:
            batch, self._pending = self._pending, []
            styles, self._styles = self._styles, {}
            try:
                await _store_delivered([(d, status) for d, status, _ in batch], styles)
            except Exception as exc:  # noqa: BLE001 - rows stay `sending`; the lease returns them
                log.warning("could not record %d deliveries: %s", len(batch), exc)
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for _, _, future in batch:
                if not future.done():
                    future.set_result(None)


async def _store_delivered(
    rows: list[tuple[Delivery, int | None]],
    styles: dict[str, str],
    *,
    now: datetime | None = None,
) -> None:
    """`record_outcome` for many 2xx rows: the same end state, in a few statements."""
    now = now or datetime.now(UTC)
    by_status: dict[int | None, list[Delivery]] = {}
    for delivery, status in rows:
        by_status.setdefault(status, []).append(delivery)
    for status, deliveries in by_status.items():
        updated = await Delivery.filter(id__in=[d.id for d in deliveries], state="sending").update(
            state="delivered",
            attempts=F("attempts") + 1,
            last_status=status,
            delivered_at=now,
            claimed_until=None,
        )
        if updated < len(deliveries):
            log.warning(
                "%d of %d deliveries were no longer ours when their outcome came",
                len(deliveries) - updated,
                len(deliveries),
            )
        for delivery in deliveries:
            delivery.attempts += 1
            delivery.state = "delivered"
            delivery.last_status = status
            delivery.delivered_at = now
            delivery.claimed_until = None
            log.debug(
                "delivery %s to %s: delivered (status %s)", delivery.id, delivery.inbox_url, status
            )
        # One line per batch: a line per row was a visible share of a large fan-out's time.
        log.info("%d deliveries delivered (status %s)", updated, status)
    await _hosts_answered({d.host for d, _ in rows}, now, styles)


async def _hosts_answered(domains: set[str], now: datetime, styles: dict[str, str]) -> None:
    """`_update_breaker` for hosts that answered 2xx, and their learned styles, batched."""
    if not domains and not styles:
        return
    found = await Host.filter(domain__in=list(domains | set(styles))).values_list(
        "domain", "unavailable_since"
    )
    existing = {domain for domain, _ in found}
    recovered = [domain for domain, since in found if since is not None and domain in domains]
    for domain in recovered:
        if await Host.filter(domain=domain, unavailable_since__isnull=False).update(
            unavailable_since=None, consecutive_failures=0, last_success_at=now
        ):
            await Delivery.filter(host=domain, state="queued", next_try_at__gt=now).update(
                next_try_at=now
            )
            log.info("host %s is available again", domain)
    answered = [d for d in domains if d in existing and d not in recovered]
    if answered:
        await Host.filter(domain__in=answered).update(consecutive_failures=0, last_success_at=now)
    for style in set(styles.values()):
        known = [h for h, s in styles.items() if s == style and h in existing]
        if known:
            await Host.filter(domain__in=known).update(signature_style=style)
    missing = [
        Host(
            domain=domain,
            last_success_at=now if domain in domains else None,
            signature_style=styles.get(domain),
        )
        for domain in (domains | set(styles)) - existing
    ]
    if missing:
        # Another worker may insert one of them meanwhile; its row is as good as ours.
        await Host.bulk_create(missing, ignore_conflicts=True)


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
