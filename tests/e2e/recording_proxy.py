"""A recording reverse proxy in front of a real instance: every request it receives is kept.

The instance behind it is told its domain is the proxy's address, so every request another
instance makes to it (deliveries, key and actor fetches, WebFinger) passes through here and
is recorded with its method, URL, headers and body, then forwarded unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from tests.e2e.recording_peer import Received

HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "keep-alive"}


@dataclass
class RecordingProxy:
    host: str
    port: int
    upstream: str  # e.g. http://127.0.0.3:PORT
    received: list[Received] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _http: aiohttp.ClientSession | None = None

    def everything(self) -> str:
        """Every request as one text, to search for what must never arrive."""
        parts = []
        for r in self.received:
            parts.append(f"{r.method} {r.path}")
            parts.extend(f"{k}: {v}" for k, v in r.headers)
            parts.append(r.body.decode("utf-8", "replace"))
        return "\n".join(parts)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(
            Received(request.method, request.path_qs, list(request.headers.items()), body)
        )
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        assert self._http is not None
        async with self._http.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=body if body else None,
            allow_redirects=False,
            skip_auto_headers=("User-Agent", "Content-Type", "Accept-Encoding"),
        ) as upstream:
            payload = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            out.pop("Content-Encoding", None)
            return web.Response(status=upstream.status, body=payload, headers=out)

    async def start(self) -> RecordingProxy:
        self._http = aiohttp.ClientSession(auto_decompress=True)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._http is not None:
            await self._http.close()
