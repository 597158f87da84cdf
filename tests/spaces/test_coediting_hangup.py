"""A sender who hangs up mid-update: the update still reaches the other editors.

Found by the co-editing property test on a loaded CI machine: an editor closed its socket
while the server was persisting that editor's insert. Quart cancels a socket's handler when
its client leaves, and the cancel landed after the insert was in the room's document but
before it was relayed; the other editor never resyncs on its own, and the insert never
reached it (the returning editor's step 2 does not carry it either: the server has it).
"""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Doc, Text

from spaces import coediting
from spaces.coediting import Peer, Room
from spaces.yjs_protocol import SYNC_UPDATE, parse_message, sync_message
from storage.models import Actor


async def test_an_update_cut_off_by_a_hangup_is_still_relayed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writing, release = asyncio.Event(), asyncio.Event()

    async def slow_persist(document_id: int, ydoc: Doc) -> bytes:
        writing.set()
        await release.wait()
        return ydoc.get_update()

    monkeypatch.setattr(coediting, "persist", slow_persist)
    room = Room(document_id=1, space_id=2, doc=Doc())
    room.doc.get(coediting.TEXT_NAME, type=Text)
    sender = Peer(member=Actor(id=10, username="a"), token_id=1)
    other = Peer(member=Actor(id=11, username="b"), token_id=2)
    room.peers.update({sender, other})

    editor = Doc()
    text = editor.get(coediting.TEXT_NAME, type=Text)
    text += "witness"
    frame = sync_message(SYNC_UPDATE, editor.get_update())

    handler = asyncio.create_task(coediting.handle(None, room, None, sender, frame))  # type: ignore[arg-type]
    await writing.wait()
    handler.cancel()  # the sender hung up while its insert was being written
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await handler
    relayed = await asyncio.wait_for(other.outbox.get(), 2)

    reader = Doc()
    shown = reader.get(coediting.TEXT_NAME, type=Text)
    reader.apply_update(parse_message(relayed).payload)
    assert str(shown) == "witness"
    assert sender.outbox.empty()
