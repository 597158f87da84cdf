"""Delivery fan-out: a public post by a member with 10,000 followers on 1,000 remote hosts.

Followers are cached remote actors (ten per host, sharing the host's inbox), inserted
straight into the database; the post goes through the C2S outbox of a real `baraza serve`,
whose in-process worker signs and POSTs. The clock runs from the POST to the outbox until the
recording peer has seen every host; exactly 1,000 POSTs must arrive. The baseline is the
lower of raw RSA-2048 signatures per second and a bare aiohttp POST loop to the same peers.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from bench.fanout_peer import host_address
from bench.processes import baraza, rss_mb, run_in_database, wait_http
from bench.report import Figure, ratio_goal
from tests.e2e.instance import free_port

HOSTS = 1000
FOLLOWERS_PER_HOST = 10
CONTROL = "127.0.0.6"


def seed_followers(database_url: str, member_name: str, port: int) -> None:
    from storage.models import Actor, Follow

    async def work() -> None:
        member = await Actor.get(local_username=member_name)
        now = datetime.now(UTC)
        actors = []
        for n in range(HOSTS):
            domain = f"{host_address(n)}:{port}"
            for k in range(FOLLOWERS_PER_HOST):
                uri = f"http://{domain}/users/f{k}"
                actors.append(
                    Actor(
                        uri=uri,
                        type="Person",
                        username=f"f{k}",
                        domain=domain,
                        inbox_url=f"{uri}/inbox",
                        shared_inbox_url=f"http://{domain}/inbox",
                        key_id=f"{uri}#main-key",
                        public_key_pem="-",
                        fetched_at=now,
                    )
                )
        await Actor.bulk_create(actors, batch_size=1000)
        ids = await Actor.filter(local=False).values_list("id", flat=True)
        await Follow.bulk_create(
            [Follow(follower_id=i, target_id=member.id, accepted=True) for i in ids],
            batch_size=1000,
        )

    run_in_database(database_url, work)


def signatures_per_second(seconds: float = 2.0) -> float:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    data = b"(request-target): post /inbox\nhost: example\ndate: now\ndigest: SHA-256=x"
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        count += 1
    return count / (time.perf_counter() - started)


async def post_loop_per_second(port: int, concurrency: int = 32) -> float:
    """One POST to each host's inbox, as the worker would, without signing or the database."""
    urls = [f"http://{host_address(n)}:{port}/inbox" for n in range(HOSTS)]
    body = b'{"type":"Create"}' * 40
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        index = 0

        async def lane() -> None:
            nonlocal index
            while index < len(urls):
                url = urls[index]
                index += 1
                async with session.post(url, data=body) as response:
                    await response.read()

        started = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        return len(urls) / (time.perf_counter() - started)


def _control(port: int, path: str, method: str = "GET") -> dict[str, Any]:
    req = urllib.request.Request(f"http://{CONTROL}:{port}{path}", method=method)
    with urllib.request.urlopen(req, timeout=5) as response:
        return json.loads(response.read())


def run(context: dict[str, Any]) -> list[Figure]:
    peer_port, control_port = free_port("127.0.1.1"), free_port(CONTROL)
    peer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.fanout_peer",
            "--hosts",
            str(HOSTS),
            "--port",
            str(peer_port),
            "--control",
            f"{CONTROL}:{control_port}",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://{CONTROL}:{control_port}/count", peer, timeout=60)
        with baraza() as instance:
            instance.cli("member", "add", "alice")
            token = instance.token("alice")
            seed_followers(instance.database_url, "alice", peer_port)
            signing = signatures_per_second()
            posting = asyncio.run(post_loop_per_second(peer_port))
            _control(control_port, "/reset", "POST")
            note = json.dumps(
                {
                    "type": "Note",
                    "content": "fan-out benchmark",
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [f"{instance.base_url}/users/alice/followers"],
                }
            ).encode()
            request = urllib.request.Request(
                f"{instance.base_url}/users/alice/outbox",
                data=note,
                method="POST",
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": "application/activity+json",
                },
            )
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
            accepted = time.perf_counter() - started
            counts = {"posts": 0, "hosts": 0}
            deadline = started + 180
            while counts["hosts"] < HOSTS and time.perf_counter() < deadline:
                time.sleep(0.05)
                counts = _control(control_port, "/count")
            elapsed = time.perf_counter() - started
            time.sleep(1.0)  # anything sent twice would arrive now
            counts = _control(control_port, "/count")
            context["rss_after"] = max(context.get("rss_after", 0.0), rss_mb(instance.process.pid))
    finally:
        peer.terminate()
        peer.wait(timeout=10)
    if counts["posts"] != HOSTS or counts["hosts"] != HOSTS:
        raise AssertionError(f"expected exactly {HOSTS} POSTs to {HOSTS} hosts, got {counts}")
    baseline = min(signing, posting)
    figure = Figure(
        name="fan-out to 1,000 shared inboxes (10,000 followers)",
        value=round(HOSTS / elapsed, 1),
        unit="deliveries/s",
        baseline=round(baseline, 1),
        baseline_name=f"min(RSA-2048 sign/s {signing:.0f}, bare aiohttp POST/s {posting:.0f})",
        note=f"all {HOSTS} in {elapsed:.2f} s; outbox answered in {accepted:.2f} s",
    )
    return [ratio_goal(figure, 0.5)]
