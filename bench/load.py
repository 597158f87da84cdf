"""An aiohttp load generator that runs as its own process, so its CPU is not the server's.

    python -m bench.load SPEC.json   ->  one JSON line per target on stdout

SPEC holds `targets` (base URLs, run one after the other with the same requests),
`concurrency`, `warmup` (requests sent first and not timed), `timeout` (seconds per target),
and either `requests` (pre-built: method, path, headers, body) or `signed_creates` (the load
process builds and signs that many `Create` activities *before* any timed run, so signing
costs the generator nothing while it measures).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


def signed_creates(spec: dict[str, Any]) -> list[Request]:
    """`count` distinct public Creates by one remote actor, each signed for `inbox_path`."""
    import orjson

    from federation.keys import load_private_key
    from federation.signatures import sign_request

    key = load_private_key(spec["private_pem"])
    actor = spec["actor"]
    host = spec["host"]
    path = spec.get("inbox_path", "/inbox")
    run = spec.get("run_id", str(time.time_ns()))
    requests = []
    for n in range(spec["count"]):
        note = f"{actor}/notes/{run}-{n}"
        body = orjson.dumps(
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{note}/activity",
                "type": "Create",
                "actor": actor,
                "to": ["https://www.w3.org/ns/activitystreams#Public"],
                "cc": [f"{actor}/followers"],
                "object": {
                    "id": note,
                    "type": "Note",
                    "attributedTo": actor,
                    "content": f"<p>benchmark note {n}</p>",
                    "published": "2024-01-01T00:00:00Z",
                    "to": ["https://www.w3.org/ns/activitystreams#Public"],
                    "cc": [f"{actor}/followers"],
                },
            }
        )
        headers = {"Content-Type": "application/activity+json", "Host": host}
        headers.update(
            sign_request("POST", f"http://{host}{path}", headers, key, spec["key_id"], body)
        )
        requests.append(Request("POST", path, headers, body))
    return requests


def prebuilt(items: list[dict[str, Any]]) -> list[Request]:
    return [
        Request(
            item.get("method", "GET"),
            item["path"],
            dict(item.get("headers", {})),
            item["body"].encode() if item.get("body") is not None else None,
        )
        for item in items
    ]


async def run_load(
    base_url: str, requests: list[Request], concurrency: int, warmup: int, limit_seconds: float
) -> dict[str, Any]:
    """Send every request once over `concurrency` connections; statuses and timings back."""
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    statuses: dict[str, int] = {}
    latencies: list[float] = []
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:

        async def send(req: Request, timed: bool) -> None:
            # The signed Host header names the instance; aiohttp must not rewrite it.
            started = time.perf_counter()
            try:
                async with session.request(
                    req.method, base_url + req.path, headers=req.headers, data=req.body
                ) as response:
                    await response.read()
                    key = str(response.status)
            except (aiohttp.ClientError, TimeoutError) as exc:
                key = type(exc).__name__
            if timed:
                latencies.append(time.perf_counter() - started)
                statuses[key] = statuses.get(key, 0) + 1

        async def drain(queue: list[Request], timed: bool) -> None:
            index = 0

            async def lane() -> None:
                nonlocal index
                while index < len(queue):
                    req = queue[index]
                    index += 1
                    await send(req, timed)

            await asyncio.gather(*(lane() for _ in range(concurrency)))

        await drain(requests[:warmup], timed=False)
        timed = requests[warmup:]
        started = time.perf_counter()
        try:
            async with asyncio.timeout(limit_seconds):
                await drain(timed, timed=True)
        except TimeoutError:
            statuses["unfinished"] = len(timed) - len(latencies)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "target": base_url,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "statuses": statuses,
    }


async def main_async(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "signed_creates" in spec:
        started = time.perf_counter()
        requests = signed_creates(spec["signed_creates"])
        print(f"signed {len(requests)} in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    else:
        requests = prebuilt(spec["requests"])
    results = []
    for target in spec["targets"]:
        results.append(
            await run_load(
                target,
                requests,
                spec.get("concurrency", 32),
                spec.get("warmup", 0),
                spec.get("timeout", 60.0),
            )
        )
    return results


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        import uvloop

        results = uvloop.run(main_async(spec))
    except ImportError:
        results = asyncio.run(main_async(spec))
    for result in results:
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
