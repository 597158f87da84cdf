"""Co-editing rooms: one live Yjs document per library document, who is in it, and its persistence.

One in-memory room per document and process holds the CRDT (`pycrdt.Doc`) and its peers. The
socket door (`clientapi.spaces.live`) parses
frames, hands them to `handle`, and sends what lands in a peer's `outbox`, asking
`peer_verdict` before every frame it sends.

Durability: every non-empty update (a delete-only one too) is applied, and the merged state
written to `live_state`, before it is relayed to anyone or any later sync step 1 of its
sender is answered, so every edit another peer has seen, or its sender has had acknowledged,
survives a crash. Storing the merged
state (not a growing log of updates) is the compaction. Closing the last session, an explicit
save (message type 100) or `POST .../save` writes a library version through
`spaces.library.add_document`, with the members who sent updates as its co-authors.

Several processes (`baraza serve --workers N`, or several servers on one PostgreSQL): every
update and awareness frame a room takes from its own peers is also published on `storage.bus`;
the same document's room in each other process applies it and relays it to its own peers.
Persistence stays whole across them: on PostgreSQL a room writes its state under a row lock
after merging what is stored (`persist`), so the stored state only ever grows, whichever process
writes last, and a document's first live state is written only if none is there yet (`seed`),
so two processes opening it at once do not each insert its text.

Who may edit is one pure decision (`may_edit_facts`) over facts gathered in two indexed
queries (`editor_facts`); an open socket adds its token's standing (`outbox.connections`),
so revoking the token, suspending the member or the space, and removing the member from the
space all stop the next frame.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import logging
import re
import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pycrdt import Doc, Text
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from baraza.settings import Settings
from outbox.connections import may_keep_receiving, token_standings
from spaces.library import TEXT_SUFFIXES, Upload, add_document, read_blob
from spaces.space_rules import edit_refusal
from spaces.yjs_protocol import (
    MESSAGE_AWARENESS,
    MESSAGE_SAVE,
    SYNC_STEP1,
    SYNC_STEP2,
    SYNC_UPDATE,
    MalformedMessage,
    awareness_named,
    parse_message,
    save_message,
    sync_message,
)
from storage import bus
from storage.models import Actor, Block, Follow, LibraryDocument, LibraryVersion

log = logging.getLogger(__name__)

TEXT_NAME = "content"
BUS_CHANNEL = "coediting"
_ORIGIN = uuid.uuid4().hex[:12]  # names this process's peers in awareness it shares


@dataclass(frozen=True)
class EditorFacts:
    """What decides whether a member may edit a space's documents, as the database holds it."""

    member_active: bool  # the member's account is not suspended
    member_local: bool
    joined: bool  # an accepted membership (Follow) of the space
    banned: bool  # the space blocks the member
    space_active: bool  # the space is not suspended
    space_private: bool
    space_archived: bool = False  # read-only (`spaces.space_rules.edit_refusal`)


def may_edit_facts(facts: EditorFacts) -> bool:
    """Pure: a member in good standing of a space in good standing, not banned; a private
    space's documents are for its local members only (its rule for reading). Table-tested."""
    if not (facts.member_active and facts.space_active and facts.joined) or facts.banned:
        return False
    if edit_refusal(archived=facts.space_archived) is not None:
        return False
    return facts.member_local or not facts.space_private


NOT_JOINED = EditorFacts(False, False, False, False, False, False)


async def editor_facts(space_id: int, member_id: int) -> EditorFacts:
    """Two indexed queries: the membership row joined to both accounts, then the ban."""
    rows = await Follow.filter(follower_id=member_id, target_id=space_id, accepted=True).values(
        "follower__suspended_at",
        "follower__local",
        "target__suspended_at",
        "target__private",
        "target__archived_at",
    )
    if not rows:
        return NOT_JOINED
    row = rows[0]
    return EditorFacts(
        member_active=row["follower__suspended_at"] is None,
        member_local=bool(row["follower__local"]),
        joined=True,
        banned=await Block.exists(actor_id=space_id, target_id=member_id),
        space_active=row["target__suspended_at"] is None,
        space_private=bool(row["target__private"]),
        space_archived=row["target__archived_at"] is not None,
    )


