"""Peer instances for the console: the state rule and NodeInfo parsing as tables, then the
facts gathered from actors, the breaker and the queue, and NodeInfo fetched from a tiny local
server (and refused for a private address when the client may not reach one)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from federation.client import ClientSettings, HttpClient
from federation.nodeinfo import NodeInfoError, parse_software, pick_link
from federation.policy import Policy
from outbox.peers import (
    Peer,
    PeerBlocked,
    known_peers,
    peer,
    peer_state,
    refresh_peer,
    run_nodeinfo_refresh,
    stale_peers,
)
from storage.models import Actor, DomainBlock, Host, PeerInstance
from tests.conftest import make_settings
from tests.nodeinfo_peer import serving_nodeinfo

SUSPENDED = Policy(suspended=frozenset({"bad.example"}))
ALLOWLIST = Policy(allowlist_mode=True, allowed=frozenset({"friend.example"}))

STATE_CASES = [
    # (policy, domain, unavailable, delivered once, state, why)
    (Policy(), "ok.example", False, True, "reachable", "a delivery got through"),
    (Policy(), "ok.example", False, False, "unknown", "never delivered to"),
    (Policy(), "ok.example", True, True, "unavailable", "the breaker is open"),
    (SUSPENDED, "bad.example", False, True, "blocked", "suspended"),
    (SUSPENDED, "sub.bad.example:8443", True, False, "blocked", "a parent's block covers it"),
    (ALLOWLIST, "other.example", False, True, "blocked", "outside the allowlist"),
    (ALLOWLIST, "friend.example", False, True, "reachable", "on the allowlist"),
    (
        Policy(silenced=frozenset({"loud.example"})),
        "loud.example",
        False,
        True,
        "reachable",
        "limited is not cut off",
    ),
]


@pytest.mark.parametrize(("policy", "domain", "down", "delivered", "state", "why"), STATE_CASES)
def test_peer_state(policy, domain, down, delivered, state, why):
    assert peer_state(policy, domain, unavailable=down, delivered_once=delivered) == state, why


V21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
V20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"

LINK_CASES = [
    ({"links": [{"rel": V20, "href": "a"}, {"rel": V21, "href": "b"}]}, "b", "2.1 preferred"),
    ({"links": [{"rel": V20, "href": "a"}]}, "a", "2.0 when alone"),
    (
        {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/1.0", "href": "a"}]},
        None,
        "1.x has no software version we read",
    ),
    ({"links": "nope"}, None, "links not a list"),
    ([], None, "not an object"),
    ({"links": [{"rel": V21, "href": 3}]}, None, "href not a string"),
]


@pytest.mark.parametrize(("doc", "href", "why"), LINK_CASES)
def test_pick_link(doc, href, why):
    assert pick_link(doc) == href, why


def test_parse_software():
    found = parse_software({"software": {"name": " mastodon ", "version": "4.3.0"}})
    assert (found.name, found.version) == ("mastodon", "4.3.0")
    assert parse_software({"software": {"name": "x", "version": 4}}).version == ""
    assert len(parse_software({"software": {"name": "n" * 500}}).name) == 100
    for bad in ({}, {"software": "x"}, {"software": {"name": ""}}, None):
        with pytest.raises(NodeInfoError):
            parse_software(bad)


def _remote(domain: str, name: str = "a", scheme: str = "https") -> dict:
    uri = f"{scheme}://{domain}/users/{name}"
    return dict(
        uri=uri,
        type="Person",
        username=name,
        domain=domain,
        inbox_url=uri + "/inbox",
        key_id=uri + "#k",
        public_key_pem="-",
    )


@pytest.fixture
async def nodeinfo_peer() -> AsyncIterator[str]:
    async with serving_nodeinfo("2.1", "gotosocial", "0.17.1") as authority:
        yield authority


async def test_peers_are_gathered_from_actors_and_the_breaker(any_db: str, tmp_path: Path):
    make_settings(any_db, tmp_path)
    now = datetime.now(UTC)
    await Actor.create(**_remote("one.example", "a"))
    await Actor.create(**_remote("one.example", "b"))
    await Host.create(domain="down.example", consecutive_failures=9, unavailable_since=now)
    await Host.create(domain="one.example", last_success_at=now)
    await Actor.create(**_remote("bad.example"))
    await DomainBlock.create(domain="bad.example", severity="suspend")
    peers = {p.domain: p for p in await known_peers()}
    assert set(peers) == {"one.example", "down.example", "bad.example"}
    assert (peers["one.example"].state, peers["one.example"].accounts) == ("reachable", 2)
    assert peers["down.example"].state == "unavailable"
    assert peers["bad.example"].state == "blocked" and peers["bad.example"].block is not None
    assert [p.domain for p in await known_peers("down")] == ["down.example"]
    assert await peer("nowhere.example") is None


async def test_nodeinfo_is_fetched_and_cached(any_db: str, tmp_path: Path, nodeinfo_peer: str):
    make_settings(any_db, tmp_path)
    await Actor.create(**_remote(nodeinfo_peer, scheme="http"))
    async with HttpClient(ClientSettings(user_agent="t", allow_private_addresses=True)) as http:
        row = await refresh_peer(http, nodeinfo_peer)
    assert (row.software_name, row.software_version, row.error) == ("gotosocial", "0.17.1", "")
    found = await peer(nodeinfo_peer)
    assert found is not None and found.software == "gotosocial"


async def test_a_private_address_is_refused_in_production(
    any_db: str, tmp_path: Path, nodeinfo_peer: str
):
    make_settings(any_db, tmp_path)
    await Actor.create(**_remote(nodeinfo_peer, scheme="http"))
    async with HttpClient(ClientSettings(user_agent="t")) as http:
        row = await refresh_peer(http, nodeinfo_peer)
    assert row.software_name == "" and "forbidden" in row.error


async def test_a_blocked_peer_costs_no_request(any_db: str, tmp_path: Path, nodeinfo_peer: str):
    make_settings(any_db, tmp_path)
    await DomainBlock.create(domain="127.0.0.1", severity="suspend")
    async with HttpClient(ClientSettings(user_agent="t", allow_private_addresses=True)) as http:
        with pytest.raises(PeerBlocked):
            await refresh_peer(http, nodeinfo_peer)
    assert not await PeerInstance.exists()


NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)


def test_the_worker_reads_never_read_peers_first_then_the_oldest_never_blocked_ones():
    peers = [
        Peer("fresh.example", "reachable", fetched_at=NOW - timedelta(hours=2)),
        Peer("old.example", "reachable", fetched_at=NOW - timedelta(days=3)),
        Peer("older.example", "unavailable", fetched_at=NOW - timedelta(days=9)),
        Peer("new.example", "unknown"),
        Peer("bad.example", "blocked"),
    ]
    assert stale_peers(peers, NOW, limit=10) == ["new.example", "older.example", "old.example"]
    assert stale_peers(peers, NOW, limit=2) == ["new.example", "older.example"]
    assert stale_peers(peers, NOW, after=timedelta(hours=1), limit=10)[-1] == "fresh.example"


async def test_the_worker_loop_reads_nodeinfo_and_stops_at_once(
    any_db: str, tmp_path: Path, nodeinfo_peer: str
):
    make_settings(any_db, tmp_path)
    await Actor.create(**_remote(nodeinfo_peer, scheme="http"))
    stop = asyncio.Event()
    async with HttpClient(ClientSettings(user_agent="t", allow_private_addresses=True)) as http:
        loop = asyncio.create_task(run_nodeinfo_refresh(http, stop, first_delay=0, every=3600))
        for _ in range(300):  # up to 15 s on a loaded machine
            if await PeerInstance.filter(domain=nodeinfo_peer).exists():
                break
            await asyncio.sleep(0.05)
        stop.set()
        async with asyncio.timeout(2):
            await loop
    row = await PeerInstance.get(domain=nodeinfo_peer)
    assert row.software_name == "gotosocial" and row.fetched_at is not None
