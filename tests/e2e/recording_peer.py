"""A stand-in for a remote inbox: records every POST and answers a configurable status.

Used in-process by the worker tests and as a separate process by the crash test:

    python -m tests.e2e.recording_peer --host 127.0.0.3 --port N --out FILE [--delay 0.01]

Each request is one JSON line: {"path", "headers", "body"} (body as text).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web


@dataclass
class Received:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
        }


@dataclass
class RecordingPeer:
    """`status_for(path)` picks each answer (202 by default); `out` appends JSON lines."""

    host: str = "127.0.0.1"
    port: int = 0
    status_for: Callable[[str], int] = lambda _path: 202
    delay: float = 0.0
    out: Path | None = None
    received: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def domain(self) -> str:
        return f"{self.host}:{self.port}"

    def posts_per_path(self) -> Counter[str]:
        return Counter(r.path for r in self.received if r.method == "POST")

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        record = Received(request.method, request.path_qs, list(request.headers.items()), body)
        self.received.append(record)
        if self.out is not None:
            with self.out.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record.as_json()) + "\n")
        if self.delay:
            await asyncio.sleep(self.delay)
        return web.Response(status=self.status_for(request.path))

    async def start(self) -> RecordingPeer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _serve(args: argparse.Namespace) -> None:
    peer = RecordingPeer(host=args.host, port=args.port, delay=args.delay, out=Path(args.out))
    await peer.start()
    print(f"recording peer on {peer.base_url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.3")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
