"""The co-editing socket: live editing of a space's library document over the Yjs protocol.

Any Yjs client (`y-websocket`, `pycrdt`) connects to
`/api/v1/spaces/:id/documents/:doc_id/live` with a member's token and edits the shared
`Text` named `content`. This module is only the door: it authenticates the upgrade, parses
frames and sends them; rooms, persistence, versions and who may edit live in
`spaces.coediting`.

Every frame, in or out, is preceded by `spaces.coediting.peer_verdict`: the token, the
member's account, the membership and the space as the database holds them now. A guard also
re-checks when `outbox.stream_bus` says a change may concern this socket (revocation,
suspension, removal, leaving; within milliseconds in this process and, on PostgreSQL, in
others; within `outbox.connections.SWEEP_SECONDS` at worst) and every `RECHECK_SECONDS` when
idle, and
closes the socket: 4401 when the token or account no longer allows it, 4403 when the member
is no longer in the space.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from quart import Blueprint, Response, websocket

from baraza.responses import json_response
from baraza.services import settings
from clientapi.auth import require_member, scope_satisfied
from clientapi.params import row_id
from clientapi.spaces.spaces import PREFIX, find_space
from clientapi.tokens import bearer_token, find_token
from federation.errors import FederationError, NotFound
from outbox import stream_bus
from outbox.connections import open_watch
from spaces import coediting, presence
from spaces.coediting import Peer, Room, Verdict
from spaces.yjs_protocol import MalformedMessage
from storage.models import AccessToken, Actor, LibraryDocument

blueprint = Blueprint("live_api", __name__)
log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024 * 1024
RECHECK_SECONDS = 0.5

CLOSE_MALFORMED = 4400
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_LARGE = 4413

Closing = tuple[int, str]


def _closing(verdict: Verdict) -> Closing:
    code = CLOSE_UNAUTHORIZED if verdict is Verdict.TOKEN else CLOSE_FORBIDDEN
    return code, verdict.value


async def _token_row(token: str) -> AccessToken | None:
    """A live token that may write and speaks for an account that is not suspended."""
    row = await find_token(token)
    if row is None or not scope_satisfied(frozenset(row.scopes.split()), "write"):
        return None
    account = row.account
    return row if account is not None and account.suspended_at is None else None


def _offered_token() -> tuple[str | None, str | None]:
    """The token from the query, the `Sec-WebSocket-Protocol` header, or `Authorization`."""
    protocol = websocket.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip() or None
    token = websocket.args.get("access_token") or protocol
    return token or bearer_token(websocket.headers.get("Authorization")), protocol


async def _find_document(space_id: str, doc_id: str) -> tuple[Actor, LibraryDocument] | None:
    space_number, doc_number = row_id(space_id, Actor), row_id(doc_id, LibraryDocument)
    if space_number is None or doc_number is None:
        return None
    space = await Actor.get_or_none(id=space_number, local=True, type="Group")
    if space is None:
        return None
    doc = await LibraryDocument.get_or_none(id=doc_number, space=space, deleted_at=None)
    return (space, doc) if doc is not None else None


async def _send_loop(room: Room, peer: Peer) -> Closing:
    """Sends what the peer is owed, each frame only after the peer may still have it."""
    while True:
        frame = await peer.outbox.get()
        verdict = await coediting.peer_verdict(room, peer)
        if verdict is not Verdict.ALLOWED:
            return _closing(verdict)
        await websocket.send(frame)
        peer.outbox.task_done()


async def _guard(room: Room, peer: Peer, watch: stream_bus.Watch) -> Closing:
    """Closes an idle socket once its access ends: woken by a change, or after a while."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(watch.changed.wait(), RECHECK_SECONDS)
        watch.changed.clear()
        verdict = await coediting.peer_verdict(room, peer)
        if verdict is not Verdict.ALLOWED:
            return _closing(verdict)


