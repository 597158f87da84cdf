"""Presence: the room relays each editor's awareness under the name the server knows, and
when an editor's socket ends without a goodbye, it says the editor has gone.

Checked against pycrdt's implementation of the Yjs awareness protocol (not ours): what it
encodes we read, and what we send it applies as the client's departure. Through the socket
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Awareness, Doc

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from spaces.library import Upload, add_document
from spaces.yjs_protocol import (
    MESSAGE_AWARENESS,
    MalformedMessage,
    awareness_message,
    awareness_named,
    awareness_removal,
    parse_message,
    save_message,
    sync_message,
)
from tests.conftest import make_settings


def _announce(state: dict) -> tuple[Awareness, bytes]:
    awareness = Awareness(Doc())
    awareness.set_local_state(state)
    update = awareness.encode_awareness_update([awareness.client_id])
    return awareness, awareness_message(update)


def test_the_removal_makes_another_client_forget_the_one_who_left() -> None:
    carla, frame = _announce({"user": {"name": "كارلا"}, "cursor": None})
    amina = Awareness(Doc())
    amina.apply_awareness_update(parse_message(frame).payload, "server")
    assert carla.client_id in amina.states

    removal = awareness_removal(frame)
    assert removal is not None and parse_message(removal).kind == MESSAGE_AWARENESS
    amina.apply_awareness_update(parse_message(removal).payload, "server")
    assert carla.client_id not in amina.states


def test_a_client_that_already_said_goodbye_needs_no_removal() -> None:
    carla, _ = _announce({"user": {"name": "Carla"}})
    carla.remove_awareness_states([carla.client_id], "page closed")
    goodbye = awareness_message(carla.encode_awareness_update([carla.client_id]))
    assert awareness_removal(goodbye) is None


def test_other_frames_and_garbage_announce_nobody() -> None:
    assert awareness_removal(save_message()) is None
    assert awareness_removal(sync_message(2, b"\x00\x00")) is None
    assert awareness_removal(awareness_message(b"\x01\x05")) is None  # truncated entry
    assert awareness_removal(b"\xff") is None


@pytest.fixture
async def live(any_db: str, tmp_path: Path) -> AsyncIterator[tuple[Any, str, str, str, str]]:
    """A private space's text document, two members' tokens, Carla's name, the test client."""
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        amina = await create_member(settings, "amina")
        carla = await create_member(settings, "carla")
        space = await create_space(settings, "casefile", private=True, owner=amina)
        await join_space(space, carla)
        document, _ = await add_document(
            settings, amina, space, Upload(data=b"Draft:", filename="brief.txt")
        )
        path = f"/api/v1/spaces/{space.id}/documents/{document.id}/live"
        amina_token, _ = await issue_token(amina, "read write")
        carla_token, _ = await issue_token(carla, "read write")
        name = carla.display_name or carla.username
        yield application.test_client(), path, amina_token, carla_token, name


async def _awareness_frames(ws: Any, limit: float) -> list[bytes]:
    frames: list[bytes] = []
    deadline = time.monotonic() + limit
    while (left := deadline - time.monotonic()) > 0:
        try:
            frame = await asyncio.wait_for(ws.receive(), left)
        except TimeoutError:
            break
        if parse_message(frame).kind == MESSAGE_AWARENESS:
            frames.append(frame)
    return frames


async def test_the_room_relays_presence_named_and_announces_a_silent_departure(live) -> None:
    client, path, amina_token, carla_token, carla_name = live
    amina = Awareness(Doc())
    async with client.websocket(path, query_string={"access_token": amina_token}) as a:
        await _awareness_frames(a, 0.2)
        carla, hello = _announce({"user": {"name": "Amina"}})  # posing as Amina
        async with client.websocket(path, query_string={"access_token": carla_token}) as c:
            await c.send(hello)
            for frame in await _awareness_frames(a, 0.5):
                amina.apply_awareness_update(parse_message(frame).payload, "server")
            # Relayed, under her own name.
            assert amina.states[carla.client_id]["user"]["name"] == carla_name != "Amina"
        # Carla's socket ended without her awareness saying so: the room says it for her.
        for frame in await _awareness_frames(a, 1.0):
            amina.apply_awareness_update(parse_message(frame).payload, "server")
        assert carla.client_id not in amina.states


def test_the_room_names_each_state_after_its_sender() -> None:
    carla, frame = _announce({"user": {"name": "Amina", "color": "#1f77b4"}, "cursor": None})
    named = awareness_named(frame, "Carla Souza")
    amina = Awareness(Doc())
    amina.apply_awareness_update(parse_message(named).payload, "server")
    assert amina.states[carla.client_id] == {
        "user": {"name": "Carla Souza", "color": "#1f77b4"},
        "cursor": None,
    }
    # A state without a user gets one; a goodbye (null) stays a goodbye.
    _, bare = _announce({"cursor": None})
    assert b'"user":{"name":"Carla"}' in awareness_named(bare, "Carla")
    carla.remove_awareness_states([carla.client_id], "closed")
    goodbye = awareness_message(carla.encode_awareness_update([carla.client_id]))
    assert awareness_named(goodbye, "Carla") == goodbye


def test_a_state_that_is_not_json_is_refused() -> None:
    with pytest.raises(MalformedMessage):
        awareness_named(awareness_message(b"\x01\x07\x01\x03{x}"), "Carla")
    with pytest.raises(MalformedMessage):
        awareness_named(save_message(), "Carla")
