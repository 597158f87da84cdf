"""The delivery worker against a recording peer on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from actors.accounts import create_member
from baraza.ids import new_id
from baraza.settings import Settings
from federation.client import ClientSettings, HttpClient
from federation.digest import check_digest
from federation.signature_styles import forget_cached_styles
from federation.signatures import load_public_key_pem, verify_request
from outbox import claims
from outbox.deliver import BREAKER_THRESHOLD, UNAVAILABLE_RETRY, OutcomeBatch, deliver_one
from outbox.worker import DeliveryWorker
from storage.models import Activity, Actor, Delivery, DomainBlock, Host
from tests.conftest import make_settings
from tests.e2e.instance import free_port
from tests.e2e.recording_peer import RecordingPeer


class Statuses:
    """Answers per inbox path; changeable mid-test (a host that recovers)."""

    def __init__(self, default: int = 202) -> None:
        self.default = default
        self.by_path: dict[str, int] = {}

    def __call__(self, path: str) -> int:
        return self.by_path.get(path, self.default)


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
def statuses() -> Statuses:
    return Statuses()


@pytest.fixture
async def peer(statuses: Statuses) -> AsyncIterator[RecordingPeer]:
    peer = await RecordingPeer(host="127.0.0.1", status_for=statuses).start()
    yield peer
    await peer.stop()


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[HttpClient]:
    async with HttpClient(
        ClientSettings(user_agent=settings.user_agent, allow_private_addresses=True)
    ) as client:
        yield client


@pytest.fixture
async def alice(settings: Settings) -> Actor:
    return await create_member(settings, "alice")


@pytest.fixture
async def activity(alice: Actor) -> Activity:
    uri = f"{alice.uri}/activities/{new_id()}"
    return await Activity.create(
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
            "object": {"type": "Note", "content": "hello"},
        },
    )


async def queue(
    activity: Activity, signer: Actor, peer: RecordingPeer, count: int = 1, **fields: object
) -> list[Delivery]:
    """Rows whose inbox path names their own id, so the peer can count POSTs per delivery."""
    rows = []
    for _ in range(count):
        row = await Delivery.create(
            activity=activity,
            signer=signer,
            inbox_url="pending",
            host=peer.domain,
            next_try_at=datetime.now(UTC) - timedelta(seconds=1),
            **fields,
        )
        row.inbox_url = f"{peer.base_url}/inbox/{row.id}"
        await row.save(update_fields=["inbox_url"])
        rows.append(row)
    return rows


async def send_due(http: HttpClient, settings: Settings) -> list[Delivery]:
    claimed = await claims.claim(100)
    for row in claimed:
        await deliver_one(row, http, settings)
    return [await Delivery.get(id=row.id) for row in claimed]


async def wait_for(predicate: Callable[[], Awaitable[bool]], seconds: float = 15) -> None:
    try:
        async with asyncio.timeout(seconds):
            while True:
                if await predicate():
                    return
                await asyncio.sleep(0.05)
    except TimeoutError as exc:
        raise AssertionError(f"condition not met within {seconds}s") from exc


async def test_queued_delivery_arrives_signed_with_matching_digest(
    settings: Settings, http: HttpClient, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    [row] = await queue(activity, alice, peer)
    worker = DeliveryWorker(settings, http=http, poll_seconds=0.05)
    await worker.start()
    try:
        await wait_for(lambda: Delivery.filter(id=row.id, state="delivered").exists())
    finally:
        await worker.stop()

    [received] = peer.received
    assert received.path == f"/inbox/{row.id}"
    headers = dict(received.headers)
    assert headers["Content-Type"] == "application/activity+json"
    assert orjson.loads(received.body) == activity.document
    assert check_digest(headers["Digest"], received.body)
    verify_request(
        "POST",
        received.path,
        received.headers,
        load_public_key_pem(alice.public_key_pem),
        body=received.body,
    )
    assert f'keyId="{alice.key_id}"' in headers["Signature"]
    done = await Delivery.get(id=row.id)
    assert (done.attempts, done.last_status, done.claimed_until) == (1, 202, None)
    assert done.delivered_at is not None
    host = await Host.get(domain=peer.domain)
    assert host.last_success_at is not None and host.consecutive_failures == 0


@pytest.mark.parametrize("status", [500, 503, 429, 408])
async def test_transient_answer_schedules_a_retry(
    status: int,
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    statuses.default = status
    await queue(activity, alice, peer)
    before = datetime.now(UTC)
    [row] = await send_due(http, settings)
    assert (row.state, row.attempts, row.last_status) == ("queued", 1, status)
    assert row.next_try_at > before + timedelta(seconds=20)
    assert row.claimed_until is None
    assert await claims.claim(10) == [], "not due again yet"


@pytest.mark.parametrize("status", [410, 400, 403])
async def test_refusal_fails_without_retry(
    status: int,
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    statuses.default = status
    await queue(activity, alice, peer)
    [row] = await send_due(http, settings)
    assert (row.state, row.attempts, row.last_status) == ("failed", 1, status)
    far_future = datetime.now(UTC) + timedelta(days=30)
    assert await claims.claim(10, now=far_future) == []


async def test_unreachable_host_is_retried_with_the_reason(
    settings: Settings, http: HttpClient, alice: Actor, activity: Activity
) -> None:
    dead = RecordingPeer(host="127.0.0.1", port=free_port("127.0.0.1"))  # never started
    await queue(activity, alice, dead)
    [row] = await send_due(http, settings)
    assert (row.state, row.attempts, row.last_status) == ("queued", 1, None)
    assert row.last_error == "connection failed"


async def test_last_attempt_failing_gives_up(
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    statuses.default = 500
    await queue(activity, alice, peer, attempts=9)
    [row] = await send_due(http, settings)
    assert (row.state, row.attempts) == ("failed", 10)


async def test_breaker_marks_host_unavailable_and_notices_recovery(
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    statuses.default = 500
    await queue(activity, alice, peer, count=BREAKER_THRESHOLD)
    rows = await send_due(http, settings)
    host = await Host.get(domain=peer.domain)
    assert host.consecutive_failures == BREAKER_THRESHOLD
    assert host.unavailable_since is not None

    # Still tried while unavailable, but no sooner than UNAVAILABLE_RETRY apart.
    [later] = await queue(activity, alice, peer)
    [later] = await send_due(http, settings)
    assert later.state == "queued"
    assert later.next_try_at >= datetime.now(UTC) + UNAVAILABLE_RETRY - timedelta(minutes=1)

    statuses.default = 202
    [fresh] = await queue(activity, alice, peer)
    [fresh] = await send_due(http, settings)
    assert fresh.state == "delivered"
    host = await Host.get(domain=peer.domain)
    assert (host.unavailable_since, host.consecutive_failures) == (None, 0)
    # The backlog held back while the host was down is due again at once.
    backlog = await claims.claim(100)
    assert {r.id for r in backlog} == {r.id for r in rows} | {later.id}


async def test_rate_limit_does_not_trip_the_breaker(
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    statuses.default = 429
    await queue(activity, alice, peer, count=BREAKER_THRESHOLD + 1)
    await send_due(http, settings)
    host = await Host.get_or_none(domain=peer.domain)
    assert host is None or host.unavailable_since is None


async def test_domain_blocked_after_queueing_is_cancelled_and_never_sent(
    settings: Settings, http: HttpClient, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    [row] = await queue(activity, alice, peer)
    await DomainBlock.create(domain="127.0.0.1", severity="suspend")
    [row] = await send_due(http, settings)
    assert row.state == "cancelled"
    assert peer.received == []


async def test_concurrent_claims_never_share_a_row(
    settings: Settings, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    rows = await queue(activity, alice, peer, count=60)
    batches = await asyncio.gather(*(claims.claim(25) for _ in range(4)))
    ids = [d.id for batch in batches for d in batch]
    assert len(ids) == len(set(ids)) == 60
    assert set(ids) == {r.id for r in rows}
    assert all(d.state == "sending" for batch in batches for d in batch)


async def test_batched_outcomes_end_as_the_per_row_path_does(
    settings: Settings,
    http: HttpClient,
    statuses: Statuses,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
) -> None:
    """The worker's group commit: every 2xx row delivered once with its attempt counted, the
    host created with the style it accepted, and a host marked down brought back (its
    backlog due again) exactly as `record_outcome` does for one row."""
    forget_cached_styles()
    statuses.default = 500
    held = await queue(activity, alice, peer, count=BREAKER_THRESHOLD)
    await send_due(http, settings)
    assert (await Host.get(domain=peer.domain)).unavailable_since is not None
    await Host.filter(domain=peer.domain).update(signature_style=None)
    forget_cached_styles()

    statuses.default = 202
    rows = await queue(activity, alice, peer, count=12)
    claimed = [r for r in await claims.claim(100) if r.id in {row.id for row in rows}]
    outcomes = OutcomeBatch()
    await asyncio.gather(*(deliver_one(r, http, settings, outcomes=outcomes) for r in claimed))
    await outcomes.drain()
    stored = await Delivery.filter(id__in=[r.id for r in rows])
    assert {(r.state, r.attempts, r.last_status, r.claimed_until) for r in stored} == {
        ("delivered", 1, 202, None)
    }
    assert all(r.delivered_at is not None for r in stored)
    host = await Host.get(domain=peer.domain)
    assert (host.unavailable_since, host.consecutive_failures) == (None, 0)
    assert host.last_success_at is not None
    assert host.signature_style == settings.signature_style
    backlog = await claims.claim(100)
    assert {r.id for r in backlog} == {r.id for r in held}
    counts = peer.posts_per_path()
    assert {f"/inbox/{r.id}": counts.get(f"/inbox/{r.id}") for r in rows} == {
        f"/inbox/{r.id}": 1 for r in rows
    }


async def test_batched_outcomes_create_unknown_hosts_and_skip_rows_no_longer_ours(
    settings: Settings, http: HttpClient, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    forget_cached_styles()
    rows = await queue(activity, alice, peer, count=3)
    claimed = await claims.claim(100)
    # Another worker reclaimed and finished one of them meanwhile: its state is not ours.
    await Delivery.filter(id=claimed[0].id).update(state="failed", attempts=7)
    outcomes = OutcomeBatch()
    await asyncio.gather(*(deliver_one(r, http, settings, outcomes=outcomes) for r in claimed))
    stored = {r.id: r for r in await Delivery.filter(id__in=[r.id for r in rows])}
    assert (stored[claimed[0].id].state, stored[claimed[0].id].attempts) == ("failed", 7)
    assert all(stored[r.id].state == "delivered" for r in claimed[1:])
    host = await Host.get(domain=peer.domain)
    assert host.last_success_at is not None
    assert host.signature_style == settings.signature_style


async def test_two_workers_deliver_every_row_exactly_once(
    settings: Settings, http: HttpClient, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    peer.delay = 0.005
    rows = await queue(activity, alice, peer, count=120)
    workers = [
        DeliveryWorker(settings, http=http, concurrency=8, batch_size=10, poll_seconds=0.05)
        for _ in range(2)
    ]
    for worker in workers:
        await worker.start()
    try:
        await wait_for(
            lambda: _count_delivered(len(rows)),
            seconds=60,
        )
    finally:
        for worker in workers:
            await worker.stop()
    counts = peer.posts_per_path()
    assert counts == {f"/inbox/{r.id}": 1 for r in rows}


async def _count_delivered(expected: int) -> bool:
    return await Delivery.filter(state="delivered").count() == expected


async def test_expired_lease_is_reclaimed(
    settings: Settings, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    rows = await queue(activity, alice, peer, count=3)
    first = await claims.claim(10)
    assert len(first) == 3
    assert await claims.claim(10) == [], "leased rows are not claimable"
    after_lease = datetime.now(UTC) + claims.lease_duration() + timedelta(seconds=1)
    again = await claims.claim(10, now=after_lease)
    assert {d.id for d in again} == {r.id for r in rows}


async def test_lease_renewal_fails_once_another_worker_reclaimed(
    settings: Settings, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    await queue(activity, alice, peer)
    [mine] = await claims.claim(1)
    assert await claims.renew(mine), "we still hold it"
    after_lease = datetime.now(UTC) + claims.lease_duration() * 2
    [theirs] = await claims.claim(1, now=after_lease)
    assert not await claims.renew(mine)
    assert await claims.renew(theirs)


async def test_worker_survives_a_database_error(
    settings: Settings,
    http: HttpClient,
    peer: RecordingPeer,
    alice: Actor,
    activity: Activity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_claim = claims.claim
    failures = {"left": 2}

    async def flaky_claim(limit: int) -> list[Delivery]:
        if failures["left"]:
            failures["left"] -= 1
            raise ConnectionError("database is down")
        return await real_claim(limit)

    monkeypatch.setattr(claims, "claim", flaky_claim)
    monkeypatch.setattr("outbox.worker._DB_BACKOFF_MAX", 0.1)
    [row] = await queue(activity, alice, peer)
    worker = DeliveryWorker(settings, http=http, poll_seconds=0.05)
    await worker.start()
    try:
        await wait_for(lambda: Delivery.filter(id=row.id, state="delivered").exists())
    finally:
        await worker.stop()
    assert failures["left"] == 0


async def test_stop_returns_unsent_claims_to_the_queue(
    settings: Settings, http: HttpClient, peer: RecordingPeer, alice: Actor, activity: Activity
) -> None:
    peer.delay = 2
    await queue(activity, alice, peer, count=3)
    worker = DeliveryWorker(settings, http=http, per_host=1, poll_seconds=0.05)
    await worker.start()
    await wait_for(lambda: _peer_has(peer, 1))
    await worker.stop(grace=0.2)
    states = sorted(await Delivery.all().values_list("state", flat=True))
    assert states == ["queued", "queued", "queued"]
    assert await Delivery.filter(claimed_until__isnull=False).count() == 0


async def _peer_has(peer: RecordingPeer, count: int) -> bool:
    return len(peer.received) >= count
