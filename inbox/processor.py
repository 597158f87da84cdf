"""Handling stored activities: drained in batches right after the 202, and again after a crash.

A row moves received -> processing -> handled | failed. Claiming is a compare-and-set on the
rows, so several processes can drain the same table; a row left in `processing` by a killed
process is claimable again when its lease runs out. Handlers are idempotent, so the rare
second run after a crash changes nothing.

The accept path only stores the row and wakes the drainer (`schedule`); the drainer claims up
to `BATCH` rows in one statement, handles them side by side and marks the finished ones in one
more, so the per-activity bookkeeping is two statements per batch instead of three per row.
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
BATCH = 32  # rows claimed (and loaded) per round trip
BATCHES_AT_ONCE = 4  # a slow fetch in one batch does not hold up the next ones
_tasks: set[asyncio.Task] = set()
_services = None
_wake: asyncio.Event | None = None
_progress: asyncio.Event | None = None
_drainer_running = False
_scheduled = 0  # wake-ups asked for, and the last one a drain pass has caught up with
_caught_up = 0


def bind(services: object) -> None:
    """The in-process server tells the processor which services handlers may use."""
    global _services
    _services = services


def _wake_event() -> asyncio.Event:
    global _wake
    if _wake is None or _wake._loop not in (None, asyncio.get_running_loop()):  # type: ignore[attr-defined]
        _wake = asyncio.Event()
    return _wake


def _progress_event() -> asyncio.Event:
    """Set each time the drainer catches up (or stops): what `drain` waits for."""
    global _progress
    if _progress is None or _progress._loop not in (None, asyncio.get_running_loop()):  # type: ignore[attr-defined]
        _progress = asyncio.Event()
    return _progress


def schedule(activity_id: int) -> None:
    """A row was stored: wake the drainer (rows are claimed in batches, not one by one)."""
    global _scheduled
    if _services is None:
        return  # no processor in this process: the drainer of a server picks it up
    _scheduled += 1
    _wake_event().set()


def _claimable(now: datetime) -> Q:
    return (
        Q(state="received", next_try_at=None)
        | Q(state="received", next_try_at__lte=now)
        | Q(state="processing", next_try_at__lt=now)
    )


async def _claim(activity_id: int, now: datetime) -> bool:
    claimed = await Activity.filter(_claimable(now), id=activity_id).update(
        state="processing", next_try_at=now + lease()
    )
    return claimed == 1


def _claim_batch_sql(dialect: str) -> str:
    """Claim in one statement and return the ids this process won. One UPDATE is atomic on
    SQLite (one writer); PostgreSQL locks the chosen rows and skips those another claimer holds."""
    postgres = dialect == "postgres"
    until, now, limit = ("$1", "$2", "$3") if postgres else ("?", "?", "?")
    second_now = now if postgres else "?"
    return (
        f"UPDATE activities SET state = 'processing', next_try_at = {until} "  # noqa: S608
        "WHERE id IN (SELECT id FROM activities WHERE "
        + ("NOT local" if postgres else "local = 0")
        + f" AND ((state = 'received' AND (next_try_at IS NULL OR next_try_at <= {now}))"
        f" OR (state = 'processing' AND next_try_at < {second_now}))"
        f" ORDER BY id LIMIT {limit}"
        + (" FOR UPDATE SKIP LOCKED" if postgres else "")
        + ") RETURNING id"
    )


async def claim_batch(limit: int = BATCH) -> list[Activity]:
    """Up to `limit` claimable rows, oldest first, claimed for this process."""
    from tortoise import connections

    now = datetime.now(UTC)
    column = Activity._meta.fields_map["next_try_at"]
    until = column.to_db_value(now + lease(), Activity)
    at = column.to_db_value(now, Activity)
    connection = connections.get("default")
    dialect = connection.capabilities.dialect
    params = [until, at, limit] if dialect == "postgres" else [until, at, at, limit]
    # `_dict`: the plain call skips fetching for an UPDATE on PostgreSQL, losing RETURNING.
    rows = await connection.execute_query_dict(_claim_batch_sql(dialect), params)
    ids = [int(row["id"]) for row in rows]
    if not ids:
        return []
    return await Activity.filter(id__in=ids).order_by("id")


async def _handle(row: Activity, now: datetime) -> bool:
    """Run the row's handler; True when it is done. A refusal or a retry is written here."""
    from inbox.handlers import dispatch

    try:
        await dispatch(_services, row, parse_activity(row.document))
    except FederationError as exc:
        log.info("activity %s refused by its handler: %s", row.uri, exc.reason)
        await Activity.filter(id=row.id).update(state="failed", error=exc.reason[:500])
        return False
    except (FetchError, OSError, BaseORMException, *DRIVER_ERRORS) as exc:
        attempts = row.attempts + 1
        state = "failed" if attempts >= MAX_ATTEMPTS else "received"
        delay = timedelta(seconds=30 * 2**attempts)
        log.warning("activity %s not handled yet (%s), attempt %d", row.uri, exc, attempts)
        await Activity.filter(id=row.id).update(
            state=state, attempts=attempts, next_try_at=now + delay, error=str(exc)[:500]
        )
        return False
    return True


