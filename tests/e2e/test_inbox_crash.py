"""Nothing accepted is lost, nothing is handled twice, when the server is killed mid-inbox.

DESIGN.md principle 2: an activity is stored before the 202, and handled from the stored row.
A real `baraza serve` gets a burst of signed Likes from many remote actors and is SIGKILLed
while answers are still coming, so handling started in process is cut off. After a restart
the sweeper must finish every stored row (its lease shortened to 2 s), and the peers'
retries of the unanswered POSTs must be deduplicated: each Like exists exactly once.
"""

from __future__ import annotations

import asyncio

import aiohttp
import orjson

from storage.database import close_database, open_database
from tests.e2e.instance import Instance
from tests.e2e.peek import c2s, eventually, query, scalar
from tests.e2e.signed_peer import CachedPeer

TOTAL = 200
KILL_AFTER = TOTAL // 2  # answers seen before the kill: the rest of the burst is in flight
IN_FLIGHT = 32
UNFINISHED = ("received", "processing")
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _like(peer: CachedPeer, post_uri: str) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer.uri}/likes/1",
        "type": "Like",
        "actor": peer.uri,
        "object": post_uri,
    }


async def _store_peers(instance: Instance, peers: list[CachedPeer]) -> None:
    await open_database(instance.database_url)
    try:
        for peer in peers:
            await peer.store()
    finally:
        await close_database()


async def _burst_until_kill(
    instance: Instance, signed: list[tuple[str, bytes, dict[str, str]]]
) -> set[str]:
    """POST every Like, IN_FLIGHT at a time; SIGKILL after KILL_AFTER answers. Returns the 202s."""
    accepted: set[str] = set()
    killed = asyncio.Event()
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def send(http: aiohttp.ClientSession, like_id: str, body: bytes, headers: dict) -> None:
        async with gate:
            if killed.is_set():
                return
            try:
                async with http.post(
                    f"{instance.base_url}/inbox", data=body, headers=headers
                ) as response:
                    await response.read()
                    if response.status == 202:
                        accepted.add(like_id)
                    else:
                        raise AssertionError(f"{response.status}: {await response.text()}")
            except (TimeoutError, aiohttp.ClientConnectionError):
                assert killed.is_set(), "the connection failed before the kill"
                return
            if len(accepted) >= KILL_AFTER and not killed.is_set():
                killed.set()
                instance.kill()  # synchronous on purpose: nothing else runs before it

    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT, force_close=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await asyncio.gather(*(send(http, *item) for item in signed))
    assert killed.is_set(), "the server was killed partway through the burst"
    return accepted


async def test_killed_server_handles_every_accepted_activity_once(make_instance) -> None:
    instance = await make_instance(BARAZA_INBOX_RATE="off", BARAZA_INBOX_LEASE_SECONDS="2")
    await asyncio.to_thread(instance.cli, "member", "add", "alice")
    token = await asyncio.to_thread(instance.token, "alice")
    async with aiohttp.ClientSession() as http:
        post_uri = (
            await c2s(
                http,
                instance,
                "alice",
                token,
                # Public: the peers follow no one here, and a Like needs a post its liker may see.
                {"type": "Note", "content": "<p>Court date set</p>", "to": [PUBLIC]},
            )
        )["id"]
    peers = [CachedPeer(f"http://peer.invalid/users/p{n}") for n in range(TOTAL)]
    await _store_peers(instance, peers)

    def sign(peer: CachedPeer) -> tuple[str, bytes, dict[str, str]]:
        like = _like(peer, post_uri)
        body = orjson.dumps(like)
        return like["id"], body, peer.headers(instance, "/inbox", body)

    signed = [sign(peer) for peer in peers]  # signed up front: the burst is only I/O
    accepted = await _burst_until_kill(instance, signed)

    stored = dict(await query(instance, "SELECT uri, state FROM activities WHERE NOT local"))
    assert accepted <= set(stored), "every 202 was stored before it was sent"
    cut_off = [uri for uri, state in stored.items() if state in UNFINISHED]
    assert len(accepted) < TOTAL, "the kill landed before the burst ended"
    assert cut_off, "some handling was cut off by the kill, or the test proves nothing"

    await asyncio.to_thread(instance.start)

    async def all_handled() -> bool:
        placeholders = ", ".join("?" for _ in UNFINISHED)
        return not await scalar(
            instance,
            f"SELECT COUNT(*) FROM activities WHERE state IN ({placeholders})",
            *UNFINISHED,
        )

    await eventually(all_handled, "the sweeper finishes every stored activity", 30)
    like_sql = (
        "SELECT x.uri, COUNT(*) FROM likes l JOIN actors x ON x.id = l.actor_id "
        "JOIN posts p ON p.id = l.post_id WHERE p.uri = ? GROUP BY x.uri"
    )
    likes = dict(await query(instance, like_sql, post_uri))
    for like_id in stored:
        actor = like_id.removesuffix("/likes/1")
        assert likes.get(actor) == 1, f"{like_id} handled exactly once"
    assert len(likes) == len(stored)

    # The peers retry what they never saw answered; replays are stored and handled once only.
    async with aiohttp.ClientSession() as http:
        for like_id, body, _ in signed:
            if like_id in accepted:
                continue
            peer = CachedPeer(like_id.removesuffix("/likes/1"))
            async with http.post(
                f"{instance.base_url}/inbox",
                data=body,
                headers=peer.headers(instance, "/inbox", body),
            ) as response:
                assert response.status == 202, await response.text()

    async def retries_handled() -> bool:
        rows = await query(instance, "SELECT state FROM activities WHERE NOT local")
        return len(rows) == TOTAL and {state for (state,) in rows} == {"handled"}

    await eventually(retries_handled, "every retried activity stored and handled", 30)
    likes = dict(await query(instance, like_sql, post_uri))
    assert likes == {peer.uri: 1 for peer in peers}, "each Like exists exactly once"
    repeated = await query(
        instance,
        "SELECT account_id FROM notifications WHERE type = ? GROUP BY account_id "
        "HAVING COUNT(*) > 1",
        "favourite",
    )
    assert repeated == [], "no Like notified twice by a second run of its handler"
    assert "Traceback" not in instance.log()
