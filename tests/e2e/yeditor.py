"""An independent y-websocket editor on pycrdt, for property tests against a real server.

It speaks the protocol the way `y-websocket` does: on connecting it sends sync step 1 and
answers the server's step 1 with step 2 (which carries every edit made while offline); each
local transaction is sent as that transaction's own update (so a delete is a delete-only
update, with no struct in it). It never resyncs on its own, so it converges only if the
server relays every edit.

Acknowledgements: the server answers a peer's frames in order, so its answer (step 2) to a
step 1 sent after some edits means those edits were handled. `probe` sends a step 1 and
remembers the whole document as it was then; when the answer arrives, that snapshot is
`acked` and must never be lost, even by a `kill -9`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import aiohttp
from pycrdt import Doc, Text, TransactionEvent

from spaces.yjs_protocol import (
    MESSAGE_SYNC,
    SYNC_STEP1,
    SYNC_STEP2,
    parse_message,
    sync_message,
)
from spaces.yjs_protocol import SYNC_UPDATE as UPDATE


class YEditor:
    """One member's editor: its own document, at most one socket at a time."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = url
        self.doc = Doc()
        self.text = self.doc.get("content", type=Text)
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.reader: asyncio.Task[None] | None = None
        self.synced = False  # the server's step 1 has been answered on this socket
        self.probes: deque[bytes | None] = deque()
        self.acked: list[bytes] = []
        self.answered = asyncio.Event()  # a step 2 arrived on this socket
        self._local: list[bytes] = []
        self._recording = False
        self.doc.observe(self._on_transaction)

    def _on_transaction(self, event: TransactionEvent) -> None:
        if self._recording:
            self._local.append(event.update)

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    async def connect(self) -> None:
        self.ws = await self.http.ws_connect(self.url, max_msg_size=0)
        self.synced = False
        self.probes = deque([None])  # the first step 1 vouches for nothing
        self.answered = asyncio.Event()
        await self.ws.send_bytes(sync_message(SYNC_STEP1, self.doc.get_state()))
        self.reader = asyncio.create_task(self._read(self.ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.BINARY:
                    continue
                message = parse_message(frame.data)
                if message.kind != MESSAGE_SYNC:
                    continue
                if message.sub == SYNC_STEP1:
                    missing = self.doc.get_update(message.payload)
                    await ws.send_bytes(sync_message(SYNC_STEP2, missing))
                    self.synced = True
                    continue
                self.doc.apply_update(message.payload)
                if message.sub == SYNC_STEP2 and self.probes:
                    snapshot = self.probes.popleft()
                    if snapshot is not None:
                        self.acked.append(snapshot)
                    self.answered.set()

    async def disconnect(self) -> None:
        """Hangs up; answers still owed are not acknowledgements."""
        if self.ws is not None:
            await self.ws.close()
        await self.lost()

    async def lost(self) -> None:
        """The socket is gone (closed here or by a dead server): wait for its reader."""
        if self.reader is not None:
            await asyncio.wait_for(self.reader, 15)
        self.ws, self.reader, self.synced = None, None, False
        self.probes.clear()

    async def edit(self, op: tuple[Any, ...]) -> None:
        """One local transaction; sent at once when connected, else on the next connect."""
        kind, where = op[0], op[1]
        size = len(self.text)
        at = min(int(where * (size + 1)), size)
        self._recording = True
        try:
            if kind == "insert":
                self.text.insert(at, op[2], op[3])
            elif kind == "delete" and size:
                at = min(at, size - 1)
                del self.text[at : min(size, at + op[2])]
            elif kind == "format" and size:
                at = min(at, size - 1)
                self.text.format(at, min(size, at + op[2]), op[3])
        finally:
            self._recording = False
        updates, self._local = self._local, []
        for update in updates:
            await self._send(sync_message(UPDATE, update))

    async def probe(self) -> None:
        """Asks for an acknowledgement of everything this editor holds now."""
        if self.connected and self.synced:
            self.probes.append(self.doc.get_update())
            await self._send(sync_message(SYNC_STEP1, self.doc.get_state()))

    async def settled(self, limit: float = 10) -> None:
        """Waits until every probe sent on this socket is answered."""
        async with asyncio.timeout(limit):
            while self.connected and self.probes:
                self.answered.clear()
                await self.answered.wait()

    async def _send(self, frame: bytes) -> None:
        if not self.connected:
            return
        assert self.ws is not None
        # A dead server: the edit stays in the document and goes with the next step 2.
        with contextlib.suppress(aiohttp.ClientError, ConnectionError):
            await self.ws.send_bytes(frame)

    def shown(self) -> list[tuple[str, Any]]:
        """The text with its formatting, as a reader sees it."""
        return self.text.diff()


def covers(document: bytes, snapshot: bytes) -> bool:
    """Does `document` hold everything in `snapshot` (inserts, deletes and formatting)?

    Merging the snapshot into a copy of the document must change nothing a reader sees."""
    merged = Doc()
    text = merged.get("content", type=Text)
    merged.apply_update(document)
    before = text.diff()
    merged.apply_update(snapshot)
    return text.diff() == before


def merge(updates: list[bytes]) -> list[tuple[str, Any]]:
    """What a document holding all of `updates` shows."""
    doc = Doc()
    text = doc.get("content", type=Text)
    for update in updates:
        doc.apply_update(update)
    return text.diff()
