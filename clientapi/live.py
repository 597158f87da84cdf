"""Live co-editing of a space's library document over the Yjs sync and awareness protocol.

Any Yjs client (`y-websocket`, `pycrdt`) connects to
`/api/v1/spaces/:id/documents/:doc_id/live` with a member's token and edits the shared
`Text` named `content`. One in-memory room per document holds the CRDT (`pycrdt.Doc`) and its
connections, so this needs the single-worker `baraza serve` (the default).

Durability: an update is applied, and the merged state written to `live_state`, before it is
relayed to anyone, so every edit another peer has seen survives a crash. Storing the merged
state (not a growing log of updates) is the compaction. Closing the last session, an explicit
save (message type 100) or `POST .../save` writes a library version through
`spaces.library.add_document`, with the members who sent updates as its co-authors.

Access is the space's own rule (`may_read_space`) plus membership, checked before the
upgrade and again on every message and every few seconds: a removed member is cut off.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, Text
from quart import Blueprint, Response, websocket

from baraza.responses import json_response
from baraza.services import settings
from clientapi.api_params import row_id
from clientapi.auth import require_member, scope_satisfied
from clientapi.spaces import PREFIX, find_space
from clientapi.tokens import bearer_token, find_token
from federation.errors import FederationError, NotFound
from spaces.library import TEXT_SUFFIXES, Upload, add_document, may_read_space, read_blob
from spaces.yjs_protocol import (
    MESSAGE_AWARENESS,
    MESSAGE_SAVE,
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    MalformedMessage,
    parse_message,
    save_message,
    sync_message,
)
from storage.models import Actor, Block, Follow, LibraryDocument, LibraryVersion

blueprint = Blueprint("live_api", __name__)
log = logging.getLogger(__name__)

TEXT_NAME = "content"
MAX_MESSAGE_BYTES = 1024 * 1024
RECHECK_SECONDS = 3.0

CLOSE_MALFORMED = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_LARGE = 4413


@dataclass(eq=False)
class Peer:
    member: Actor
    token: str
    outbox: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    awareness: bytes | None = None


@dataclass(eq=False)
class Room:
    """One document's live state and who edited it since its last library version."""

    document_id: int
    doc: Doc
    peers: set[Peer] = field(default_factory=set)
    coauthors: dict[int, Actor] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


_rooms: dict[int, Room] = {}


async def may_edit(space: Actor, member: Actor | None) -> bool:
    """Who may see the space and is one of its members, not banned and not suspended."""
    if member is None or member.suspended_at is not None:
        return False
    if not await may_read_space(space, member):
        return False
    if await Block.exists(actor=space, target=member):
        return False
    return await Follow.exists(follower=member, target=space, accepted=True)


async def _token_member(token: str) -> Actor | None:
    row = await find_token(token)
    if row is None or not scope_satisfied(frozenset(row.scopes.split()), "write"):
        return None
    return row.account


def _offered_token() -> tuple[str | None, str | None]:
    """The token from the query, the `Sec-WebSocket-Protocol` header, or `Authorization`."""
    protocol = websocket.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip() or None
    token = websocket.args.get("access_token") or protocol
    return token or bearer_token(websocket.headers.get("Authorization")), protocol


async def _find_document(space_id: str, doc_id: str) -> tuple[Actor, LibraryDocument] | None:
    space_number, doc_number = row_id(space_id), row_id(doc_id)
    if space_number is None or doc_number is None:
        return None
    space = await Actor.get_or_none(id=space_number, local=True, type="Group")
    if space is None:
        return None
    doc = await LibraryDocument.get_or_none(id=doc_number, space=space, deleted_at=None)
    return (space, doc) if doc is not None else None


async def _seed(document: LibraryDocument) -> Doc:
    """The stored live state; a document never edited live starts from its current text."""
    ydoc = Doc()
    text = ydoc.get(TEXT_NAME, type=Text)
    if document.live_state:
        ydoc.apply_update(base64.b64decode(document.live_state))
        return ydoc
    version = await LibraryVersion.get_or_none(document=document, version=document.current_version)
    if version is not None and version.content_type.startswith("text/"):
        body = await read_blob(settings(), version.sha256)
        text += body.decode("utf-8", "replace")
        await _persist(document.id, ydoc)
    return ydoc


