"""Claiming due deliveries so that any number of worker processes share the queue.

A claim moves rows from `queued` (or `sending` with an expired lease) to `sending` with a
lease, in one atomic step, so two workers never hold the same row. A worker killed while
holding rows leaves them in `sending`; once the lease runs out they are claimable again, which
is the whole of crash recovery. Only a delivery whose POST was in flight at the kill can be
sent twice.

PostgreSQL locks the chosen rows with `FOR UPDATE SKIP LOCKED` so concurrent claimers pass
each other instead of queueing; SQLite runs the claim as one `UPDATE … RETURNING` statement,
which its database lock makes atomic across processes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from storage.models import Delivery, PushDelivery

# The queues claimed this way: federation deliveries, and Web Push deliveries beside them
# (same columns for the claim: state, next_try_at, claimed_until).
Queue = type[Delivery] | type[PushDelivery]

LEASE_ENV = "BARAZA_DELIVERY_LEASE_SECONDS"
DEFAULT_LEASE_SECONDS = 120.0

# The same condition on both engines: due queued rows, and rows whose claimer's lease ran out.
_POSTGRES_CLAIM = """
WITH due AS (
    SELECT id FROM deliveries
    WHERE (state = 'queued' AND next_try_at <= $1)
       OR (state = 'sending' AND claimed_until < $1)
    ORDER BY next_try_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
)
UPDATE deliveries AS d SET state = 'sending', claimed_until = $2
FROM due WHERE d.id = due.id
RETURNING d.id
"""

_SQLITE_CLAIM = """
UPDATE deliveries SET state = 'sending', claimed_until = ?2
WHERE id IN (
    SELECT id FROM deliveries
    WHERE (state = 'queued' AND next_try_at <= ?1)
       OR (state = 'sending' AND claimed_until < ?1)
    ORDER BY next_try_at
    LIMIT ?3
)
RETURNING id
"""

if sqlite3.sqlite_version_info < (3, 35, 0):  # pragma: no cover - depends on the platform
    raise ImportError(f"SQLite {sqlite3.sqlite_version} lacks UPDATE … RETURNING (needs 3.35)")


def lease_duration() -> timedelta:
    """How long a claim holds a row; read each time so tests can shorten it per process."""
    raw = os.environ.get(LEASE_ENV, "")
    try:
        seconds = float(raw) if raw else DEFAULT_LEASE_SECONDS
    except ValueError:
        seconds = DEFAULT_LEASE_SECONDS
    return timedelta(seconds=max(seconds, 1.0))


def _is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def claim(
    limit: int, *, now: datetime | None = None, queue: Queue = Delivery
) -> list[Any]:
    """Take up to `limit` due rows of `queue` for this worker, oldest first."""
    if limit <= 0:
        return []
    now = now or datetime.now(UTC)
    until = now + lease_duration()
    table = queue._meta.db_table  # one of our own models' table names, never input
    if _is_postgres():
        async with in_transaction("default") as conn:
            sql = _POSTGRES_CLAIM.replace("deliveries", table)
            rows = await conn.execute_query_dict(sql, [now, until, limit])
    else:
        conn = connections.get("default")
        sql = _SQLITE_CLAIM.replace("deliveries", table)
        rows = await conn.execute_query_dict(sql, [now, until, limit])
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    return list(await queue.filter(id__in=ids).order_by("next_try_at", "id"))


def lease_running_out(delivery: Delivery, *, now: datetime | None = None) -> bool:
    """True when less than half the lease is left: time to renew before a send."""
    if delivery.claimed_until is None:
        return True
    now = now or datetime.now(UTC)
    return delivery.claimed_until - now < lease_duration() / 2


async def renew(delivery: Delivery, *, now: datetime | None = None) -> bool:
    """Extend our lease before a send that waited in line; False when we no longer hold it.

    A row that waited behind a slow host could outlive its lease and be claimed by another
    worker; checking the exact lease we were given means only one of the two sends it.
    """
    now = now or datetime.now(UTC)
    until = now + lease_duration()
    updated = await Delivery.filter(
        id=delivery.id, state="sending", claimed_until=delivery.claimed_until
    ).update(claimed_until=until)
    if updated:
        delivery.claimed_until = until
    return bool(updated)


async def release(ids: Iterable[int]) -> int:
    """Hand rows we claimed but did not send back to the queue (graceful shutdown)."""
    wanted = list(ids)
    if not wanted:
        return 0
    return await Delivery.filter(id__in=wanted, state="sending").update(
        state="queued", claimed_until=None
    )
