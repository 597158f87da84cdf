"""Fetching, validating and caching remote actors, against a real peer on loopback.

The peer is an aiohttp server on 127.0.0.1 with a random port (so each peer is its own host,
as `host_of` keeps the port). It counts requests per path and checks every request's
draft-cavage signature against our instance actor's key, as a peer in authorized-fetch mode
would.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from actors.accounts import create_member, ensure_instance_actor
from baraza.services import Services
from federation.errors import BadSignature, FederationError, Gone, NotFound, Refused
from federation.fetch import FetchFailed
from federation.keys import KeyPair, generate_key_pair
from federation.remote_actors import (
    actor_fields,
    actor_for_key,
    get_actor,
    upsert_actor_document,
)
from federation.signatures import load_public_key_pem, verify_request
from storage.models import Actor, DomainBlock
from tests.conftest import make_settings


@lru_cache(maxsize=8)
def peer_keys(n: int) -> KeyPair:
    """Key generation is slow; tests share a few pairs."""
    return generate_key_pair()


class Peer:
    """A remote server: documents by path, WebFinger answers by resource, hit counts."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[int, Any, dict[str, str]]] = {}
        self.webfinger: dict[str, dict[str, Any]] = {}
        self.hits: Counter[str] = Counter()
        self.signature_errors: list[str] = []
        self.unsigned: list[str] = []
        self.accepts: list[str] = []
        self.verify_pem: str | None = None
        self.delay = 0.0
        self.server: TestServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def host(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())

    def serve(
        self, path: str, doc: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        self.documents[path] = (status, doc, headers or {})

    def actor(self, handle: str, key: int = 0, **overrides: Any) -> dict[str, Any]:
        """Serve a Mastodon-shaped actor at /users/<handle> and return its document."""
        name = handle
        actor_id = self.url(f"/users/{name}")
        doc: dict[str, Any] = {
            "@context": [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
            ],
            "id": actor_id,
            "type": "Person",
            "preferredUsername": name,
            "name": name.title(),
            "summary": "<p>hello</p><script>alert(1)</script>",
            "url": self.url(f"/@{name}"),
            "inbox": f"{actor_id}/inbox",
            "outbox": f"{actor_id}/outbox",
            "followers": f"{actor_id}/followers",
            "following": f"{actor_id}/following",
            "endpoints": {"sharedInbox": self.url("/inbox")},
            "manuallyApprovesFollowers": False,
            "discoverable": True,
            "publicKey": {
                "id": f"{actor_id}#main-key",
                "owner": actor_id,
                "publicKeyPem": peer_keys(key).public_pem,
            },
        }
        doc.update(overrides)
        self.serve(f"/users/{name}", doc)
        return doc

    def jrd(self, user: str, domain: str, href: str, subject: str | None = None) -> None:
        self.webfinger[f"acct:{user}@{domain}"] = {
            "subject": subject or f"acct:{user}@{domain}",
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": href},
                {"rel": "self", "type": "application/activity+json", "href": href},
            ],
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.hits[request.path] += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.path == "/.well-known/webfinger":
            jrd = self.webfinger.get(request.query.get("resource", ""))
            if jrd is None:
                return web.json_response({"error": "not found"}, status=404)
            return web.json_response(jrd, content_type="application/jrd+json")
        self.accepts.append(request.headers.get("Accept", ""))
        self._check_signature(request)
        if request.path not in self.documents:
            return web.json_response({"error": "not found"}, status=404)
        status, doc, headers = self.documents[request.path]
        return web.json_response(
            doc, status=status, headers=headers, content_type="application/activity+json"
        )

    def _check_signature(self, request: web.Request) -> None:
        if "Signature" not in request.headers:
            self.unsigned.append(request.path)
            return
        if self.verify_pem is None:
            return
        try:
            verify_request(
                request.method,
                request.path_qs,
                request.headers,
                load_public_key_pem(self.verify_pem),
            )
        except BadSignature as exc:
            self.signature_errors.append(exc.reason)


async def start_peer() -> Peer:
    peer = Peer()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", peer.handle)
    peer.server = TestServer(app, host="127.0.0.1")
    await peer.server.start_server()
    return peer


@pytest.fixture
async def make_peer() -> AsyncIterator[Callable[[], Awaitable[Peer]]]:
    peers: list[Peer] = []

    async def make() -> Peer:
        peers.append(await start_peer())
        return peers[-1]

    yield make
    for peer in peers:
        assert peer.server is not None
        await peer.server.close()


async def make_services(database_url: str, tmp_path: Path) -> Services:
    settings = make_settings(database_url, tmp_path, scheme="http")
    services = Services(settings)
    await services.http.start()
    services.instance_actor = await ensure_instance_actor(settings)
    return services


@pytest.fixture
async def services(any_db: str, tmp_path: Path) -> AsyncIterator[Services]:
    services = await make_services(any_db, tmp_path)
    yield services
    await services.http.close()


@pytest.fixture
async def peer(make_peer: Callable[[], Awaitable[Peer]], services: Services) -> Peer:
    peer = await make_peer()
    assert services.instance_actor is not None
    peer.verify_pem = services.instance_actor.public_key_pem
    return peer


# --- fetching is signed and the actor is stored faithfully ---------------------------------


async def test_fetch_is_signed_by_the_instance_actor(services: Services, peer: Peer) -> None:
    peer.actor("alice")
    await get_actor(peer.url("/users/alice"), services=services)
    assert peer.hits["/users/alice"] == 1
    assert peer.unsigned == []
    assert peer.signature_errors == []
    assert "application/activity+json" in peer.accepts[0]


async def test_remote_actor_is_stored_with_what_its_document_says(
    services: Services, peer: Peer
) -> None:
    doc = peer.actor(
        "alice",
        alsoKnownAs=[peer.url("/users/old-alice")],
        movedTo=peer.url("/users/new-alice"),
    )
    actor = await get_actor(doc["id"], services=services)
    stored = await Actor.get(uri=doc["id"])
    assert stored.id == actor.id
    assert (stored.type, stored.username, stored.domain) == ("Person", "alice", peer.host)
    assert stored.local is False and stored.local_username is None
    assert stored.display_name == "Alice"
    assert "<script>" not in stored.summary and "hello" in stored.summary
    assert stored.inbox_url == doc["inbox"]
    assert stored.shared_inbox_url == peer.url("/inbox")
    assert stored.key_id == doc["id"] + "#main-key"
    assert stored.public_key_pem == peer_keys(0).public_pem
    assert stored.also_known_as == [peer.url("/users/old-alice")]
    assert stored.moved_to == peer.url("/users/new-alice")
    assert stored.document == doc
    assert stored.fetched_at is not None


async def test_remote_group_keeps_its_moderation_fields(services: Services, peer: Peer) -> None:
    doc = peer.actor(
        "rights",
        type="Group",
        attributedTo=peer.url("/users/rights/moderators"),
        postingRestrictedToMods=True,
    )
    actor = await get_actor(doc["id"], services=services)
    assert actor.is_space and actor.posting_restricted_to_mods
    assert actor.document["attributedTo"] == peer.url("/users/rights/moderators")


async def test_local_actor_comes_from_the_table_without_a_request(services: Services) -> None:
    alice = await create_member(services.settings, "alice")
    assert (await get_actor(alice.uri, services=services)).id == alice.id
    with pytest.raises(NotFound):
        await get_actor(services.settings.url("/users/nobody"), services=services)


# --- cache ---------------------------------------------------------------------------------


async def test_actor_is_cached_for_a_day_then_refetched(services: Services, peer: Peer) -> None:
    uri = peer.actor("alice")["id"]
    await get_actor(uri, services=services)
    await get_actor(uri, services=services)
    assert peer.hits["/users/alice"] == 1

    await get_actor(uri, services=services, refresh=True)
    assert peer.hits["/users/alice"] == 2

    await Actor.filter(uri=uri).update(fetched_at=datetime.now(UTC) - timedelta(days=2))
    await get_actor(uri, services=services)
    assert peer.hits["/users/alice"] == 3
    await get_actor(uri, services=services)
    assert peer.hits["/users/alice"] == 3


async def test_refetch_updates_the_stored_row(services: Services, peer: Peer) -> None:
    uri = peer.actor("alice")["id"]
    first = await get_actor(uri, services=services)
    peer.actor("alice", name="Alice Renamed")
    second = await get_actor(uri, services=services, refresh=True)
    assert second.id == first.id
    assert (await Actor.get(uri=uri)).display_name == "Alice Renamed"
    assert await Actor.filter(uri=uri).count() == 1


async def test_burst_of_concurrent_lookups_fetches_once(services: Services, peer: Peer) -> None:
    uri = peer.actor("alice")["id"]
    peer.delay = 0.2
    actors = await asyncio.gather(*(get_actor(uri, services=services) for _ in range(20)))
    assert peer.hits["/users/alice"] == 1
    assert len({actor.id for actor in actors}) == 1


async def test_burst_of_signatures_by_a_new_key_fetches_once(
    services: Services, peer: Peer
) -> None:
    key_id = peer.actor("alice")["publicKey"]["id"]
    peer.delay = 0.2
    await asyncio.gather(*(actor_for_key(key_id, services=services) for _ in range(20)))
    assert peer.hits["/users/alice"] == 1


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error", "reason"),
    [
        ({"id": "http://127.0.0.9:9/users/alice"}, Refused, "on another host"),
        (
            {"publicKey": {"id": "K", "owner": "http://127.0.0.9:9/users/x", "publicKeyPem": "x"}},
            Refused,
            "key owner mismatch",
        ),
        ({"inbox": None}, Refused, "has no inbox"),
        ({"inbox": "ftp://example.org/inbox"}, Refused, "has no inbox"),
        ({"type": "Note"}, Refused, "not an actor"),
    ],
    ids=["id-on-another-host", "key-owner-mismatch", "no-inbox", "inbox-not-http", "a-note"],
)
async def test_unacceptable_actor_documents_are_refused(
    services: Services,
    peer: Peer,
    overrides: dict[str, Any],
    error: type[FederationError],
    reason: str,
) -> None:
    peer.actor("alice", **overrides)
    uri = peer.url("/users/alice")
    with pytest.raises(error) as caught:
        await get_actor(uri, services=services)
    assert reason in caught.value.reason
    assert not await Actor.filter(local=False).exists()


