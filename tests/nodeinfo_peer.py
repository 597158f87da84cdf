"""A peer on loopback that serves NodeInfo only: what the console's peer pages read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"


@asynccontextmanager
async def serving_nodeinfo(version: str, software: str, release: str) -> AsyncIterator[str]:
    """Serves `/.well-known/nodeinfo` linking to a NodeInfo `version` document that names
    `software` at `release`; yields the peer's authority (host:port)."""

    async def well_known(request: web.Request) -> web.Response:
        href = f"http://{request.host}/nodeinfo/{version}"
        return web.json_response({"links": [{"rel": SCHEMA + version, "href": href}]})

    async def document(_request: web.Request) -> web.Response:
        return web.json_response({"software": {"name": software, "version": release}})

    app = web.Application()
    app.router.add_get("/.well-known/nodeinfo", well_known)
    app.router.add_get(f"/nodeinfo/{version}", document)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    finally:
        await runner.cleanup()
