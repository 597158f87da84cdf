"""The Web Push queue's worker: claims due `PushDelivery` rows and sends them.

It runs beside the federation delivery worker, in whichever process delivers (`baraza serve`
embedded, or `baraza worker`), and shares its claim (`outbox.claims`, leases, SKIP LOCKED on
PostgreSQL), so any number of processes share the queue and a killed one loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from baraza.settings import Settings
from federation.client import HttpClient
from outbox import claims
from outbox.publish import register_wakeup, unregister_wakeup
from outbox.push_send import push_one
from storage.models import PushDelivery

log = logging.getLogger(__name__)

CONCURRENCY = 8
POLL_SECONDS = 1.0
_DB_BACKOFF_MAX = 30.0


class PushWorker:
    def __init__(self, settings: Settings, http: HttpClient, *, poll_seconds: float = POLL_SECONDS):
        self.settings = settings
        self.http = http
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            register_wakeup(self._wake)
            self._task = asyncio.create_task(self._run(), name="push-worker")

    async def stop(self) -> None:
        """In-flight pushes finish; unclaimed rows wait in the table for the next start."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        unregister_wakeup(self._wake)
        await self._task
        self._task = None
        if self._sends:
            await asyncio.wait(set(self._sends), timeout=5.0)

    async def _run(self) -> None:
        backoff = 1.0
        while not self._stopping:
            free = CONCURRENCY - len(self._sends)
            batch: list[PushDelivery] = []
            if free > 0:
                try:
                    batch = await claims.claim(free, queue=PushDelivery)
                except Exception as exc:  # noqa: BLE001 - a database outage must not end the loop
                    log.warning("push worker cannot reach the database (%s); retrying", exc)
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, _DB_BACKOFF_MAX)
                    continue
            backoff = 1.0
            for row in batch:
                task = asyncio.create_task(self._send(row))
                self._sends.add(task)
                task.add_done_callback(self._sends.discard)
            if not batch:
                await self._sleep(self.poll_seconds)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        self._wake.clear()

    async def _send(self, row: PushDelivery) -> None:
        try:
            await push_one(row, self.http, self.settings)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            # The row stays `sending` and is claimed again when its lease expires.
            log.warning("push %s could not be attempted: %s", row.id, exc)
