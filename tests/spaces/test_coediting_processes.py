"""Co-editing across processes: rooms in other processes hear each room's updates and
awareness through `storage.bus`, and the stored state only ever grows, whichever process
writes last (issue 15 item 5). The two-process e2e test (`tests/e2e/test_scale_out_features.py`)
runs the whole flow; these pin each piece down in one process, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pycrdt import Doc, Text

from actors.accounts import create_member, create_space
from baraza.settings import Settings
from spaces import coediting
from spaces.coediting import BUS_CHANNEL, TEXT_NAME, Peer, Room
from spaces.library import Upload, add_document
from spaces.yjs_protocol import SYNC_UPDATE, sync_message
from storage import bus
from storage.models import Actor, LibraryDocument
from tests.conftest import make_settings


@pytest.fixture
async def fresh(any_db: str, tmp_path: Path) -> AsyncIterator[tuple[Settings, Actor, int]]:
    """A document never edited live, and (on PostgreSQL) this process's bus link started, as
    `baraza serve` starts it."""
    settings = make_settings(any_db, tmp_path)
    owner = await create_member(settings, "amina")
    space = await create_space(settings, "casefile", private=True, owner=owner)
    document, _ = await add_document(
        settings, owner, space, Upload(data=b"Draft:", filename="brief.txt")
    )
    await bus.start(any_db)
    try:
        yield settings, owner, document.id
    finally:
        await bus.stop()


def _text(state: bytes | str) -> str:
    doc = Doc()
    text = doc.get(TEXT_NAME, type=Text)
    doc.apply_update(base64.b64decode(state) if isinstance(state, str) else state)
    return str(text)


async def _stored(document_id: int) -> str:
    return (await LibraryDocument.get(id=document_id)).live_state


async def test_two_rooms_seeding_at_once_insert_the_text_once(fresh) -> None:
    settings, _owner, document_id = fresh
    document = await LibraryDocument.get(id=document_id)
    first, second = await asyncio.gather(
        coediting.seed(settings, document), coediting.seed(settings, document)
    )
    assert str(first.get(TEXT_NAME, type=Text)) == "Draft:"
    assert str(second.get(TEXT_NAME, type=Text)) == "Draft:"
    merged = Doc()
    merged.get(TEXT_NAME, type=Text)
    merged.apply_update(first.get_update())
    merged.apply_update(second.get_update())
    assert str(merged.get(TEXT_NAME, type=Text)) == "Draft:", "the two seeds are one state"
    assert _text(await _stored(document_id)) == "Draft:"


async def test_a_stale_room_never_overwrites_what_another_process_stored(fresh) -> None:
    settings, _owner, document_id = fresh
    seeded = await coediting.seed(settings, await LibraryDocument.get(id=document_id))
    here, there = Doc(), Doc()  # one room per process, both from the same stored state
    for doc in (here, there):
        doc.get(TEXT_NAME, type=Text)
        doc.apply_update(seeded.get_update())
    here.get(TEXT_NAME, type=Text).insert(6, " one")
    await coediting.persist(document_id, here)
    there.get(TEXT_NAME, type=Text).insert(0, "two ")  # has not heard of " one"
    written = await coediting.persist(document_id, there)
    stored = _text(await _stored(document_id))
    if bus.shared():  # PostgreSQL: several processes, so the write merges what is stored
        assert stored == "two Draft: one"
        assert _text(written) == stored
    else:  # SQLite is one process: one room per document, nothing to merge with
        assert stored == "two Draft:"


async def test_a_room_applies_and_relays_what_another_process_took(fresh) -> None:
    settings, owner, document_id = fresh
    room = await coediting.room_for(settings, await LibraryDocument.get(id=document_id))
    peer = Peer(member=owner, token_id=0)
    coediting.join(room, peer)
    peer.outbox.get_nowait()  # the server's step 1
    try:
        elsewhere = Doc()
        elsewhere.get(TEXT_NAME, type=Text)
        elsewhere.apply_update(room.doc.get_update())
        before = elsewhere.get_state()
        elsewhere.get(TEXT_NAME, type=Text).insert(6, " from B")
        update = elsewhere.get_update(before)
        encoded = base64.b64encode(update).decode("ascii")
        bus._bus.deliver(BUS_CHANNEL, {"doc": document_id, "update": encoded}, remote=True)
        assert str(room.doc.get(TEXT_NAME, type=Text)) == "Draft: from B"
        assert peer.outbox.get_nowait() == sync_message(SYNC_UPDATE, update)

        awareness = b"\x01\x01\x07\x01\x02{}"
        message = {
            "doc": document_id,
            "awareness": base64.b64encode(awareness).decode("ascii"),
            "from": "other:1",
            "gone": False,
        }
        bus._bus.deliver(BUS_CHANNEL, message, remote=True)
        assert peer.outbox.get_nowait() == awareness
        late = Peer(member=owner, token_id=0)
        coediting.join(room, late)
        owed = [late.outbox.get_nowait() for _ in range(late.outbox.qsize())]
        assert awareness in owed, "a peer joining later is owed the other process's cursor"
        bus._bus.deliver(BUS_CHANNEL, {**message, "gone": True}, remote=True)
        assert room.remote_awareness == {}
        bus._bus.deliver(BUS_CHANNEL, {"doc": "x", "update": "%%"}, remote=True)  # ignored
    finally:
        room.peers.clear()
        coediting.close_if_empty(room)


async def test_updates_arriving_while_a_room_is_seeded_are_not_lost(fresh) -> None:
    settings, _owner, document_id = fresh
    document = await LibraryDocument.get(id=document_id)
    elsewhere = await coediting.seed(settings, document)
    before = elsewhere.get_state()
    elsewhere.get(TEXT_NAME, type=Text).insert(0, "B: ")
    update = base64.b64encode(elsewhere.get_update(before)).decode("ascii")
    document = await LibraryDocument.get(id=document_id)  # live state stored: seeded from it
    real_seed = coediting.seed

    async def slow_seed(settings: Settings, document: LibraryDocument) -> Doc:
        doc = await real_seed(settings, document)
        bus._bus.deliver(BUS_CHANNEL, {"doc": document_id, "update": update}, remote=True)
        return doc

    coediting.seed = slow_seed  # type: ignore[assignment]
    try:
        room: Room = await coediting.room_for(settings, document)
    finally:
        coediting.seed = real_seed  # type: ignore[assignment]
        coediting._rooms.pop(document_id, None)
    assert str(room.doc.get(TEXT_NAME, type=Text)) == "B: Draft:"
    assert document_id not in coediting._seeding
