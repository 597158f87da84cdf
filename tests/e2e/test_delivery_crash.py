"""Nothing is lost when the server is killed mid-delivery (DESIGN.md principle 2).

A real `baraza serve` with its in-process worker delivers 1,000 queued rows to a recording
peer; it is SIGKILLed partway and started again. Every delivery must arrive, and only those
in flight at the kill may arrive twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from baraza.ids import new_id
from outbox.worker import CONCURRENCY
from storage.database import close_database, open_database
from storage.models import Activity, Actor, Delivery
from tests.e2e.recording_peer import RecordingPeer

TOTAL = 1000
KILL_AFTER = 50


async def _wait_until(predicate: Callable[[], bool], seconds: float, what: str) -> None:
    try:
        async with asyncio.timeout(seconds):
            while True:
                if predicate():
                    return
                await asyncio.sleep(0.01)
    except TimeoutError as exc:
        raise AssertionError(f"timed out after {seconds}s waiting for {what}") from exc


async def _queue_deliveries(alice: Actor, peer: RecordingPeer) -> None:
    uri = f"{alice.uri}/activities/{new_id()}"
    activity = await Activity.create(
        id=new_id(),
        uri=uri,
        type="Create",
        actor_uri=alice.uri,
        local=True,
        state="handled",
        document={
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": uri,
            "type": "Create",
            "actor": alice.uri,
            "object": {"type": "Note", "content": "crash test"},
        },
    )
    now = datetime.now(UTC)
    await Delivery.bulk_create(
        [
            Delivery(
                activity=activity,
                signer=alice,
                inbox_url=f"{peer.base_url}/inbox/{n}",
                host=peer.domain,
                next_try_at=now,
            )
            for n in range(TOTAL)
        ],
        batch_size=500,
    )


async def test_killed_server_resumes_deliveries_without_losing_any(make_instance) -> None:
    # A slow peer (20 ms per answer, 4 at a time per host) makes "partway" observable.
    peer = await RecordingPeer(host="127.0.0.3", delay=0.02).start()
    instance = await make_instance(BARAZA_DELIVERY_LEASE_SECONDS="2")
    await asyncio.to_thread(instance.cli, "member", "add", "alice")
    await open_database(instance.database_url)
    try:
        alice = await Actor.get(local_username="alice")
        await _queue_deliveries(alice, peer)

        await _wait_until(lambda: len(peer.received) >= KILL_AFTER, 20, "first deliveries")
        await asyncio.to_thread(instance.kill)
        at_kill = len(peer.posts_per_path())
        assert at_kill < TOTAL, "the kill must land partway through"

        await asyncio.to_thread(instance.start)
        await _wait_until(
            lambda: len(peer.posts_per_path()) == TOTAL, 40, "every delivery after restart"
        )
        remaining = 1
        for _ in range(100):
            remaining = await Delivery.exclude(state="delivered").count()
            if not remaining:
                break
            await asyncio.sleep(0.1)
        assert remaining == 0, "every row ends delivered"
    finally:
        await close_database()
        await peer.stop()

    counts: Counter[str] = peer.posts_per_path()
    assert set(counts) == {f"/inbox/{n}" for n in range(TOTAL)}
    duplicates = sum(c - 1 for c in counts.values())
    assert duplicates <= CONCURRENCY, f"{duplicates} sent twice; only in-flight ones may be"
    assert "Traceback" not in instance.log()
