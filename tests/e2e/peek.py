"""Reading an instance's database from the test, to check exactly what state it holds."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from tests.e2e.instance import Instance


async def query(instance: Instance, sql: str, *args: Any) -> list[tuple]:
    """SQL with `?` placeholders, on SQLite or PostgreSQL alike."""
    url = instance.database_url
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")

        def run() -> list[tuple]:
            with sqlite3.connect(path, timeout=10) as conn:
                return list(conn.execute(sql, args).fetchall())

        return await asyncio.to_thread(run)
    import asyncpg

    numbered = sql
    for i in range(1, len(args) + 1):
        numbered = numbered.replace("?", f"${i}", 1)
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(numbered, *args)]
    finally:
        await conn.close()


async def scalar(instance: Instance, sql: str, *args: Any) -> Any:
    rows = await query(instance, sql, *args)
    return rows[0][0] if rows else None


async def eventually(check: Callable[[], Awaitable[bool]], what: str, limit: float = 20) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {what}")


async def c2s(
    http: aiohttp.ClientSession, instance: Instance, member: str, token: str, doc: dict[str, Any]
) -> dict[str, Any]:
    async with http.post(
        f"{instance.base_url}/users/{member}/outbox",
        json=doc,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/activity+json"},
    ) as response:
        body = await response.json(content_type=None)
        assert response.status == 201, body
        return body