@pytest.mark.parametrize(
    ("status", "error"), [(404, NotFound), (410, Gone), (500, FetchFailed), (401, FetchFailed)]
)
async def test_peer_errors_are_typed(
    services: Services, peer: Peer, status: int, error: type[FederationError]
) -> None:
    peer.serve("/users/alice", {"error": "no"}, status=status)
    with pytest.raises(error):
        await get_actor(peer.url("/users/alice"), services=services)


async def test_unreachable_peer_is_a_fetch_failure(services: Services, peer: Peer) -> None:
    assert peer.server is not None
    url = peer.url("/users/alice")
    await peer.server.close()
    with pytest.raises(FetchFailed) as caught:
        await get_actor(url, services=services)
    assert "connection failed" in caught.value.reason


async def test_redirect_to_another_host_is_refused_before_it_is_followed(
    services: Services, make_peer: Callable[[], Awaitable[Peer]], peer: Peer
) -> None:
    other = await make_peer()
    other.actor("alice")
    peer.serve("/users/alice", {}, status=301, headers={"Location": other.url("/users/alice")})
    with pytest.raises(Refused, match="redirects to another host"):
        await get_actor(peer.url("/users/alice"), services=services)
    assert other.total_hits == 0


async def test_profile_url_is_followed_to_the_canonical_actor_id(
    services: Services, peer: Peer
) -> None:
    doc = peer.actor("alice")
    peer.serve("/@alice", {}, status=302, headers={"Location": "/users/alice"})
    actor = await get_actor(peer.url("/@alice"), services=services)
    assert actor.uri == doc["id"]
    # Redirected to /users/alice, then the document re-fetched from the id it names.
    assert (peer.hits["/@alice"], peer.hits["/users/alice"]) == (1, 2)
    assert peer.signature_errors == []


