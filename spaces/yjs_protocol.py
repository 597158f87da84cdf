"""The y-websocket framing, decoded strictly so a malformed frame is refused whole.

Every frame is a varint message type, then for sync (0) a varint sub-type and a
length-prefixed payload, for awareness (1) a length-prefixed payload. Baraza adds one type of
its own, `SAVE` (100, no payload), asking for a library version now. Parsing is pure and
refuses trailing bytes or truncation, so nothing half-read ever reaches the document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_SAVE = 100

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

# lib0 varints carry at most 53 bits (JavaScript's safe integers).
_MAX_VARINT_BITS = 53


class MalformedMessage(ValueError):
    """The frame does not follow the protocol; the connection that sent it is closed."""


@dataclass(frozen=True)
class Message:
    kind: int
    sub: int | None
    payload: bytes


def write_var_uint(value: int) -> bytes:
    if value < 0:
        raise ValueError("varints are unsigned")
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise MalformedMessage("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift >= _MAX_VARINT_BITS:
            raise MalformedMessage("varint too long")


def write_var_bytes(payload: bytes) -> bytes:
    return write_var_uint(len(payload)) + payload


def read_var_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = read_var_uint(data, pos)
    end = pos + length
    if end > len(data):
        raise MalformedMessage("payload longer than the frame")
    return data[pos:end], end


def parse_message(data: bytes) -> Message:
    """One whole frame, or MalformedMessage: unknown types and trailing bytes are refused."""
    kind, pos = read_var_uint(data, 0)
    sub: int | None = None
    if kind == MESSAGE_SYNC:
        sub, pos = read_var_uint(data, pos)
        if sub not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise MalformedMessage(f"unknown sync message {sub}")
        payload, pos = read_var_bytes(data, pos)
    elif kind == MESSAGE_AWARENESS:
        payload, pos = read_var_bytes(data, pos)
    elif kind == MESSAGE_SAVE:
        payload = b""
    else:
        raise MalformedMessage(f"unknown message type {kind}")
    if pos != len(data):
        raise MalformedMessage("trailing bytes after the message")
    return Message(kind=kind, sub=sub, payload=payload)


def sync_message(sub: int, payload: bytes) -> bytes:
    return write_var_uint(MESSAGE_SYNC) + write_var_uint(sub) + write_var_bytes(payload)


def awareness_message(payload: bytes) -> bytes:
    return write_var_uint(MESSAGE_AWARENESS) + write_var_bytes(payload)


def save_message() -> bytes:
    return write_var_uint(MESSAGE_SAVE)


def awareness_named(frame: bytes, name: str) -> bytes:
    """The awareness frame with `user.name` in every state set to `name`, the sender's name as
    the server knows it, so no member's cursor reaches the others under another's name.

    States are JSON (y-protocols); `null` (a client leaving) and non-object states pass as they
    are. Raises MalformedMessage for a frame that is not awareness or a state that is not JSON."""
    message = parse_message(frame)
    if message.kind != MESSAGE_AWARENESS:
        raise MalformedMessage("not an awareness message")
    data = message.payload
    count, pos = read_var_uint(data, 0)
    entries = [write_var_uint(count)]
    for _ in range(count):
        client, pos = read_var_uint(data, pos)
        clock, pos = read_var_uint(data, pos)
        raw, pos = read_var_bytes(data, pos)
        try:
            state = json.loads(raw)
        except ValueError as exc:
            raise MalformedMessage("an awareness state is not JSON") from exc
        if isinstance(state, dict):
            user = state.get("user")
            state["user"] = {**(user if isinstance(user, dict) else {}), "name": name}
            raw = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        entries.append(write_var_uint(client) + write_var_uint(clock) + write_var_bytes(raw))
    if pos != len(data):
        raise MalformedMessage("trailing bytes after the awareness update")
    return awareness_message(b"".join(entries))


def awareness_removal(frame: bytes) -> bytes | None:
    """The awareness frame saying that every client announced in `frame` has gone.

    A client that closes its page says so itself (state `null`, its clock one higher); one
    whose tab or network died cannot, and the others would show its cursor until their
    30-second awareness timeout. The room sends this for it when its socket ends. None when
    `frame` announces nobody still present (or is not an awareness frame)."""
    try:
        message = parse_message(frame)
        if message.kind != MESSAGE_AWARENESS:
            return None
        data = message.payload
        count, pos = read_var_uint(data, 0)
        gone: list[tuple[int, int]] = []
        for _ in range(count):
            client, pos = read_var_uint(data, pos)
            clock, pos = read_var_uint(data, pos)
            state, pos = read_var_bytes(data, pos)
            if state != b"null":
                gone.append((client, clock + 1))
    except MalformedMessage:
        return None
    if not gone:
        return None
    payload = write_var_uint(len(gone)) + b"".join(
        write_var_uint(client) + write_var_uint(clock) + write_var_bytes(b"null")
        for client, clock in gone
    )
    return awareness_message(payload)
