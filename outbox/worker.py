"""The delivery worker: claims due rows and sends them, with global and per-host limits;
beside it, the loop that publishes scheduled posts at their time (`outbox.scheduled`).

It runs inside `baraza serve` (embedded mode) or as `baraza worker` processes; any number of
them can share one database because rows are claimed atomically (`outbox.claims`). All the
state lives in the `deliveries` table, so stopping or killing a worker loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections import defaultdict
from collections.abc import Callable

from baraza.settings import Settings
from federation.client import ClientSettings, HttpClient
from federation.signature_styles import prime_styles
from outbox import claims
from outbox.deliver import OutcomeBatch, PayloadCache, deliver_one, style_host
from outbox.peers import run_nodeinfo_refresh
from outbox.poll_endings import run_poll_endings
from outbox.publish import register_wakeup, unregister_wakeup
from outbox.push_worker import PushWorker
from outbox.scheduled import run_schedule
from storage.models import Delivery

log = logging.getLogger(__name__)

BATCH_SIZE = 50
CONCURRENCY = 32
PER_HOST = 4
POLL_SECONDS = 1.0
STOP_GRACE_SECONDS = 5.0
_DB_BACKOFF_MAX = 30.0


class DeliveryWorker:
    """Claims at most as many rows as it has free slots, so claimed rows do not sit idle
    while their lease runs out; each send runs as its own task under the two semaphores."""

    def __init__(
        self,
        settings: Settings,
        *,
        http: HttpClient | None = None,
        concurrency: int = CONCURRENCY,
        per_host: int = PER_HOST,
        batch_size: int = BATCH_SIZE,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.settings = settings
        self._own_http = http is None
        self.http = http or HttpClient(
            ClientSettings(
                user_agent=settings.user_agent,
                allow_private_addresses=settings.allow_private_addresses,
            )
        )
        self.concurrency = concurrency
        self.per_host = per_host
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(per_host)
        )
        self._wake = asyncio.Event()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._sends: dict[int, asyncio.Task[None]] = {}
        self._payloads = PayloadCache(settings)
        self._outcomes = OutcomeBatch()
        self._schedule_stop = asyncio.Event()
        self._schedule_task: asyncio.Task[None] | None = None
        self._polls_task: asyncio.Task[None] | None = None
        self._nodeinfo_task: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> int:
        return len(self._sends)

    async def start(self) -> None:
        if self._loop_task is not None:
            return
        self._stopping = False
        await self.http.start()
        register_wakeup(self._wake)
        self._loop_task = asyncio.create_task(self._run(), name="delivery-worker")
        # Web Push rides the same process and client (`outbox.push_worker`).
        self._push = PushWorker(self.settings, self.http)
        self._push.start()
        # Scheduled posts are published by whichever process delivers (embedded or `worker`).
        self._schedule_stop.clear()
        self._schedule_task = asyncio.create_task(
            run_schedule(self.settings, self._schedule_stop), name="scheduled-posts"
        )
        # Ended polls are announced by the same process (`outbox.poll_endings`).
        self._polls_task = asyncio.create_task(
            run_poll_endings(self._schedule_stop), name="poll-endings"
        )
        # Peers' software for the admin console, read a few at a time (`outbox.peers`).
        self._nodeinfo_task = asyncio.create_task(
            run_nodeinfo_refresh(
                self.http, self._schedule_stop, default_scheme=self.settings.scheme
            ),
            name="nodeinfo-refresh",
        )
        log.info(
            "delivery worker started (concurrency %d, %d per host)", self.concurrency, self.per_host
        )

    async def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Let in-flight sends finish for `grace` seconds, then abandon the rest cleanly.

        Abandoned rows go back to `queued` (they may or may not have reached the peer, as
        after a crash); rows we cannot release keep their lease and are reclaimed later.
        """
        if self._loop_task is None:
            return
        self._stopping = True
        self._wake.set()
        unregister_wakeup(self._wake)
        await self._loop_task
        self._loop_task = None
        self._schedule_stop.set()
        if self._schedule_task is not None:
            await self._schedule_task
            self._schedule_task = None
        if self._polls_task is not None:
            await self._polls_task
            self._polls_task = None
        if self._nodeinfo_task is not None:
            # A NodeInfo fetch may take its full deadline; stopping need not wait for it.
            self._nodeinfo_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._nodeinfo_task
            self._nodeinfo_task = None
        pending = dict(self._sends)
        if pending:
            _, unfinished = await asyncio.wait(pending.values(), timeout=grace)
            abandoned = [did for did, task in pending.items() if task in unfinished]
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
            # Rows that were answered 2xx must be stored as delivered before the rest go back.
            await self._outcomes.drain()
            if abandoned:
                try:
                    await claims.release(abandoned)
                except Exception as exc:  # noqa: BLE001 - leases expire; losing nothing
                    log.warning("could not release %d deliveries: %s", len(abandoned), exc)
        await self._push.stop()
        if self._own_http:
            await self.http.close()
        log.info("delivery worker stopped")

    async def _run(self) -> None:
        backoff = 1.0
        # Claim in batches of at least a quarter of the slots while sends are running: a claim
        # per freed slot would cost two queries per delivery.
        least = max(1, min(self.batch_size, self.concurrency // 4))
        while not self._stopping:
            free = self.concurrency - len(self._sends)
            if free <= 0 or (self._sends and free < least):
                await self._wait(self.poll_seconds)
                continue
            try:
                batch = await claims.claim(min(self.batch_size, free))
                refused = None
                if batch:
                    from federation.policy import delivery_refused

                    refused = await delivery_refused()
                    await prime_styles(style_host(d) for d in batch)
            except Exception as exc:  # noqa: BLE001 - a database outage must not end the loop
                log.warning("delivery worker cannot reach the database (%s); retrying", exc)
                await self._wait(backoff)
                backoff = min(backoff * 2, _DB_BACKOFF_MAX)
                continue
            backoff = 1.0
            for delivery in batch:
                task = asyncio.create_task(self._send(delivery, refused))
                self._sends[delivery.id] = task
                task.add_done_callback(lambda _t, did=delivery.id: self._sent(did))
            if len(batch) < min(self.batch_size, free):
                await self._wait(self.poll_seconds)

    def _sent(self, delivery_id: int) -> None:
        self._sends.pop(delivery_id, None)
        self._wake.set()  # a slot is free: claim again without waiting for the poll

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()

    async def _send(self, delivery: Delivery, refused: Callable[[str], bool] | None) -> None:
        try:
            async with self._slots, self._hosts[delivery.host]:
                if self._stopping:
                    await claims.release([delivery.id])  # never sent: straight back to the queue
                    return
                if claims.lease_running_out(delivery) and not await claims.renew(delivery):
                    log.info("delivery %s: lease lost while waiting; skipped", delivery.id)
                    return
                await deliver_one(
                    delivery,
                    self.http,
                    self.settings,
                    refused=refused,
                    payloads=self._payloads,
                    outcomes=self._outcomes,
                )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            # The row stays `sending` and is reclaimed when its lease expires.
            log.warning("delivery %s could not be attempted: %s", delivery.id, exc)


async def run_worker_forever(settings: Settings) -> None:
    """`baraza worker`: deliver until SIGTERM or SIGINT, then stop gracefully."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    from storage import bus

    await bus.start(settings.database_url)  # what it publishes reaches the server processes
    worker = DeliveryWorker(settings)
    await worker.start()
    from spaces.letter_mail import run_letter_schedule

    letters = asyncio.create_task(run_letter_schedule(settings, stop))
    try:
        await stop.wait()
    finally:
        await worker.stop()
        await letters
        await bus.stop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
