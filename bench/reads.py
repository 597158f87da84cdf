"""Reads: WebFinger and actor GETs per second against the bare app's GET, and the home
timeline's p99 for a member following 1,000 actors with 100,000 stored posts.

The timeline is read through the real `/api/v1/timelines/home` endpoint (with a `max_id`
page, as a client scrolling back does), one request at a time so the percentile is latency,
not queueing.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.processes import baraza, baseline, rss_mb, run_in_database, run_loader
from bench.report import Figure, ratio_goal

GETS = 2000
WARMUP = 100
CONCURRENCY = 32
FOLLOWED = 1000
POSTS = int(os.environ.get("BARAZA_BENCH_POSTS", "100000"))  # 1000000 for the larger goal
TIMELINE_READS = 200


def seed_timeline(database_url: str, member_name: str) -> list[int]:
    """1,000 followed remote actors with 100 posts each; returns post ids to page from."""
    from baraza.ids import new_id
    from storage.models import Actor, Follow, Post

    async def work() -> list[int]:
        member = await Actor.get(local_username=member_name)
        now = datetime.now(UTC)
        actors = [
            Actor(
                uri=f"http://127.0.2.{n % 250 + 1}:9/users/a{n}",
                type="Person",
                username=f"a{n}",
                domain=f"127.0.2.{n % 250 + 1}:9",
                inbox_url=f"http://127.0.2.{n % 250 + 1}:9/users/a{n}/inbox",
                key_id=f"http://127.0.2.{n % 250 + 1}:9/users/a{n}#main-key",
                public_key_pem="-",
                fetched_at=now,
            )
            for n in range(FOLLOWED)
        ]
        await Actor.bulk_create(actors, batch_size=500)
        ids = await Actor.filter(local=False, username__startswith="a").values_list("id", flat=True)
        await Follow.bulk_create(
            [Follow(follower_id=member.id, target_id=t, accepted=True) for t in ids],
            batch_size=500,
        )
        post_ids: list[int] = []
        batch: list[Post] = []
        for n in range(POSTS):
            author = ids[n % len(ids)]
            pid = new_id()
            post_ids.append(pid)
            batch.append(
                Post(
                    id=pid,
                    uri=f"http://bench.invalid/p/{pid}",
                    actor_id=author,
                    content=f"<p>post {n}</p>",
                    visibility="public",
                    to=["https://www.w3.org/ns/activitystreams#Public"],
                    published=now - timedelta(seconds=POSTS - n),
                )
            )
            if len(batch) == 5000:
                await Post.bulk_create(batch, batch_size=1000)
                batch = []
        if batch:
            await Post.bulk_create(batch, batch_size=1000)
        return post_ids

    return run_in_database(database_url, work)


def run(context: dict[str, Any]) -> list[Figure]:
    figures: list[Figure] = []
    with baraza() as instance, baseline() as bare:
        instance.cli("member", "add", "alice")
        domain = instance.domain
        webfinger = {
            "path": f"/.well-known/webfinger?resource=acct:alice@{domain}",
            "headers": {"Accept": "application/jrd+json"},
        }
        actor = {"path": "/users/alice", "headers": {"Accept": "application/activity+json"}}
        (bare_get,) = run_loader(
            {
                "targets": [bare],
                "concurrency": CONCURRENCY,
                "warmup": WARMUP,
                "requests": [{"path": "/get"}] * (GETS + WARMUP),
            }
        )
        for label, request in (("WebFinger", webfinger), ("actor document", actor)):
            (result,) = run_loader(
                {
                    "targets": [instance.base_url],
                    "concurrency": CONCURRENCY,
                    "warmup": WARMUP,
                    "requests": [request] * (GETS + WARMUP),
                }
            )
            ok = result["statuses"].get("200", 0)
            figure = Figure(
                name=f"{label} GET (32 conns)",
                value=round(result["rps"] * ok / max(result["requests"], 1), 1),
                unit="req/s",
                baseline=bare_get["rps"],
                baseline_name="bare Quart GET/s",
                note=f"p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms",
            )
            figures.append(ratio_goal(figure, 0.7))

        post_ids = seed_timeline(instance.database_url, "alice")
        token = instance.token("alice")
        rng = random.Random(8)
        recent = sorted(post_ids)[-POSTS // 10 :]
        pages = [
            {
                "path": f"/api/v1/timelines/home?limit=20&max_id={rng.choice(recent)}",
                "headers": {"Authorization": f"Bearer {token}"},
            }
            for _ in range(TIMELINE_READS + 20)
        ]
        (timeline,) = run_loader(
            {"targets": [instance.base_url], "concurrency": 1, "warmup": 20, "requests": pages}
        )
        ok = timeline["statuses"].get("200", 0) == timeline["requests"]
        goal_ms = 50 if POSTS <= 100_000 else 100  # the goals at 100,000 and 1,000,000
        figures.append(
            Figure(
                name=f"home timeline p99 (1,000 followed, {POSTS:,} posts, max_id page)",
                value=timeline["p99_ms"],
                unit="ms",
                goal=f"p99 < {goal_ms} ms",
                met=ok and timeline["p99_ms"] < goal_ms,
                note=f"via clientapi/timelines/timelines.py over HTTP; p50 {timeline['p50_ms']} ms"
                + ("" if ok else f"; statuses {timeline['statuses']}"),
            )
        )
        context["rss_after"] = max(context.get("rss_after", 0.0), rss_mb(instance.process.pid))
    return figures
