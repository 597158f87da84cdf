"""A post and its deliveries are one transaction: a crash keeps both or neither (issue 13).

A real `baraza serve` whose member has remote followers is sent posts through the Mastodon
API by several clients at once, and is SIGKILLed while requests are in flight, five times.
A post committed before its `Create` and delivery rows (as it was, in two transactions) would
be left behind by a kill between the two and never federate. After the last restart:

- every stored post has its `Create` and exactly one delivery row (to the followers' inbox);
- no `Create` or delivery exists without its post;
- every post the API answered is stored.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

import aiohttp

from storage.database import close_database, open_database
from storage.models import Actor, Follow
from tests.e2e.instance import Instance
from tests.e2e.peek import query
from tests.e2e.recording_peer import RecordingPeer

# Seconds after enough answers: spread over a request. Against the old two transactions, 6 of
# 10 such kills left posts without deliveries; five kills miss them all about 1% of the time.
KILL_DELAYS = (0.029, 0.047, 0.053, 0.061, 0.083)
POSTERS = 8
FOLLOWERS = 1000
ANSWERS_BEFORE_KILL = 6  # per round: posts answered before the kill is timed


async def _remote_followers(instance: Instance, peer: RecordingPeer) -> None:
    """FOLLOWERS followers on one server, stored as verified fetches would have left them.

    They share one inbox, so each post has one delivery row; gathering them is what takes
    time between storing a post and writing its deliveries, as for any well-followed member.
    """
    await open_database(instance.database_url)
    try:
        now = datetime.now(UTC)
        uris = [f"{peer.base_url}/users/f{n}" for n in range(FOLLOWERS)]
        await Actor.bulk_create(
            [
                Actor(
                    uri=uri,
                    type="Person",
                    username=uri.rsplit("/", 1)[-1],
                    domain=peer.domain,
                    inbox_url=f"{uri}/inbox",
                    shared_inbox_url=f"{peer.base_url}/inbox",
                    key_id=f"{uri}#main-key",
                    public_key_pem="unused",
                    followers_url=f"{uri}/followers",
                    fetched_at=now,
                    document={"id": uri, "type": "Person"},
                )
                for uri in uris
            ],
            batch_size=500,
        )
        alice = await Actor.get(local_username="alice")
        followers = await Actor.filter(uri__in=uris)
        await Follow.bulk_create(
            [
                Follow(follower=f, target=alice, accepted=True, uri=f"{f.uri}/follows/1")
                for f in followers
            ],
            batch_size=500,
        )
    finally:
        await close_database()


async def _post_until_killed(
    instance: Instance, token: str, counter: itertools.count, delay: float
) -> tuple[set[int], int]:
    """POSTERS clients post in a loop; the server is SIGKILLed `delay` seconds after the
    ANSWERS_BEFORE_KILL-th answer, so the kill lands at no particular step of a request.
    Returns (ids answered 200, how many requests the kill cut off)."""
    answered: set[int] = set()
    cut_off = 0
    killed = asyncio.Event()
    enough = asyncio.Event()
    headers = {"Authorization": f"Bearer {token}"}

    async def poster(http: aiohttp.ClientSession) -> None:
        nonlocal cut_off
        while not killed.is_set():
            try:
                async with http.post(
                    f"{instance.base_url}/api/v1/statuses",
                    json={"status": f"post {next(counter)}"},
                    headers=headers,
                ) as response:
                    body = await response.json(content_type=None)
                    assert response.status == 200, body
                    answered.add(int(body["id"]))
            except (TimeoutError, aiohttp.ClientConnectionError):
                assert killed.is_set(), "a request failed before the kill"
                cut_off += 1
                return
            if len(answered) >= ANSWERS_BEFORE_KILL:
                enough.set()

    async def killer() -> None:
        await enough.wait()
        await asyncio.sleep(delay)
        killed.set()
        instance.kill()  # synchronous on purpose: the posters are mid-request

    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=POSTERS, force_close=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        await asyncio.gather(killer(), *(poster(http) for _ in range(POSTERS)))
    return answered, cut_off


async def test_a_killed_server_keeps_every_post_with_its_deliveries(make_instance) -> None:
    peer = await RecordingPeer(host="127.0.0.3").start()
    instance = await make_instance(BARAZA_API_RATE="off", BARAZA_API_IP_RATE="off")
    try:
        await asyncio.to_thread(instance.cli, "member", "add", "alice")
        token = await asyncio.to_thread(instance.token, "alice")
        await _remote_followers(instance, peer)

        answered: set[int] = set()
        cut_off = 0
        counter = itertools.count()
        for delay in KILL_DELAYS:
            ids, cut = await _post_until_killed(instance, token, counter, delay)
            answered |= ids
            cut_off += cut
            await asyncio.to_thread(instance.start)
        assert cut_off, "no request was in flight at a kill: the test proves nothing"

        posts = dict(
            await query(
                instance,
                "SELECT p.uri, p.id FROM posts p JOIN actors a ON a.id = p.actor_id "
                "WHERE a.local_username = ?",
                "alice",
            )
        )
        assert answered <= set(posts.values()), "a post answered 200 was lost"
        creates = dict(
            await query(
                instance,
                "SELECT a.object_uri, COUNT(d.id) FROM activities a "
                "LEFT JOIN deliveries d ON d.activity_id = a.id "
                "WHERE a.local AND a.type = ? GROUP BY a.object_uri",
                "Create",
            )
        )
        without_deliveries = sorted(uri for uri in posts if creates.get(uri, 0) != 1)
        assert not without_deliveries, (
            f"{len(without_deliveries)} of {len(posts)} posts stored without their "
            f"Create delivery, e.g. {without_deliveries[:3]}"
        )
        orphans = sorted(uri for uri in creates if uri not in posts)
        assert not orphans, f"Create activities without their post: {orphans[:3]}"
        print(
            f"{len(posts)} posts, {len(answered)} answered, {cut_off} requests cut off "
            f"by {len(KILL_DELAYS)} kills"
        )
    finally:
        await peer.stop()
    assert "Traceback" not in instance.log()