async def _receive_loop(room: Room, space: Actor, peer: Peer) -> Closing:
    """Runs until the client leaves (the handler is cancelled) or must be closed."""
    while True:
        frame: Any = await websocket.receive()
        verdict = await coediting.peer_verdict(room, peer)
        if verdict is not Verdict.ALLOWED:
            return _closing(verdict)
        if not isinstance(frame, bytes):
            return CLOSE_MALFORMED, "Yjs messages are binary"
        if len(frame) > MAX_MESSAGE_BYTES:
            return CLOSE_TOO_LARGE, f"messages are limited to {MAX_MESSAGE_BYTES} bytes"
        try:
            await coediting.handle(settings(), room, space, peer, frame)
        except MalformedMessage as exc:
            return CLOSE_MALFORMED, str(exc)[:120]


@blueprint.websocket(f"{PREFIX}/<space_id>/documents/<doc_id>/live")
async def live(space_id: str, doc_id: str) -> Response | None:
    token, protocol = _offered_token()
    row = await _token_row(token) if token else None
    if row is None or row.account is None:
        return json_response({"error": "The access token is invalid"}, 401)
    member = row.account
    found = await _find_document(space_id, doc_id)
    if found is None or not await coediting.may_edit(found[0], member):
        # Outsiders learn nothing: the same 404 as a space or document that does not exist.
        return json_response({"error": "Record not found"}, 404)
    space, document = found
    room = await coediting.room_for(settings(), document)
    peer = Peer(member=member, token_id=row.id)
    await websocket.accept(subprotocol=protocol if protocol == token else None)
    watch = open_watch(row.id, member.id, space.id)
    coediting.join(room, peer)
    sender = asyncio.create_task(_send_loop(room, peer))
    guard = asyncio.create_task(_guard(room, peer, watch))
    receiver = asyncio.create_task(_receive_loop(room, space, peer))
    closing: Closing | None = None
    try:
        done, _ = await asyncio.wait({sender, guard, receiver}, return_when=asyncio.FIRST_COMPLETED)
        closing = next(iter(done)).result()
    finally:
        stream_bus.unwatch(watch)
        # Shielded: a client hanging up cancels this handler, and the save must still run.
        flush = receiver.done() and not (sender.done() or guard.done())
        await asyncio.shield(_leave(room, space, peer, (sender, guard, receiver), flush=flush))
    if closing is not None:
        await websocket.close(*closing)
    return None


async def _leave(
    room: Room, space: Actor, peer: Peer, tasks: tuple[asyncio.Task[Any], ...], *, flush: bool
) -> None:
    """Tell the others the peer has gone (its cursor with it), flush what the peer was owed
    (unless it lost its access), then save a version if it was the last one in the room."""
    coediting.leave(room, peer)
    presence.departed(room, peer)
    sender = tasks[0]
    if flush:
        flushed = asyncio.create_task(peer.outbox.join())
        await asyncio.wait({flushed, sender}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
        flushed.cancel()
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if not room.peers:
        try:
            await coediting.save_version(settings(), room, space, peer.member)
        except FederationError as exc:
            # The live state keeps every edit; the next session's close will try again.
            log.warning("no version saved for document %s: %s", room.document_id, exc)
        coediting.close_if_empty(room)


@blueprint.post(f"{PREFIX}/<space_id>/documents/<doc_id>/save")
async def save(space_id: str, doc_id: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    found = await _find_document(space_id, doc_id)
    if found is None or not await coediting.may_edit(space, member):
        raise NotFound("Record not found")
    document = found[1]
    room = coediting.open_room(document.id) or Room(
        document_id=document.id,
        space_id=space.id,
        doc=await coediting.seed(settings(), document),
    )
    version = await coediting.save_version(settings(), room, space, member)
    if version is None:
        document = await LibraryDocument.get(id=document.id)
        return json_response({"saved": False, "version": document.current_version})
    return json_response(
        {"saved": True, "version": version.version, "coauthors": version.coauthors}
    )