async def _room(document: LibraryDocument) -> Room:
    room = _rooms.get(document.id)
    if room is None:
        ydoc = await _seed(document)
        room = _rooms.setdefault(document.id, Room(document_id=document.id, doc=ydoc))
    return room


async def _persist(document_id: int, ydoc: Doc) -> None:
    state = base64.b64encode(ydoc.get_update()).decode("ascii")
    await LibraryDocument.filter(id=document_id).update(live_state=state)


def _version_filename(title: str, previous: LibraryVersion | None) -> str:
    """Keep a text version's name (so `.md` stays Markdown); otherwise the title as `.txt`."""
    if previous is not None:
        suffix = "." + previous.filename.rsplit(".", 1)[-1] if "." in previous.filename else ""
        if previous.content_type.startswith("text/") and suffix.lower() in TEXT_SUFFIXES:
            return previous.filename
    stem = re.sub(r"[^A-Za-z0-9 _-]", "_", title).strip() or "document"
    return f"{stem[:200]}.txt"


async def save_version(room: Room, space: Actor, preferred: Actor) -> LibraryVersion | None:
    """A new library version of the live text, credited to those who edited since the last."""
    async with room.lock:
        body = str(room.doc.get(TEXT_NAME, type=Text)).encode("utf-8")
        if not body:
            return None
        document = await LibraryDocument.get(id=room.document_id)
        previous = await LibraryVersion.get_or_none(
            document=document, version=document.current_version
        )
        if previous is not None and previous.sha256 == hashlib.sha256(body).hexdigest():
            return None  # nothing changed since the last version
        upload = Upload(data=body, filename=_version_filename(document.title, previous))
        candidates = [preferred, *(a for a in room.coauthors.values() if a.id != preferred.id)]
        for uploader in candidates:
            if not await may_edit(space, uploader):
                continue
            _doc, version = await add_document(
                settings(), uploader, space, upload, document_id=document.id
            )
            version.coauthors = sorted(a.uri for a in room.coauthors.values())
            await version.save(update_fields=["coauthors"])
            room.coauthors.clear()
            return version
        return None


def _broadcast(room: Room, sender: Peer, frame: bytes) -> None:
    for peer in room.peers:
        if peer is not sender:
            peer.outbox.put_nowait(frame)


async def _apply_update(room: Room, peer: Peer, update: bytes) -> None:
    """Validated on a scratch document first, so a bad update never touches the room's."""
    try:
        Doc().apply_update(update)
    except ValueError as exc:
        raise MalformedMessage(f"invalid Yjs update: {exc}") from exc
    async with room.lock:
        before = room.doc.get_state()
        room.doc.apply_update(update)
        if room.doc.get_state() == before:
            return
        await _persist(room.document_id, room.doc)
        room.coauthors[peer.member.id] = peer.member
    _broadcast(room, peer, sync_message(SYNC_UPDATE, update))


async def _handle(room: Room, space: Actor, peer: Peer, frame: bytes) -> None:
    message = parse_message(frame)
    if message.kind == MESSAGE_AWARENESS:
        peer.awareness = frame
        _broadcast(room, peer, frame)
    elif message.kind == MESSAGE_SAVE:
        await save_version(room, space, peer.member)
        peer.outbox.put_nowait(save_message())
    elif message.sub == SYNC_STEP1:
        try:
            missing = room.doc.get_update(message.payload)
        except ValueError as exc:
            raise MalformedMessage(f"invalid state vector: {exc}") from exc
        peer.outbox.put_nowait(sync_message(SYNC_STEP2, missing))
    else:
        await _apply_update(room, peer, message.payload)