async def may_edit(space: Actor, member: Actor | None) -> bool:
    """Who may see the space and is one of its members, not banned and not suspended."""
    if member is None:
        return False
    return may_edit_facts(await editor_facts(space.id, member.id))


class Verdict(Enum):
    """May an open co-editing socket receive its next frame, and if not, why."""

    ALLOWED = "allowed"
    TOKEN = "the access token was revoked or the account suspended"
    MEMBERSHIP = "no longer a member of this space"


@dataclass(eq=False)
class Peer:
    """One open socket in a room: the member, the token it opened with, what it is owed."""

    member: Actor
    token_id: int
    outbox: asyncio.Queue[bytes] = field(default_factory=asyncio.Queue)
    awareness: bytes | None = None


@dataclass(eq=False)
class Room:
    """One document's live state and who edited it since its last library version."""

    document_id: int
    space_id: int
    doc: Doc
    peers: set[Peer] = field(default_factory=set)
    coauthors: dict[int, Actor] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    stored: bytes = b""  # the encoded state last written to `live_state`
    remote_awareness: dict[str, bytes] = field(default_factory=dict)  # other processes' peers


async def peer_verdict(room: Room, peer: Peer) -> Verdict:
    """Asked before every frame a peer is sent: three indexed queries, then pure decisions."""
    standing = (await token_standings([peer.token_id])).get(peer.token_id)
    if not may_keep_receiving(standing, peer.member.id):
        return Verdict.TOKEN
    if not may_edit_facts(await editor_facts(room.space_id, peer.member.id)):
        return Verdict.MEMBERSHIP
    return Verdict.ALLOWED


_rooms: dict[int, Room] = {}
# Updates from other processes for a document whose room is being seeded here: applied once it
# exists (the stored state it was seeded from may predate them).
_seeding: dict[int, list[bytes]] = {}


def open_room(document_id: int) -> Room | None:
    return _rooms.get(document_id)


async def room_for(settings: Settings, document: LibraryDocument) -> Room:
    """The document's room, seeded from storage the first time anyone opens it."""
    room = _rooms.get(document.id)
    if room is None:
        arrived = _seeding.setdefault(document.id, [])
        try:
            if bus.shared():  # what other processes stored before `arrived` was listening
                document = await LibraryDocument.get(id=document.id)
            ydoc = await seed(settings, document)
        finally:
            room = _rooms.get(document.id)
            if room is None:
                _seeding.pop(document.id, None)
        if room is None:
            for update in arrived:
                ydoc.apply_update(update)
            room = _rooms.setdefault(
                document.id,
                Room(
                    document_id=document.id,
                    space_id=document.space_id,  # type: ignore[attr-defined]
                    doc=ydoc,
                    stored=ydoc.get_update(),
                ),
            )
    return room


async def seed(settings: Settings, document: LibraryDocument) -> Doc:
    """The stored live state; a document never edited live starts from its current text.

    That first state is written only where none is stored yet: two rooms seeding at once (two
    processes, or two sockets here) would otherwise each insert the text, and merging their
    states would show it twice. The one that finds a state already written takes it."""
    ydoc = Doc()
    text = ydoc.get(TEXT_NAME, type=Text)
    if document.live_state:
        ydoc.apply_update(base64.b64decode(document.live_state))
        return ydoc
    version = await LibraryVersion.get_or_none(document=document, version=document.current_version)
    if version is not None and version.content_type.startswith("text/"):
        body = await read_blob(settings, version.sha256)
        text += body.decode("utf-8", "replace")
        state = base64.b64encode(ydoc.get_update()).decode("ascii")
        first = await LibraryDocument.filter(
            Q(live_state="") | Q(live_state__isnull=True), id=document.id
        ).update(live_state=state)
        if not first:
            stored = await LibraryDocument.get(id=document.id)
            ydoc = Doc()
            ydoc.get(TEXT_NAME, type=Text)
            ydoc.apply_update(base64.b64decode(stored.live_state))
    return ydoc


