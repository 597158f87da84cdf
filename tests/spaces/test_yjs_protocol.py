"""The y-websocket framing: what is accepted, what is refused whole."""

from __future__ import annotations

import pytest

from spaces.yjs_protocol import (
    MESSAGE_AWARENESS,
    MESSAGE_SAVE,
    MESSAGE_SYNC,
    SYNC_STEP1,
    SYNC_UPDATE,
    MalformedMessage,
    Message,
    awareness_message,
    parse_message,
    read_var_uint,
    save_message,
    sync_message,
    write_var_uint,
)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00"),
        (1, b"\x01"),
        (127, b"\x7f"),
        (128, b"\x80\x01"),
        (300, b"\xac\x02"),
        (16384, b"\x80\x80\x01"),
        (2**53 - 1, b"\xff\xff\xff\xff\xff\xff\xff\x0f"),
    ],
)
def test_varints_round_trip(value: int, encoded: bytes) -> None:
    assert write_var_uint(value) == encoded
    assert read_var_uint(encoded + b"rest", 0) == (value, len(encoded))


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        (b"\x00\x00\x02\xaa\xbb", Message(MESSAGE_SYNC, SYNC_STEP1, b"\xaa\xbb")),
        (b"\x00\x01\x00", Message(MESSAGE_SYNC, 1, b"")),
        (b"\x00\x02\x01\x07", Message(MESSAGE_SYNC, SYNC_UPDATE, b"\x07")),
        (b"\x01\x03abc", Message(MESSAGE_AWARENESS, None, b"abc")),
        (b"\x64", Message(MESSAGE_SAVE, None, b"")),
    ],
)
def test_parses_well_formed_frames(frame: bytes, expected: Message) -> None:
    assert parse_message(frame) == expected


@pytest.mark.parametrize(
    "frame",
    [
        b"",  # nothing at all
        b"\x80",  # truncated varint
        b"\xff" * 12,  # varint past 53 bits
        b"\x05\x00",  # unknown message type
        b"\x00\x03\x00",  # unknown sync sub-type
        b"\x00\x02\x05ab",  # payload longer than the frame
        b"\x00\x02\x01ab",  # trailing bytes
        b"\x01",  # awareness without its payload
        b"\x64\x00",  # save with trailing bytes
        b"\x00",  # sync without a sub-type
    ],
)
def test_refuses_malformed_frames(frame: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_message(frame)


def test_builders_produce_what_the_parser_reads() -> None:
    assert parse_message(sync_message(SYNC_UPDATE, b"x" * 200)) == Message(
        MESSAGE_SYNC, SYNC_UPDATE, b"x" * 200
    )
    assert parse_message(awareness_message(b"{}")) == Message(MESSAGE_AWARENESS, None, b"{}")
    assert parse_message(save_message()) == Message(MESSAGE_SAVE, None, b"")


def test_negative_varint_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        write_var_uint(-1)