async def _still_allowed(space: Actor, peer: Peer) -> bool:
    member = await _token_member(peer.token)
    if member is None or member.id != peer.member.id:
        return False
    fresh = await Actor.get_or_none(id=space.id)
    return fresh is not None and fresh.suspended_at is None and await may_edit(fresh, member)


async def _send_loop(peer: Peer) -> None:
    while True:
        frame = await peer.outbox.get()
        await websocket.send(frame)
        peer.outbox.task_done()


async def _receive_loop(room: Room, space: Actor, peer: Peer) -> tuple[int, str] | None:
    """Runs until the client leaves (None) or must be closed (code, reason)."""
    while True:
        try:
            frame: Any = await asyncio.wait_for(websocket.receive(), RECHECK_SECONDS)
        except TimeoutError:
            frame = None
        if not await _still_allowed(space, peer):
            return CLOSE_FORBIDDEN, "no longer a member of this space"
        if frame is None:
            continue
        if not isinstance(frame, bytes):
            return CLOSE_MALFORMED, "Yjs messages are binary"
        if len(frame) > MAX_MESSAGE_BYTES:
            return CLOSE_TOO_LARGE, f"messages are limited to {MAX_MESSAGE_BYTES} bytes"
        try:
            await _handle(room, space, peer, frame)
        except MalformedMessage as exc:
            return CLOSE_MALFORMED, str(exc)[:120]


@blueprint.websocket(f"{PREFIX}/<space_id>/documents/<doc_id>/live")
async def live(space_id: str, doc_id: str) -> Response | None:
    token, protocol = _offered_token()
    member = await _token_member(token) if token else None
    if token is None or member is None or member.suspended_at is not None:
        return json_response({"error": "The access token is invalid"}, 401)
    found = await _find_document(space_id, doc_id)
    if found is None or not await may_edit(found[0], member):
        # Outsiders learn nothing: the same 404 as a space or document that does not exist.
        return json_response({"error": "Record not found"}, 404)
    space, document = found
    room = await _room(document)
    peer = Peer(member=member, token=token)
    await websocket.accept(subprotocol=protocol if protocol == token else None)
    room.peers.add(peer)
    peer.outbox.put_nowait(sync_message(SYNC_STEP1, room.doc.get_state()))
    for other in room.peers:
        if other is not peer and other.awareness is not None:
            peer.outbox.put_nowait(other.awareness)
    sender = asyncio.create_task(_send_loop(peer))
    closing: tuple[int, str] | None = None
    try:
        closing = await _receive_loop(room, space, peer)
    finally:
        # Shielded: a client hanging up cancels this handler, and the save must still run.
        await asyncio.shield(_leave(room, space, peer, sender))
    if closing is not None:
        await websocket.close(*closing)
    return None


async def _leave(room: Room, space: Actor, peer: Peer, sender: asyncio.Task[None]) -> None:
    """Flush what the peer was owed, then save a version if it was the last one in the room."""
    room.peers.discard(peer)
    flushed = asyncio.create_task(peer.outbox.join())
    await asyncio.wait({flushed, sender}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
    flushed.cancel()
    sender.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sender
    if not room.peers:
        try:
            await save_version(room, space, peer.member)
        except FederationError as exc:
            # The live state keeps every edit; the next session's close will try again.
            log.warning("no version saved for document %s: %s", room.document_id, exc)
        if not room.peers and _rooms.get(room.document_id) is room:
            del _rooms[room.document_id]


@blueprint.post(f"{PREFIX}/<space_id>/documents/<doc_id>/save")
async def save(space_id: str, doc_id: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    found = await _find_document(space_id, doc_id)
    if found is None or not await may_edit(space, member):
        raise NotFound("Record not found")
    document = found[1]
    room = _rooms.get(document.id) or Room(document_id=document.id, doc=await _seed(document))
    version = await save_version(room, space, member)
    if version is None:
        document = await LibraryDocument.get(id=document.id)
        return json_response({"saved": False, "version": document.current_version})
    return json_response(
        {"saved": True, "version": version.version, "coauthors": version.coauthors}
    )
