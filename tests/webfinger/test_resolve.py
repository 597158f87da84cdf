"""Resolving handles: local from the table, remote through the domain's WebFinger.

Peers are real aiohttp servers on 127.0.0.1 (random ports, so each is its own host); the
instance runs with scheme "http" so WebFinger is asked over plain HTTP on loopback.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from actors.accounts import create_member
from baraza.services import Services
from federation.errors import NotFound
from storage.models import DomainBlock
from tests.federation.test_remote_actors import Peer, make_services, start_peer
from webfinger.resolve import parse_handle, resolve_handle


@pytest.fixture
async def services(any_db: str, tmp_path: Path) -> AsyncIterator[Services]:
    services = await make_services(any_db, tmp_path)
    yield services
    await services.http.close()


@pytest.fixture
async def peers() -> AsyncIterator[list[Peer]]:
    """Two peers: handles live on the first; the second hosts actors for the split case."""
    started = [await start_peer(), await start_peer()]
    yield started
    for peer in started:
        assert peer.server is not None
        await peer.server.close()


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        ("alice@example.org", ("alice", "example.org")),
        ("@alice@example.org", ("alice", "example.org")),
        ("acct:alice@example.org", ("alice", "example.org")),
        ("  Alice@Example.ORG.", ("Alice", "example.org")),
        ("alice@127.0.0.1:8001", ("alice", "127.0.0.1:8001")),
    ],
)
def test_handle_forms(handle: str, expected: tuple[str, str]) -> None:
    assert parse_handle(handle) == expected


@pytest.mark.parametrize(
    "handle", ["alice", "@alice", "alice@", "@example.org", "a@b@example.org", "alice@ex/ample"]
)
def test_malformed_handles_are_not_found(handle: str) -> None:
    with pytest.raises(NotFound, match="not a handle"):
        parse_handle(handle)


@pytest.mark.parametrize("form", ["{u}@{d}", "@{u}@{d}", "acct:{u}@{d}"])
async def test_remote_handle_resolves_through_webfinger(
    services: Services, peers: list[Peer], form: str
) -> None:
    peer = peers[0]
    doc = peer.actor("alice")
    peer.jrd("alice", peer.host, doc["id"])
    actor = await resolve_handle(form.format(u="alice", d=peer.host), services=services)
    assert actor.uri == doc["id"]
    assert actor.acct == f"alice@{peer.host}"
    assert peer.hits["/.well-known/webfinger"] == 1


async def test_local_handle_is_looked_up_without_a_request(services: Services) -> None:
    alice = await create_member(services.settings, "alice")
    actor = await resolve_handle("@alice@testserver.example", services=services)
    assert actor.id == alice.id
    with pytest.raises(NotFound):
        await resolve_handle("nobody@testserver.example", services=services)


async def test_unknown_remote_handle_is_not_found(services: Services, peers: list[Peer]) -> None:
    with pytest.raises(NotFound, match="answered 404"):
        await resolve_handle(f"nobody@{peers[0].host}", services=services)


async def test_webfinger_without_an_actor_link_is_not_found(
    services: Services, peers: list[Peer]
) -> None:
    peer = peers[0]
    peer.webfinger[f"acct:alice@{peer.host}"] = {
        "subject": f"acct:alice@{peer.host}",
        "links": [{"rel": "self", "type": "text/html", "href": peer.url("/@alice")}],
    }
    with pytest.raises(NotFound, match="no ActivityPub actor link"):
        await resolve_handle(f"alice@{peer.host}", services=services)


async def test_invalid_actor_behind_a_handle_is_not_found(
    services: Services, peers: list[Peer]
) -> None:
    peer = peers[0]
    doc = peer.actor("alice", inbox=None)
    peer.jrd("alice", peer.host, doc["id"])
    with pytest.raises(NotFound, match="has no inbox"):
        await resolve_handle(f"alice@{peer.host}", services=services)


async def test_blocked_domain_is_not_asked(services: Services, peers: list[Peer]) -> None:
    await DomainBlock.create(domain="127.0.0.1", severity="suspend")
    with pytest.raises(NotFound):
        await resolve_handle(f"alice@{peers[0].host}", services=services)
    assert peers[0].total_hits == 0


async def test_split_domain_handle_is_accepted_when_the_actor_host_confirms_it(
    services: Services, peers: list[Peer]
) -> None:
    """Mastodon's LOCAL_DOMAIN/WEB_DOMAIN: handle on the first host, actor on the second."""
    handle_host, actor_host = peers
    doc = actor_host.actor("alice")
    handle_host.jrd("alice", handle_host.host, doc["id"])
    actor_host.jrd("alice", actor_host.host, doc["id"], subject=f"acct:alice@{handle_host.host}")
    actor = await resolve_handle(f"alice@{handle_host.host}", services=services)
    assert actor.uri == doc["id"]
    assert actor_host.hits["/.well-known/webfinger"] == 1


async def test_handle_pointing_at_someone_elses_actor_is_not_found(
    services: Services, peers: list[Peer]
) -> None:
    """A domain cannot give its own handle to an actor on another host that disowns it."""
    impostor, actor_host = peers
    doc = actor_host.actor("alice")
    impostor.jrd("mallory", impostor.host, doc["id"])
    actor_host.jrd("alice", actor_host.host, doc["id"])
    with pytest.raises(NotFound, match="does not confirm the handle"):
        await resolve_handle(f"mallory@{impostor.host}", services=services)
