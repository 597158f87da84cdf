"""CPU time per request, in process: Baraza's routes against the bare app's, through Quart's test
client (no sockets, no Hypercorn), one request at a time.

The HTTP benchmarks' ratios move with whatever else the machine runs; CPU seconds spent by this
process (every thread: the event loop and SQLite's) per request move much less, so this is the
figure to compare code before and after a change on a loaded machine. It is stricter than the
HTTP ratio: the server's own per-request cost, which both apps share, is not in it.

    python -m bench.cpu_per_request [REQUESTS]

The inbox is measured in two parts: accepting (the drainer stopped) and then handling the
stored rows (`processor.sweep_once`), which a saturated server pays for as well.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


async def _cpu_per_request(client: Any, requests: list[tuple[str, str, dict]], ok: int) -> float:
    started = time.process_time()
    for method, path, kwargs in requests:
        response = await client.open(path, method=method, **kwargs)
        await response.get_data()
        assert response.status_code == ok, (path, response.status_code)
    return (time.process_time() - started) / len(requests)


def _signed_creates(count: int, actor: str, private_pem: str) -> list[tuple[str, str, dict]]:
    from bench.load import signed_creates

    spec = {
        "count": count,
        "private_pem": private_pem,
        "actor": actor,
        "key_id": f"{actor}#main-key",
        "host": "bench.example",
    }
    return [
        ("POST", r.path, {"data": r.body, "headers": r.headers})
        for r in signed_creates(spec)  # type: ignore[attr-defined]
    ]


async def run_all(count: int) -> dict[str, float]:
    from actors.accounts import create_member
    from baraza.app import create_app
    from baraza.settings import Settings
    from bench.baseline_app import create_baseline_app
    from federation.keys import generate_key_pair
    from inbox import processor
    from storage.database import close_database, open_database, upgrade_schema
    from storage.models import Actor

    results: dict[str, float] = {}
    bare = create_baseline_app()
    async with bare.test_app():
        client = bare.test_client()
        results["bare GET"] = await _cpu_per_request(client, [("GET", "/get", {})] * count, 200)
        posts = [("POST", "/inbox", {"data": b"{}"})] * count
        results["bare POST"] = await _cpu_per_request(client, posts, 202)

    with tempfile.TemporaryDirectory(prefix="baraza-cpu-") as tmp:
        url = f"sqlite://{tmp}/baraza.db"
        await upgrade_schema(url)
        await open_database(url)
        settings = Settings(
            domain="bench.example",
            scheme="http",
            database_url=url,
            data_dir=Path(tmp),
            allow_private_addresses=True,
            in_process_worker=False,
        )
        await create_member(settings, "alice")
        keys = generate_key_pair()
        sender = "http://sender.example/users/loader"
        await Actor.create(
            uri=sender,
            type="Person",
            username="loader",
            domain="sender.example",
            inbox_url=f"{sender}/inbox",
            key_id=f"{sender}#main-key",
            public_key_pem=keys.public_pem,
            fetched_at=datetime.now(UTC),
            document={"id": sender, "type": "Person"},
        )
        app = create_app(settings, manage_database=False)
        async with app.test_app():
            client = app.test_client()
            as2 = {"headers": {"Accept": "application/activity+json"}}
            webfinger = "/.well-known/webfinger?resource=acct:alice@bench.example"
            for name, path in (("WebFinger GET", webfinger), ("actor GET", "/users/alice")):
                await _cpu_per_request(client, [("GET", path, as2)] * 20, 200)  # warm
                results[name] = await _cpu_per_request(client, [("GET", path, as2)] * count, 200)
            creates = _signed_creates(count, sender, keys.private_pem)
            # The drainer stopped, so accepting and handling are measured apart.
            app.extensions["baraza_inbox_stop"].set()
            await app.extensions["baraza_inbox_task"]
            results["inbox POST (accept only)"] = await _cpu_per_request(client, creates, 202)
            processor.bind(app.extensions["baraza"])
            started = time.process_time()
            handled = 0
            while done := await processor.sweep_once(1000):
                handled += done
            assert handled <= count, handled  # older code handled some while accepting
            results["handling a stored Create"] = (time.process_time() - started) / count
            results["inbox POST, accept + handle"] = (
                results["inbox POST (accept only)"] + results["handling a stored Create"]
            )
        await close_database()
    return results


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 500
    for limiter in ("BARAZA_INBOX_RATE", "BARAZA_API_RATE", "BARAZA_API_IP_RATE"):
        os.environ.setdefault(limiter, "off")  # as bench/processes.py: one peer floods
    results = asyncio.run(run_all(count))
    bare_get, bare_post = results["bare GET"], results["bare POST"]
    for name, seconds in results.items():
        base = bare_post if "POST" in name else bare_get
        print(f"{name:32} {seconds * 1e6:9.0f} µs CPU/request   bare/this = {base / seconds:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
