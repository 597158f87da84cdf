"""Inbox ingest: signed `Create`s per second accepted (verified, stored, 202) by the shared inbox.

The sender is a remote actor cached in the instance's database (fetched now), so no key is
fetched during the run; the load process signs every request before it starts timing. The
bare Quart app receives the very same bodies and headers as the baseline.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bench.processes import baraza, baseline, rss_mb, run_in_database, run_loader
from bench.report import Figure, ratio_goal
from federation.keys import generate_key_pair

REQUESTS = 2000
WARMUP = 100
CONCURRENCY = 32
SENDER_HOST = "127.0.0.5:9"


def cache_sender(database_url: str, public_pem: str) -> str:
    from storage.models import Actor

    uri = f"http://{SENDER_HOST}/users/loader"

    async def work() -> None:
        await Actor.create(
            uri=uri,
            type="Person",
            username="loader",
            domain=SENDER_HOST,
            inbox_url=f"{uri}/inbox",
            shared_inbox_url=f"http://{SENDER_HOST}/inbox",
            key_id=f"{uri}#main-key",
            public_key_pem=public_pem,
            followers_url=f"{uri}/followers",
            fetched_at=datetime.now(UTC),
            document={"id": uri, "type": "Person"},
        )

    run_in_database(database_url, work)
    return uri


def run(context: dict[str, Any]) -> list[Figure]:
    keys = generate_key_pair()
    with baraza() as instance, baseline() as bare:
        actor = cache_sender(instance.database_url, keys.public_pem)
        spec = {
            "targets": [bare, instance.base_url],
            "concurrency": CONCURRENCY,
            "warmup": WARMUP,
            "timeout": 120,
            "signed_creates": {
                "count": REQUESTS + WARMUP,
                "private_pem": keys.private_pem,
                "actor": actor,
                "key_id": f"{actor}#main-key",
                "host": instance.domain,
            },
        }
        bare_result, baraza_result = run_loader(spec)
        context["rss_after"] = max(context.get("rss_after", 0.0), rss_mb(instance.process.pid))
    accepted = baraza_result["statuses"].get("202", 0)
    note = f"p50 {baraza_result['p50_ms']} ms, p99 {baraza_result['p99_ms']} ms"
    if accepted != baraza_result["requests"]:
        note += f"; statuses {baraza_result['statuses']}"
    figure = Figure(
        name="inbox ingest (signed Create, 32 conns)",
        value=round(baraza_result["rps"] * accepted / max(baraza_result["requests"], 1), 1),
        unit="accepted/s",
        baseline=bare_result["rps"],
        baseline_name="bare Quart POST/s",
        note=note,
    )
    return [ratio_goal(figure, 0.5)]
