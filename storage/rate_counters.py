"""Rate-limit windows counted by every server process together, in PostgreSQL.

Several `baraza serve` processes on one database must refuse the same flood: a limit of 300 per
five minutes is 300 in all, not 300 in each. One atomic upsert per request counts a hit and
returns the window it fell in; a window older than its length starts afresh in the same
statement, so two processes can never both start one. SQLite is one process: its limiter
counts in memory (`federation.rate_limits`), with no round trip.
"""

from __future__ import annotations

import asyncpg
from tortoise import connections
from tortoise.exceptions import BaseORMException

from storage import bus

__all__ = ["DATABASE_ERRORS", "count_hit", "enabled", "prune"]

# What a count may raise when the database is away: tortoise's errors, and the driver's own
# that tortoise lets through (a pooled connection killed mid-query).
DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    BaseORMException,
    OSError,
    ConnectionError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
)

_UPSERT = (
    "INSERT INTO rate_counters AS r (key, window_start, hits) VALUES ($1, $2, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "hits = CASE WHEN r.window_start <= $2 - $3 THEN 1 ELSE r.hits + 1 END, "
    "window_start = CASE WHEN r.window_start <= $2 - $3 THEN $2 ELSE r.window_start END "
    "RETURNING window_start, hits"
)


def enabled() -> bool:
    """Counted in the database when other processes share it (PostgreSQL, linked)."""
    return bus.shared()


async def count_hit(key: str, now: float, window: float) -> tuple[float, int]:
    """One more hit for `key` at `now` (Unix seconds): its window's start and hits so far."""
    async with connections.get("default").acquire_connection() as conn:
        try:
            row = await conn.fetchrow(_UPSERT, key, float(now), float(window))
        except asyncpg.InternalClientError:
            # A pooled connection the server killed, left mid-operation: released as it is,
            # the next request's query would fail on it too (a 500, not an outage's 503).
            conn.terminate()
            raise
    return float(row["window_start"]), int(row["hits"])


async def prune(prefix: str, before: float) -> None:
    """Forgets the windows of keys under `prefix` that ended before `before`."""
    await connections.get("default").execute_query(
        "DELETE FROM rate_counters WHERE key LIKE $1 AND window_start < $2",
        [prefix.replace("%", "").replace("_", r"\_") + "%", float(before)],
    )
