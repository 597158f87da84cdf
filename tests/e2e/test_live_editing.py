"""Issue 10, live co-editing: real pycrdt clients against a real `baraza serve`.

Two members type concurrently and converge; an outsider is refused; an edit another peer saw
survives SIGKILL; a saved version lands in the library with its co-authors; a malformed or
oversized message closes only that connection; a removed member is cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
import pytest
from pycrdt import Doc, Text

from spaces.yjs_protocol import (
    MESSAGE_SAVE,
    MESSAGE_SYNC,
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    parse_message,
    save_message,
    sync_message,
)
from tests.e2e.instance import Instance
from tests.e2e.peek import eventually, scalar


class YClient:
    """A minimal y-websocket client: the sync handshake, remote updates, local edits."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.doc = Doc()
        self.text = self.doc.get("content", type=Text)
        self.saved = asyncio.Event()
        self.close_code: int | None = None
        self.reader = asyncio.create_task(self._read())

    async def start(self) -> YClient:
        await self.ws.send_bytes(sync_message(SYNC_STEP1, self.doc.get_state()))
        return self

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.BINARY:
                continue
            message = parse_message(frame.data)
            if message.kind == MESSAGE_SAVE:
                self.saved.set()
            elif message.kind == MESSAGE_SYNC and message.sub == SYNC_STEP1:
                reply = sync_message(SYNC_STEP2, self.doc.get_update(message.payload))
                await self.ws.send_bytes(reply)
            elif message.kind == MESSAGE_SYNC:
                self.doc.apply_update(message.payload)
        self.close_code = self.ws.close_code

    async def insert(self, index: int, chunk: str) -> None:
        """A local transaction, sent as the update it produced."""
        before = self.doc.get_state()
        self.text.insert(min(index, len(self.text)), chunk)
        await self.ws.send_bytes(sync_message(SYNC_UPDATE, self.doc.get_update(before)))

    def content(self) -> str:
        return str(self.text)

    async def closed(self) -> int | None:
        await asyncio.wait_for(self.reader, 15)
        return self.close_code

    async def close(self) -> None:
        await self.ws.close()
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            await self.reader


async def _until(check, what: str, limit: float = 15) -> None:
    async def ok() -> bool:
        return bool(check())

    await eventually(ok, what, limit)


async def _json(http: aiohttp.ClientSession, method: str, url: str, token: str, **kw) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.request(method, url, headers=headers, **kw) as response:
        body = await response.json(content_type=None)
        assert response.status == 200, (url, response.status, body)
        return body


async def test_members_co_edit_live(make_instance) -> None:
    a: Instance = await make_instance("127.0.0.2")
    for name in ("amina", "carla", "dario"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "casefile", "carla")
    tok = {n: await asyncio.to_thread(a.token, n) for n in ("amina", "carla", "dario")}
    by_name = "SELECT id FROM actors WHERE local_username = ?"
    space_id = await scalar(a, by_name, "casefile")
    carla_id = await scalar(a, by_name, "carla")
    api = f"{a.base_url}/api/v1/spaces/{space_id}"

    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("title", "Brief")
        form.add_field("file", b"Draft:", filename="brief.txt")
        doc = await _json(http, "POST", f"{api}/documents", tok["amina"], data=form)
        live = f"{api}/documents/{doc['id']}/live".replace("http", "ws", 1)

        async def connect(who: str) -> YClient:
            ws = await http.ws_connect(f"{live}?access_token={tok[who]}")
            return await YClient(ws).start()

        # Outsiders are refused before the upgrade.
        for bad, status in ((tok["dario"], 404), ("not-a-token", 401)):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await http.ws_connect(f"{live}?access_token={bad}")
            assert refused.value.status == status

        # Two members, seeded from the uploaded text, type concurrently and converge.
        amina, carla = await connect("amina"), await connect("carla")
        await _until(lambda: amina.content() == carla.content() == "Draft:", "seeded")

        async def typing(client: YClient, word: str, at_end: bool) -> None:
            for ch in word:
                await client.insert(len(client.text) if at_end else 0, ch)
                await asyncio.sleep(0.01)

        await asyncio.gather(typing(amina, "AMINA", True), typing(carla, "carla", False))
        await _until(lambda: amina.content() == carla.content(), "both converge")
        merged = amina.content()
        assert "Draft:AMINA" in merged and merged.startswith("alrac")  # each typed at index 0

        # An edit carla has seen is persisted: it survives a SIGKILL and a restart.
        await amina.insert(len(amina.text), " ACKED")
        await _until(lambda: carla.content().endswith(" ACKED"), "carla sees the edit")
        await asyncio.to_thread(a.kill)
        await asyncio.wait_for(asyncio.gather(amina.reader, carla.reader), 10)
        await asyncio.to_thread(a.start)
        amina = await connect("amina")
        await _until(lambda: amina.content() == merged + " ACKED", "the edit survived")

        # An explicit save writes a library version crediting who edited.
        carla = await connect("carla")
        await _until(lambda: carla.content() == amina.content(), "carla rejoins")
        await carla.insert(0, "FINAL ")
        await _until(lambda: amina.content().startswith("FINAL "), "amina sees carla")
        await carla.ws.send_bytes(save_message())
        await asyncio.wait_for(carla.saved.wait(), 10)
        shown = await _json(http, "GET", f"{api}/documents/{doc['id']}", tok["amina"])
        assert [v["version"] for v in shown["versions"]] == [1, 2]
        async with http.get(
            shown["versions"][1]["url"], headers={"Authorization": f"Bearer {tok['amina']}"}
        ) as response:
            assert (await response.text()) == amina.content()
        coauthors = await scalar(
            a,
            "SELECT coauthors FROM library_versions WHERE version = 2 AND document_id = ?",
            int(doc["id"]),
        )
        assert json.loads(coauthors) == [
            await scalar(a, "SELECT uri FROM actors WHERE id = ?", carla_id)
        ]

        # A malformed message, then an oversized one, close only their own connection.
        before = amina.content()
        bad = await connect("carla")
        await bad.ws.send_bytes(b"\x00\x02\x05ab")
        assert await bad.closed() == 4400
        huge = await connect("carla")
        await huge.ws.send_bytes(sync_message(SYNC_UPDATE, b"\x00" * (1024 * 1024 + 10)))
        assert await huge.closed() == 4413
        await amina.insert(len(amina.text), "!")
        await _until(lambda: carla.content() == before + "!", "the room still works")

        # Removing carla from the space cuts her off at once.
        await _json(http, "POST", f"{api}/members/{carla_id}/remove", tok["amina"])
        assert await carla.closed() == 4403

        # The last session closing writes a version.
        await amina.close()

        async def third_version() -> bool:
            shown = await _json(http, "GET", f"{api}/documents/{doc['id']}", tok["amina"])
            return len(shown["versions"]) == 3

        await eventually(third_version, "closing the last session saves a version")

        # Saving over HTTP with nothing new writes nothing.
        unchanged = await _json(http, "POST", f"{api}/documents/{doc['id']}/save", tok["amina"])
        assert unchanged == {"saved": False, "version": 3}
