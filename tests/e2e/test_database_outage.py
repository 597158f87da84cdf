"""PostgreSQL becomes unreachable under a running server: 503 for peers, then recovery.

The shared PostgreSQL server is not stopped (other tests use it): this instance's database
stops accepting connections and its sessions are terminated, which is what the server sees
when the database host goes away. Peers retry a 503, so nothing may be half-written, and
the server must recover by itself when connections are allowed again.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from storage.database import close_database, open_database
from tests.conftest import POSTGRES_URL, _drop_postgres_database, fresh_database_url
from tests.e2e.instance import Instance
from tests.e2e.peek import eventually, query, scalar
from tests.e2e.signed_peer import CachedPeer

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL, reason="needs PostgreSQL: set BARAZA_TEST_POSTGRES_URL"
)


async def _allow_connections(name: str, allow: bool) -> None:
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
    finally:
        await conn.close()


@pytest.fixture
async def pg_instance(tmp_path: Path):
    url, name = await fresh_database_url("postgres", tmp_path)
    instance = Instance(host="127.0.0.2", database_url=url, workdir=tmp_path)
    await asyncio.to_thread(instance.start)
    try:
        yield instance, name
    finally:
        await _allow_connections(name, True)
        await asyncio.to_thread(instance.stop)
        await _drop_postgres_database(name)


async def test_inbox_answers_503_while_database_is_gone_and_recovers(pg_instance) -> None:
    instance, name = pg_instance
    await asyncio.to_thread(instance.cli, "member", "add", "alice")
    peer = CachedPeer("http://peer.invalid/users/rita")
    await open_database(instance.database_url)
    try:
        await peer.store()
    finally:
        await close_database()
    alice = await scalar(instance, "SELECT uri FROM actors WHERE local_username = ?", "alice")
    warmup = {
        "id": "http://peer.invalid/follows/0",
        "type": "Follow",
        "actor": peer.uri,
        "object": alice,
    }
    like = {
        "id": "http://peer.invalid/follows/1",
        "type": "Like",
        "actor": peer.uri,
        "object": f"{alice}/statuses/1",
    }

    async with aiohttp.ClientSession() as http:
        status, payload, _ = await peer.post(http, instance, warmup)
        assert status == 202, payload  # the pool holds live connections before the outage

        async def warm_handled() -> bool:
            state = await scalar(
                instance, "SELECT state FROM activities WHERE uri = ?", warmup["id"]
            )
            return state == "handled"

        await eventually(warm_handled, "the first activity handled before the outage")

        await _allow_connections(name, False)
        for _ in range(3):  # stale pooled connections and fresh ones alike
            status, payload, headers = await peer.post(http, instance, like)
            assert status == 503, payload
            assert "error" in payload
            assert int(headers["Retry-After"]) > 0

        await _allow_connections(name, True)
        rows = await query(instance, "SELECT uri FROM activities WHERE uri = ?", like["id"])
        assert rows == [], "nothing was written while the database was away"

        async def accepted() -> bool:
            status, _, _ = await peer.post(http, instance, like)
            return status == 202

        await eventually(accepted, "the same POST accepted once the database is back", 15)

    async def handled() -> bool:
        states = await query(
            instance, "SELECT state FROM activities WHERE uri IN (?, ?)", warmup["id"], like["id"]
        )
        return sorted(s for (s,) in states) == ["handled", "handled"]

    await eventually(handled, "both activities handled after recovery", 20)
    assert instance.process is not None and instance.process.poll() is None, "never restarted"
