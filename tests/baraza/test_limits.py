"""Rate limits as clients and peers meet them: 429 with Retry-After, headers, one budget per key."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from actors.accounts import create_member
from clientapi.tokens import issue_token
from storage.models import Activity
from tests.conftest import make_settings
from tests.inbox.signed import body_of, remote_peer


@pytest.fixture
async def limited_app(db, tmp_path, monkeypatch) -> AsyncIterator[object]:
    from baraza.app import create_app

    monkeypatch.setenv("BARAZA_INBOX_RATE", "3/60")
    monkeypatch.setenv("BARAZA_API_RATE", "4/60")
    monkeypatch.setenv("BARAZA_API_IP_RATE", "2/60")
    application = create_app(make_settings(db, tmp_path), manage_database=False)
    async with application.test_app():
        yield application


def _like(peer, n: int) -> dict:
    return {
        "id": f"https://{peer.host}/likes/{n}",
        "type": "Like",
        "actor": peer.uri,
        "object": f"https://{peer.host}/notes/1",
    }


async def _inbox(client, peer, n: int) -> object:
    body = body_of(_like(peer, n))
    return await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))


async def test_inbox_answers_429_with_retry_after_past_the_host_limit(limited_app) -> None:
    client = limited_app.test_client()
    peer = await remote_peer()
    for n in range(3):
        assert (await _inbox(client, peer, n)).status_code == 202
    refused = await _inbox(client, peer, 3)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many requests" in (await refused.get_json())["error"]
    assert not await Activity.filter(uri=f"https://{peer.host}/likes/3").exists()


async def test_inbox_limit_is_per_signing_host(limited_app) -> None:
    client = limited_app.test_client()
    noisy = await remote_peer(host="noisy.example")
    quiet = await remote_peer(host="quiet.example")
    for n in range(4):
        await _inbox(client, noisy, n)
    assert (await _inbox(client, noisy, 99)).status_code == 429
    assert (await _inbox(client, quiet, 0)).status_code == 202


async def test_client_api_per_address_without_token(limited_app) -> None:
    client = limited_app.test_client()
    first = await client.get("/api/v1/instance")
    assert first.status_code == 200
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert first.headers["X-RateLimit-Reset"].endswith("Z")
    await client.get("/api/v1/instance")
    refused = await client.get("/api/v1/instance")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    other = await client.get("/api/v1/instance", scope_base={"client": ("127.0.0.9", 4000)})
    assert other.status_code == 200, "another address has its own budget"


async def test_client_api_per_token(limited_app, settings) -> None:
    client = limited_app.test_client()
    alice = await create_member(settings, "alice")
    bob = await create_member(settings, "bob")
    alice_token, _ = await issue_token(alice)
    bob_token, _ = await issue_token(bob)
    path = "/api/v1/accounts/verify_credentials"
    for left in (3, 2, 1, 0):
        ok = await client.get(path, headers={"Authorization": f"Bearer {alice_token}"})
        assert ok.status_code == 200
        assert ok.headers["X-RateLimit-Limit"] == "4"
        assert ok.headers["X-RateLimit-Remaining"] == str(left)
    refused = await client.get(path, headers={"Authorization": f"Bearer {alice_token}"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    bob_ok = await client.get(path, headers={"Authorization": f"Bearer {bob_token}"})
    assert bob_ok.status_code == 200


async def test_oauth_endpoints_are_limited_too(limited_app) -> None:
    client = limited_app.test_client()
    codes = [
        (await client.post("/oauth/token", form={"grant_type": "password"})).status_code
        for _ in range(3)
    ]
    assert codes[-1] == 429
    assert 500 not in codes


async def test_pages_and_federation_reads_carry_no_rate_headers(limited_app) -> None:
    response = await limited_app.test_client().get("/.well-known/nodeinfo")
    assert "X-RateLimit-Limit" not in response.headers