async def test_blocked_domain_costs_no_request(services: Services, peer: Peer) -> None:
    peer.actor("alice")
    await DomainBlock.create(domain="127.0.0.1", severity="suspend")
    with pytest.raises(Refused):
        await get_actor(peer.url("/users/alice"), services=services)
    with pytest.raises(Refused):
        await actor_for_key(peer.url("/users/alice#main-key"), services=services)
    assert peer.total_hits == 0


async def test_document_cannot_overwrite_a_local_actor(services: Services) -> None:
    alice = await create_member(services.settings, "alice")
    doc = {
        "id": alice.uri,
        "type": "Person",
        "preferredUsername": "alice",
        "inbox": "http://127.0.0.9/inbox",
        "publicKey": {
            "id": alice.key_id,
            "owner": alice.uri,
            "publicKeyPem": peer_keys(1).public_pem,
        },
    }
    with pytest.raises(Refused, match="local actor"):
        await upsert_actor_document(doc, alice.uri)
    assert (await Actor.get(id=alice.id)).public_key_pem == alice.public_key_pem


# --- keys ----------------------------------------------------------------------------------


async def test_mastodon_key_id_fetches_the_actor(services: Services, peer: Peer) -> None:
    key_id = peer.actor("alice")["publicKey"]["id"]
    actor = await actor_for_key(key_id, services=services)
    assert actor.key_id == key_id
    await actor_for_key(key_id, services=services)
    assert peer.hits["/users/alice"] == 1


async def test_rotated_key_is_picked_up_on_refresh(services: Services, peer: Peer) -> None:
    key_id = peer.actor("alice", key=0)["publicKey"]["id"]
    assert (await actor_for_key(key_id, services=services)).public_key_pem == (
        peer_keys(0).public_pem
    )
    peer.actor("alice", key=1)
    cached = await actor_for_key(key_id, services=services)
    assert cached.public_key_pem == peer_keys(0).public_pem
    refreshed = await actor_for_key(key_id, services=services, refresh=True)
    assert refreshed.public_key_pem == peer_keys(1).public_pem
    assert (await Actor.get(key_id=key_id)).public_key_pem == peer_keys(1).public_pem


