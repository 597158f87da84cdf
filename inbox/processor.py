"""Handling stored activities: right after the 202, and again after a crash.

A row moves received -> processing -> handled | failed. Claiming is a compare-and-set on the
row, so several processes can sweep the same table; a row left in `processing` by a killed
process is claimable again when its lease runs out. Handlers are idempotent, so the rare
second run after a crash changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import BaseORMException
from tortoise.expressions import Q

from baraza.outage import DRIVER_ERRORS
from federation.activities import parse_activity
from federation.client import FetchError
from federation.errors import FederationError
from storage.models import Activity

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
LEASE_ENV = "BARAZA_INBOX_LEASE_SECONDS"


def lease() -> timedelta:
    """How long a claim holds a row; read at use so crash tests can shorten it per process."""
    try:
        return timedelta(seconds=max(float(os.environ[LEASE_ENV]), 1.0))
    except (KeyError, ValueError):
        return LEASE


MAX_ATTEMPTS = 6
_tasks: set[asyncio.Task] = set()
_services = None


def bind(services: object) -> None:
    """The in-process server tells the processor which services handlers may use."""
    global _services
    _services = services


def schedule(activity_id: int) -> None:
    if _services is None:
        return  # no processor in this process: the sweeper of a worker picks it up
    task = asyncio.create_task(process(activity_id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _claim(activity_id: int, now: datetime) -> bool:
    claimed = await Activity.filter(
        Q(state="received", next_try_at=None)
        | Q(state="received", next_try_at__lte=now)
        | Q(state="processing", next_try_at__lt=now),
        id=activity_id,
    ).update(state="processing", next_try_at=now + lease())
    return claimed == 1


async def process(activity_id: int) -> None:
    from inbox.handlers import dispatch

    now = datetime.now(UTC)
    if not await _claim(activity_id, now):
        return
    row = await Activity.get(id=activity_id)
    try:
        await dispatch(_services, row, parse_activity(row.document))
    except FederationError as exc:
        log.info("activity %s refused by its handler: %s", row.uri, exc.reason)
        await Activity.filter(id=row.id).update(state="failed", error=exc.reason[:500])
        return
    except (FetchError, OSError, BaseORMException, *DRIVER_ERRORS) as exc:
        attempts = row.attempts + 1
        state = "failed" if attempts >= MAX_ATTEMPTS else "received"
        delay = timedelta(seconds=30 * 2**attempts)
        log.warning("activity %s not handled yet (%s), attempt %d", row.uri, exc, attempts)
        await Activity.filter(id=row.id).update(
            state=state, attempts=attempts, next_try_at=now + delay, error=str(exc)[:500]
        )
        return
    await Activity.filter(id=row.id).update(state="handled", error="")


async def sweep_once(limit: int = 100) -> int:
    """Process received activities nobody is handling (after a crash, or from another process)."""
    now = datetime.now(UTC)
    ids = (
        await Activity.filter(
            Q(state="received", next_try_at=None)
            | Q(state="received", next_try_at__lte=now)
            | Q(state="processing", next_try_at__lt=now),
            local=False,
        )
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    for activity_id in ids:
        await process(activity_id)
    return len(ids)


async def drain() -> None:
    """Wait for handling started in this process (tests, and graceful shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def run_sweeper(stop: asyncio.Event, interval: float = 2.0) -> None:
    while not stop.is_set():
        try:
            await sweep_once()
        except (BaseORMException, OSError, *DRIVER_ERRORS) as exc:
            log.warning("inbox sweep failed, database unavailable? %s", exc)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except TimeoutError:
            continue