async def persist(document_id: int, ydoc: Doc) -> bytes:
    """Writes the merged state; returns it as written.

    With other processes (PostgreSQL), under the row's lock and after merging what is stored
    into `ydoc`: another process may have stored edits this room has not heard of yet, and
    writing this room's state over them would lose them. Merging is idempotent, so the stored
    state only grows. One process (SQLite) has no one to merge with."""
    if not bus.shared():
        encoded = ydoc.get_update()
        await LibraryDocument.filter(id=document_id).update(
            live_state=base64.b64encode(encoded).decode("ascii")
        )
        return encoded
    async with in_transaction():
        stored = (
            await LibraryDocument.filter(id=document_id)
            .select_for_update()
            .values_list("live_state", flat=True)
        )
        if stored and stored[0]:
            ydoc.apply_update(base64.b64decode(stored[0]))
        encoded = ydoc.get_update()
        await LibraryDocument.filter(id=document_id).update(
            live_state=base64.b64encode(encoded).decode("ascii")
        )
    return encoded


async def merge_stored(room: Room) -> None:
    """Brings in what other processes stored (PostgreSQL), before the room's text is read."""
    if not bus.shared():
        return
    stored = await LibraryDocument.filter(id=room.document_id).values_list("live_state", flat=True)
    if stored and stored[0]:
        room.doc.apply_update(base64.b64decode(stored[0]))


def share_update(document_id: int, update: bytes) -> None:
    """Other processes' rooms for this document apply `update` and relay it to their peers."""
    bus.publish(
        BUS_CHANNEL, {"doc": document_id, "update": base64.b64encode(update).decode("ascii")}
    )


def share_awareness(room: Room, peer: Peer, frame: bytes, *, gone: bool = False) -> None:
    """Other processes relay `peer`'s awareness (a departure when `gone`) to their peers, and
    owe it to those who join later."""
    bus.publish(
        BUS_CHANNEL,
        {
            "doc": room.document_id,
            "awareness": base64.b64encode(frame).decode("ascii"),
            "from": f"{_ORIGIN}:{id(peer)}",
            "gone": gone,
        },
    )


def _from_other_process(message: dict[str, Any]) -> None:
    """An update or awareness frame a room in another process took from its peers."""
    try:
        document_id = int(message["doc"])
        update = base64.b64decode(message["update"]) if "update" in message else None
        frame = base64.b64decode(message["awareness"]) if "awareness" in message else None
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        log.warning("co-editing: ignored a malformed message from another process: %s", exc)
        return
    room = _rooms.get(document_id)
    if update is not None:
        if room is None:
            if document_id in _seeding:
                _seeding[document_id].append(update)
            return  # no room here: the stored state has it for whoever opens one
        room.doc.apply_update(update)  # already validated and stored by its process
        for peer in room.peers:
            peer.outbox.put_nowait(sync_message(SYNC_UPDATE, update))
    elif frame is not None and room is not None:
        key = str(message.get("from"))
        if message.get("gone"):
            room.remote_awareness.pop(key, None)
        else:
            room.remote_awareness[key] = frame
        for peer in room.peers:
            peer.outbox.put_nowait(frame)


bus.subscribe(BUS_CHANNEL, _from_other_process, remote_only=True)


async def replace_text(document_id: int, body: str) -> None:
    """The live text becomes `body` (a restored version) as one edit of the shared document,
    not a new document: editors in the room receive it like any edit, and their offline
    edits still merge. A document never edited live has no live state to change."""
    room = _rooms.get(document_id)
    if room is None:
        document = await LibraryDocument.get(id=document_id)
        if not document.live_state:
            return
        ydoc = Doc()
        ydoc.apply_update(base64.b64decode(document.live_state))
        before = ydoc.get_state()
        _replace(ydoc, body)
        update = ydoc.get_update(before)
        await persist(document_id, ydoc)
        share_update(document_id, update)  # rooms open in other processes
        return
    async with room.lock:
        await merge_stored(room)  # replace the whole text, including others' latest edits
        before = room.doc.get_state()
        _replace(room.doc, body)
        update = room.doc.get_update(before)
        room.stored = await persist(room.document_id, room.doc)
    for peer in room.peers:
        peer.outbox.put_nowait(sync_message(SYNC_UPDATE, update))
    share_update(document_id, update)


def _replace(ydoc: Doc, body: str) -> None:
    text = ydoc.get(TEXT_NAME, type=Text)
    with ydoc.transaction():
        del text[0 : len(text)]
        text.insert(0, body)


