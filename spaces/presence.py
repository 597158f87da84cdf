"""Presence in a co-editing room: telling the others when an editor has gone.

The room relays awareness frames (who is here, their cursors) as they come. A browser that
closes its page announces its own departure; one whose tab crashed or whose network died
cannot, and the others would show its cursor until their 30-second awareness timeout. So
when a socket ends, the room sends the others that editor's departure itself, built from
the last awareness frame it sent (`spaces.yjs_protocol.awareness_removal`)."""

from __future__ import annotations

from spaces.coediting import Peer, Room, share_awareness
from spaces.yjs_protocol import awareness_removal


def departed(room: Room, peer: Peer) -> None:
    """Queues, for everyone still in the room, the departure of `peer`'s clients; nothing
    when it announced none or already said goodbye."""
    frame = awareness_removal(peer.awareness) if peer.awareness is not None else None
    if frame is None:
        return
    peer.awareness = None
    for other in room.peers:
        if other is not peer:
            other.outbox.put_nowait(frame)
    share_awareness(room, peer, frame, gone=True)  # and those in other processes