async def test_gotosocial_key_document_leads_to_its_owner(services: Services, peer: Peer) -> None:
    actor_id = peer.url("/users/gts")
    key_id = f"{actor_id}/main-key"
    pem = peer_keys(2).public_pem
    peer.actor("gts", publicKey={"id": key_id, "owner": actor_id, "publicKeyPem": pem})
    peer.serve("/users/gts/main-key", {"id": key_id, "owner": actor_id, "publicKeyPem": pem})
    actor = await actor_for_key(key_id, services=services)
    assert (actor.uri, actor.key_id, actor.public_key_pem) == (actor_id, key_id, pem)
    assert peer.signature_errors == []


async def test_gotosocial_actor_stub_at_the_key_url_leads_to_the_full_actor(
    services: Services, peer: Peer
) -> None:
    actor_id = peer.url("/users/gts")
    key = {"id": f"{actor_id}/main-key", "owner": actor_id, "publicKeyPem": peer_keys(2).public_pem}
    peer.actor("gts", publicKey=key)
    peer.serve("/users/gts/main-key", {"id": actor_id, "type": "Person", "publicKey": key})
    actor = await actor_for_key(key["id"], services=services)
    assert actor.inbox_url == actor_id + "/inbox"


async def test_key_document_whose_owner_lists_another_key_is_refused(
    services: Services, peer: Peer
) -> None:
    doc = peer.actor("alice")
    stray = peer.url("/keys/stray")
    peer.serve(
        "/keys/stray", {"id": stray, "owner": doc["id"], "publicKeyPem": peer_keys(3).public_pem}
    )
    with pytest.raises(Refused, match="does not list"):
        await actor_for_key(stray, services=services)


async def test_local_key_is_found_without_a_request(services: Services) -> None:
    assert services.instance_actor is not None
    actor = await actor_for_key(services.instance_actor.key_id, services=services)
    assert actor.id == services.instance_actor.id


# --- validation, as a table (no I/O) -------------------------------------------------------

BASE = "https://peer.example/users/alice"


def doc_with(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": BASE,
        "type": "Person",
        "preferredUsername": "alice",
        "inbox": BASE + "/inbox",
        "publicKey": {"id": BASE + "#main-key", "owner": BASE, "publicKeyPem": ""},
    }
    doc["publicKey"]["publicKeyPem"] = peer_keys(0).public_pem
    for name, value in changes.items():
        if value is None:
            doc.pop(name, None)
        else:
            doc[name] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        (doc_with(publicKey=None), "has no publicKey"),
        (
            doc_with(
                publicKey={"id": "https://other.example/k", "owner": BASE, "publicKeyPem": ""}
            ),
            "not on its own host",
        ),
        (
            doc_with(publicKey={"id": BASE + "#k", "owner": BASE, "publicKeyPem": "garbage"}),
            "not a usable public key",
        ),
        (doc_with(type="Tombstone"), "not an actor"),
        (doc_with(id="https://elsewhere.example/users/alice"), "not on the host it came from"),
        (doc_with(id="https://peer.example/" + "a" * 600), "too long"),
        (doc_with(**{"@context": {"actor": "@id"}}), "unusable actor document"),
    ],
    ids=["no-key", "key-elsewhere", "bad-pem", "tombstone", "id-elsewhere", "long-id", "context"],
)
def test_actor_fields_refusals(doc: dict[str, Any], reason: str) -> None:
    with pytest.raises(Refused) as caught:
        actor_fields(doc, BASE)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("doc", "column", "expected", "why"),
    [
        (doc_with(preferredUsername=None), "username", "alice", "falls back to the path"),
        (doc_with(type=["Service"]), "type", "Service", "type may be a list"),
        (doc_with(type="as:Application"), "type", "Application", "compacted AS2 term"),
        (
            doc_with(url=[{"type": "Link", "href": "https://peer.example/@alice"}]),
            "url",
            "https://peer.example/@alice",
            "Misskey/PeerTube Link list",
        ),
        (doc_with(), "discoverable", False, "absent means not discoverable"),
        (doc_with(), "shared_inbox_url", None, "no endpoints"),
        (
            doc_with(alsoKnownAs="https://old.example/u/a"),
            "also_known_as",
            ["https://old.example/u/a"],
            "single alias",
        ),
        (
            doc_with(followers={"id": BASE + "/followers"}),
            "followers_url",
            BASE + "/followers",
            "embedded collection",
        ),
    ],
)
def test_actor_fields_accepts_what_peers_send(
    doc: dict[str, Any], column: str, expected: Any, why: str
) -> None:
    assert actor_fields(doc, BASE)[column] == expected, why