async def process(activity_id: int) -> None:
    """Handle one row now (tests, and a row someone wants handled before answering)."""
    now = datetime.now(UTC)
    if not await _claim(activity_id, now):
        return
    row = await Activity.get(id=activity_id)
    if await _handle(row, now):
        await Activity.filter(id=row.id).update(state="handled", error="")


async def handle_batch(rows: list[Activity]) -> None:
    """Handle claimed rows side by side (as separate requests would), then mark the finished
    ones handled in one statement. A crash before that statement leaves them `processing`
    until the lease runs out; handlers are idempotent, so the second run changes nothing."""
    now = datetime.now(UTC)
    outcomes = await asyncio.gather(*(_handle(row, now) for row in rows), return_exceptions=True)
    done = [row.id for row, ok in zip(rows, outcomes, strict=True) if ok is True]
    for row, outcome in zip(rows, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            log.error("activity %s: handler crashed", row.uri, exc_info=outcome)
    if done:
        await Activity.filter(id__in=done).update(state="handled", error="")


async def sweep_once(limit: int = 100) -> int:
    """Claim and handle what is waiting (after a crash, or stored by another process)."""
    total = 0
    while total < limit:
        rows = await claim_batch(min(BATCH, limit - total))
        if not rows:
            break
        await handle_batch(rows)
        total += len(rows)
    return total


async def drain() -> None:
    """Wait until everything scheduled in this process so far has been handled (tests, and
    graceful shutdown). Returns at once when no drainer runs here."""
    target = _scheduled
    while True:
        progress = _progress_event()
        progress.clear()
        if not _drainer_running or _caught_up >= target:
            break
        await progress.wait()
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def run_sweeper(stop: asyncio.Event, interval: float = 2.0) -> None:
    """The drainer: claims stored rows in batches, woken by `schedule` and every `interval`
    seconds (rows another process stored, leases run out after a crash)."""
    global _drainer_running, _caught_up
    wake = _wake_event()
    slots = asyncio.Semaphore(BATCHES_AT_ONCE)
    _drainer_running = True
    try:
        while not stop.is_set():
            wake.clear()
            seen = _scheduled
            try:
                while not stop.is_set():
                    await slots.acquire()
                    rows = await claim_batch()
                    if not rows:
                        slots.release()
                        break
                    task = asyncio.create_task(handle_batch(rows))
                    _tasks.add(task)
                    task.add_done_callback(_tasks.discard)
                    task.add_done_callback(lambda _: slots.release())
            except (BaseORMException, OSError, *DRIVER_ERRORS) as exc:
                slots.release()
                log.warning("inbox drain failed, database unavailable? %s", exc)
            _caught_up = max(_caught_up, seen)
            _progress_event().set()
            if wake.is_set():
                continue
            try:
                await asyncio.wait_for(_first(stop, wake), timeout=interval)
            except TimeoutError:
                continue
    finally:
        _drainer_running = False
        _progress_event().set()


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()
