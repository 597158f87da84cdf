"""Issue 13 on a real `baraza serve`: a suspension made by another process (the `baraza` CLI in a
second terminal) stops an open WebSocket stream within a second, with no in-process event to
tell the server: the per-frame check withholds the next post, the sweeper closes the socket."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures
from tests.e2e.peek import c2s, scalar
from tests.e2e.test_streaming import api_post

LIMIT = 1.0


async def test_cli_suspension_closes_an_open_stream(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    for name in ("amina", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "casefiles", "--private", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "casefiles", "carla")
    amina = await asyncio.to_thread(a.token, "amina")
    carla = await asyncio.to_thread(a.token, "carla")
    ws_url = a.base_url.replace("http", "ws", 1) + "/api/v1/streaming"

    async with aiohttp.ClientSession() as http:
        root = {"type": "Note", "content": "root", "to": [f"{a.base_url}/spaces/casefiles"]}
        await c2s(http, a, "amina", amina, {"type": "Create", "object": root})
        root_id = str(await scalar(a, "SELECT id FROM posts WHERE content LIKE ?", "%root%"))
        async with http.ws_connect(f"{ws_url}?stream=user&access_token={carla}") as ws:
            await asyncio.sleep(0.3)
            # The control: while she is in good standing, a post in her space reaches her.
            before = await api_post(http, a, amina, "BEFORE", in_reply_to_id=root_id)
            while True:
                message = await ws.receive(timeout=10)
                assert message.type == aiohttp.WSMsgType.TEXT, message
                shown = json.loads(json.loads(message.data)["payload"])
                if (shown.get("reblog") or shown).get("id") == before["id"]:  # the space's boost
                    break

            await asyncio.to_thread(a.cli, "actor", "suspend", "carla")
            suspended = time.monotonic()
            await api_post(http, a, amina, "SECRET after the suspension", in_reply_to_id=root_id)
            leaked, close_code = [], None
            while (left := suspended + LIMIT - time.monotonic()) > 0:
                message = await ws.receive(timeout=left)
                if message.type == aiohttp.WSMsgType.CLOSE:
                    close_code = message.data  # as sent; `ws.close_code` may say 1006 later
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                leaked.append(message.data)
            elapsed = time.monotonic() - suspended
            assert not [m for m in leaked if "SECRET" in m], "a post arrived after the suspension"
            assert close_code == 4401, (ws.close_code, elapsed, a.log()[-3000:])