def join(room: Room, peer: Peer) -> None:
    """A new peer enters: it is owed the server's state vector and everyone's awareness."""
    room.peers.add(peer)
    peer.outbox.put_nowait(sync_message(SYNC_STEP1, room.doc.get_state()))
    for other in room.peers:
        if other is not peer and other.awareness is not None:
            peer.outbox.put_nowait(other.awareness)
    for frame in room.remote_awareness.values():
        peer.outbox.put_nowait(frame)


def leave(room: Room, peer: Peer) -> bool:
    """The peer is gone; True when it was the last (the room should then save and close)."""
    room.peers.discard(peer)
    return not room.peers


def close_if_empty(room: Room) -> None:
    if not room.peers and _rooms.get(room.document_id) is room:
        del _rooms[room.document_id]


def _version_filename(title: str, previous: LibraryVersion | None) -> str:
    """Keep a text version's name (so `.md` stays Markdown); otherwise the title as `.txt`."""
    if previous is not None:
        suffix = "." + previous.filename.rsplit(".", 1)[-1] if "." in previous.filename else ""
        if previous.content_type.startswith("text/") and suffix.lower() in TEXT_SUFFIXES:
            return previous.filename
    stem = re.sub(r"[^A-Za-z0-9 _-]", "_", title).strip() or "document"
    return f"{stem[:200]}.txt"


async def save_version(
    settings: Settings, room: Room, space: Actor, preferred: Actor
) -> LibraryVersion | None:
    """A new library version of the live text, credited to those who edited since the last."""
    async with room.lock:
        await merge_stored(room)  # edits stored through other processes belong in the version
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
                settings, uploader, space, upload, document_id=document.id
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


# A Yjs (v1) update with no structs and an empty delete set: the only update that changes
# nothing whatever document it meets.
EMPTY_UPDATE = b"\x00\x00"


async def _apply_update(room: Room, peer: Peer, update: bytes) -> None:
    """Validated on a scratch document first, so a bad update never touches the room's.

    Every non-empty update is persisted, then relayed, whatever it does to the state vector:
    an update that only deletes adds no struct and leaves the state vector as it was, yet it
    is an edit (comparing state vectors once dropped it, and the deleted text came back after
    a crash). A peer's frames are handled in order, so the answer to its next sync step 1 is
    sent only after this update is stored: that answer is the acknowledgement."""
    if update == EMPTY_UPDATE:
        return
    try:
        Doc().apply_update(update)
    except ValueError as exc:
        raise MalformedMessage(f"invalid Yjs update: {exc}") from exc
    # Shielded: a sender hanging up cancels its socket's handler, possibly while this update
    # is already in the room but not yet relayed; the others must still receive it (their
    # sockets never resync on their own, so an unrelayed insert would never reach them).
    await asyncio.shield(_commit(room, peer, update))


async def _commit(room: Room, peer: Peer, update: bytes) -> None:
    async with room.lock:
        room.doc.apply_update(update)
        if room.doc.get_update() != room.stored:  # what was new in it: its sender edited
            room.stored = await persist(room.document_id, room.doc)
            room.coauthors[peer.member.id] = peer.member
    _broadcast(room, peer, sync_message(SYNC_UPDATE, update))
    share_update(room.document_id, update)


async def handle(settings: Settings, room: Room, space: Actor, peer: Peer, frame: bytes) -> None:
    """One Yjs message from `peer`; replies and relays land in the peers' outboxes.

    Raises `MalformedMessage` for a frame that is not a valid Yjs message."""
    message = parse_message(frame)
    if message.kind == MESSAGE_AWARENESS:
        # Relayed under the name the server knows: a cursor cannot carry another's name.
        frame = awareness_named(frame, peer.member.display_name or peer.member.username)
        peer.awareness = frame
        _broadcast(room, peer, frame)
        share_awareness(room, peer, frame)
    elif message.kind == MESSAGE_SAVE:
        await save_version(settings, room, space, peer.member)
        peer.outbox.put_nowait(save_message())
    elif message.sub == SYNC_STEP1:
        try:
            missing = room.doc.get_update(message.payload)
        except ValueError as exc:
            raise MalformedMessage(f"invalid state vector: {exc}") from exc
        peer.outbox.put_nowait(sync_message(SYNC_STEP2, missing))
    else:
        await _apply_update(room, peer, message.payload)
