"""The inbox accept path on SQLite and PostgreSQL: one insert that a replay turns into nothing,
batches claimed once each, and cached policy and keys that a change reaches at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from federation.activities import parse_activity
from inbox import processor
from inbox.store import store_incoming
from storage.models import Activity, Actor, DomainBlock, InstanceSetting
from tests.conftest import make_settings
from tests.inbox.signed import body_of, remote_peer

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
async def any_app(any_db: str, tmp_path: Path) -> AsyncIterator[object]:
    from baraza.app import create_app

    application = create_app(make_settings(any_db, tmp_path), manage_database=False)
    async with application.test_app():
        yield application


def _like(actor: str, n: int) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{actor}/likes/{n}",
        "type": "Like",
        "actor": actor,
        "object": "https://testserver.example/users/nobody/statuses/1",
    }


async def test_a_replay_inserts_nothing_and_returns_no_id(any_db: str) -> None:
    activity = parse_activity(_like("https://remote.example/users/rita", 1))
    first = await store_incoming(activity)
    assert isinstance(first, int)
    assert await store_incoming(activity) is None
    row = await Activity.get(uri=activity.id)
    assert (row.id, row.state, row.local, row.document) == (first, "received", False, activity.raw)


async def test_a_batch_is_claimed_once_and_again_only_after_its_lease(any_db: str) -> None:
    for n in range(5):
        await store_incoming(parse_activity(_like("https://remote.example/users/rita", n)))
    claimed = await processor.claim_batch(3)
    assert [r.state for r in claimed] == ["processing"] * 3
    rest = await processor.claim_batch(10)
    assert len(rest) == 2 and not {r.id for r in rest} & {r.id for r in claimed}
    assert await processor.claim_batch(10) == []  # everything is held by a lease
    expired = datetime.now(UTC) - timedelta(seconds=1)
    await Activity.filter(id=claimed[0].id).update(next_try_at=expired)  # a killed claimer
    again = await processor.claim_batch(10)
    assert [r.id for r in again] == [claimed[0].id]


async def test_stored_activities_are_drained_and_handled(any_app) -> None:
    peer = await remote_peer()
    client = any_app.test_client()  # type: ignore[attr-defined]
    for n in range(processor.BATCH + 3):  # more than one batch
        body = body_of({**_like(peer.uri, n), "type": "Wiggle"})
        response = await client.post(
            "/inbox", data=body, headers=peer.signed_headers("/inbox", body)
        )
        assert response.status_code == 202
    await processor.drain()
    states = await Activity.filter(local=False).values_list("state", flat=True)
    assert len(states) == processor.BATCH + 3 and set(states) == {"handled"}


async def test_a_block_written_after_a_cached_accept_refuses_the_next_post(any_app) -> None:
    peer = await remote_peer()
    client = any_app.test_client()  # type: ignore[attr-defined]
    body = body_of(_like(peer.uri, 1))
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 202  # the policy and the key are cached now
    await DomainBlock.create(domain=peer.host, severity="suspend")  # written directly
    body = body_of(_like(peer.uri, 2))
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 403
    await DomainBlock.filter(domain=peer.host).delete()
    await InstanceSetting.create(key="federation_mode", value="allowlist")
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 403
    assert await Activity.filter(local=False).count() == 1


async def test_a_signer_suspended_after_its_key_was_cached_is_refused(any_app) -> None:
    peer = await remote_peer()
    client = any_app.test_client()  # type: ignore[attr-defined]
    body = body_of(_like(peer.uri, 1))
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 202
    await Actor.filter(id=peer.actor.id).update(suspended_at=datetime.now(UTC))
    body = body_of(_like(peer.uri, 2))
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 403
    assert await Activity.filter(local=False).count() == 1
