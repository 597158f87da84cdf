"""Co-editing rooms: who may edit (a pure decision, table-tested) and how fast a socket obeys.

Issue 13: co-editing frames reached a member removed from a space for about three seconds
(the socket re-checked on a timer). Now every frame is checked before it is sent, and the
change itself wakes the socket: a member removed from the space (or leaving it, or whose
token is revoked elsewhere) gets no frame sent after the change and is disconnected within
one second. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc, Text
from quart.testing.connections import WebsocketDisconnectError

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from spaces.coediting import EditorFacts, may_edit_facts
from spaces.library import Upload, add_document
from spaces.yjs_protocol import MESSAGE_SYNC, SYNC_UPDATE, parse_message, sync_message
from storage.models import AccessToken, Actor, Follow
from tests.conftest import make_settings

LIMIT = 1.0

GOOD = EditorFacts(
    member_active=True,
    member_local=True,
    joined=True,
    banned=False,
    space_active=True,
    space_private=True,
)

EDITORS = [
    (GOOD, True, "a local member of a private space"),
    (EditorFacts(True, False, True, False, True, False), True, "a remote member, public space"),
    (EditorFacts(True, False, True, False, True, True), False, "a remote member, private space"),
    (EditorFacts(True, True, False, False, True, True), False, "not (or no longer) a member"),
    (EditorFacts(True, True, True, True, True, True), False, "banned"),
    (EditorFacts(False, True, True, False, True, True), False, "the member is suspended"),
    (EditorFacts(True, True, True, False, False, True), False, "the space is suspended"),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "allowed", "why"), EDITORS, ids=[e[2] for e in EDITORS])
def test_may_edit_facts(facts: EditorFacts, allowed: bool, why: str) -> None:
    assert may_edit_facts(facts) is allowed, why


@dataclass
class Room:
    client: Any
    space: Actor
    carla: Actor
    live: str
    owner_token: str
    carla_token: str

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def remove_carla(self) -> None:
        response = await self.client.post(
            f"/api/v1/spaces/{self.space.id}/members/{self.carla.id}/remove",
            headers=self.headers(self.owner_token),
        )
        assert response.status_code == 200, await response.get_data(as_text=True)

    async def carla_leaves(self) -> None:
        response = await self.client.post(
            f"/api/v1/spaces/{self.space.id}/leave", headers=self.headers(self.carla_token)
        )
        assert response.status_code == 200, await response.get_data(as_text=True)

    async def removed_by_another_process(self) -> None:
        await Follow.filter(follower_id=self.carla.id, target_id=self.space.id).delete()

    async def revoked_by_another_process(self) -> None:
        await AccessToken.filter(account_id=self.carla.id).update(revoked_at=datetime.now(UTC))


@pytest.fixture
async def room(any_db: str, tmp_path: Path) -> AsyncIterator[Room]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        owner = await create_member(settings, "amina")
        carla = await create_member(settings, "carla")
        space = await create_space(settings, "casefile", private=True, owner=owner)
        await join_space(space, carla)
        document, _ = await add_document(
            settings, owner, space, Upload(data=b"Draft:", filename="brief.txt")
        )
        owner_token, _ = await issue_token(owner, "read write follow")
        carla_token, _ = await issue_token(carla, "read write follow")
        yield Room(
            client=application.test_client(),
            space=space,
            carla=carla,
            live=f"/api/v1/spaces/{space.id}/documents/{document.id}/live",
            owner_token=owner_token,
            carla_token=carla_token,
        )


class Editor:
    """A client's own Yjs document; each insert is sent as the update it produced."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.doc = Doc()
        self.text = self.doc.get("content", type=Text)

    async def insert(self, chunk: str) -> None:
        before = self.doc.get_state()
        self.text.insert(len(self.text), chunk)
        await self.ws.send(sync_message(SYNC_UPDATE, self.doc.get_update(before)))


def _is_update(frame: bytes) -> bool:
    message = parse_message(frame)
    return message.kind == MESSAGE_SYNC and message.sub == SYNC_UPDATE


async def _frames(ws: Any, limit: float) -> tuple[list[bytes], int | None]:
    """Every frame within `limit` seconds, and the close code if the socket closed."""
    frames: list[bytes] = []
    deadline = time.monotonic() + limit
    while (left := deadline - time.monotonic()) > 0:
        try:
            frames.append(await asyncio.wait_for(ws.receive(), left))
        except TimeoutError:
            return frames, None
        except WebsocketDisconnectError as closed:
            return frames, closed.args[0]
    return frames, None


CHANGES: dict[str, tuple[Callable[[Room], Awaitable[None]], int]] = {
    "removed by a moderator": (Room.remove_carla, 4403),
    "left the space": (Room.carla_leaves, 4403),
    "removed by another process": (Room.removed_by_another_process, 4403),
    "token revoked by another process": (Room.revoked_by_another_process, 4401),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
async def test_a_member_who_loses_access_gets_no_further_frame(room: Room, change: str) -> None:
    act, code = CHANGES[change]
    async with (
        room.client.websocket(room.live, query_string={"access_token": room.owner_token}) as a,
        room.client.websocket(room.live, query_string={"access_token": room.carla_token}) as c,
    ):
        amina = Editor(a)
        await _frames(a, 0.2)  # the server's state vector
        await _frames(c, 0.2)
        # The control: while carla is a member, amina's edit reaches her.
        await amina.insert(" before")
        frames, closed = await _frames(c, 0.5)
        assert closed is None and any(_is_update(f) for f in frames)

        started = time.monotonic()
        await act(room)
        await amina.insert(" SECRET")  # sent right after the change
        frames, closed = await _frames(c, LIMIT)
        elapsed = time.monotonic() - started
        assert not any(_is_update(f) for f in frames), "an edit reached her after the change"
        assert closed == code, f"still open {elapsed:.2f}s after the change"
        # The room carries on for those still in it.
        await amina.insert(" after")
        _, closed_a = await _frames(a, 0.3)
        assert closed_a is None
