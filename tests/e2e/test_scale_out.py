"""Scale-out on PostgreSQL: three `baraza worker` processes share 5,000 queued deliveries and
every one arrives exactly once (rows are claimed with FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from baraza.ids import new_id
from storage.database import close_database, open_database
from storage.models import Activity, Actor, Delivery
from tests.conftest import POSTGRES_URL, _drop_postgres_database, fresh_database_url
from tests.e2e.instance import Instance
from tests.e2e.recording_peer import RecordingPeer

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="scale-out is a PostgreSQL feature: set BARAZA_TEST_POSTGRES_URL to run it",
)

TOTAL = 5000
WORKERS = int(os.environ.get("BARAZA_SCALE_OUT_WORKERS", "3"))  # docs/scaling.md compares 1 and 3
PEERS = 10


async def _queue(alice: Actor, peers: list[RecordingPeer]) -> None:
    uri = f"{alice.uri}/activities/{new_id()}"
    activity = await Activity.create(
        id=new_id(),
        uri=uri,
        type="Create",
        actor_uri=alice.uri,
        local=True,
        state="handled",
        document={
            "id": uri,
            "type": "Create",
            "actor": alice.uri,
            "object": {"type": "Note", "content": "scale-out"},
        },
    )
    now = datetime.now(UTC)
    await Delivery.bulk_create(
        [
            Delivery(
                activity=activity,
                signer=alice,
                inbox_url=f"{peers[n % PEERS].base_url}/inbox/{n}",
                host=peers[n % PEERS].domain,
                next_try_at=now,
            )
            for n in range(TOTAL)
        ],
        batch_size=1000,
    )


async def test_three_workers_deliver_each_row_exactly_once(tmp_path: Path) -> None:
    url, name = await fresh_database_url("postgres", tmp_path)
    assert name is not None
    instance = Instance(host="127.0.0.2", database_url=url, workdir=tmp_path)
    peers = [await RecordingPeer(host="127.0.0.3").start() for _ in range(PEERS)]
    workers: list[subprocess.Popen] = []
    try:
        await asyncio.to_thread(instance.cli, "init")
        await asyncio.to_thread(instance.cli, "member", "add", "alice")
        await open_database(url)
        alice = await Actor.get(local_username="alice")
        await _queue(alice, peers)

        started = time.monotonic()
        for i in range(WORKERS):
            log = (tmp_path / f"worker-{i}.log").open("wb")
            workers.append(
                subprocess.Popen(  # noqa: ASYNC220 - spawning only; waits are off-loop
                    [sys.executable, "-m", "baraza", "worker"],
                    env={**os.environ, **instance.env()},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        async with asyncio.timeout(90):
            while await Delivery.filter(state="delivered").count() < TOTAL:
                for worker in workers:
                    assert worker.poll() is None, "a worker died"
                await asyncio.sleep(0.25)
        elapsed = time.monotonic() - started

        counts: dict[str, int] = {}
        for peer in peers:
            for path, seen in peer.posts_per_path().items():
                counts[path] = counts.get(path, 0) + seen
        assert len(counts) == TOTAL, "every delivery arrived"
        duplicates = {path: seen for path, seen in counts.items() if seen != 1}
        assert not duplicates, f"delivered more than once: {list(duplicates)[:5]}"
        assert await Delivery.exclude(state="delivered").count() == 0
        print(f"{TOTAL} deliveries by {WORKERS} workers in {elapsed:.1f}s")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        for peer in peers:
            await peer.stop()
        await close_database()
        await _drop_postgres_database(name)
