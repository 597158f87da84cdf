"""Presence: when an editor's socket ends without a goodbye, the room says it has gone.

Checked against pycrdt's implementation of the Yjs awareness protocol (not ours): what it
encodes we read, and what we send it applies as the client's departure."""

from __future__ import annotations

from pycrdt import Awareness, Doc

from spaces.yjs_protocol import (
    MESSAGE_AWARENESS,
    awareness_message,
    awareness_removal,
    parse_message,
    save_message,
    sync_message,
)


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
