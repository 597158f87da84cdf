"""Issue 16: every stream type apps subscribe to, deletes included, on both transports.

`delete` events reach the streams the post had reached (the visibility check is asked as of
before the delete); the `direct` stream carries conversations; `user:notification` carries
notifications only; an unknown stream answers an error for that subscription alone and the
connection keeps its other streams. Each runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.streaming.streaming import (
    PostFacts,
    Subscription,
    matching_streams,
    parse_subscription,
)
from clientapi.tokens import issue_token
from outbox import actions, graph
from storage.models import Actor
from tests.conftest import make_settings

WAIT = 5.0


def _facts(visibility: str = "public", *, local: bool = True, home: bool = False,
           addressed: bool = False, tags: frozenset[str] = frozenset()) -> PostFacts:  # fmt: skip
    return PostFacts(local, visibility, tags, home, addressed)


@pytest.mark.parametrize(
    ("stream", "facts", "expected", "why"),
    [
        ("direct", _facts("direct", addressed=True), [["direct"]], "a DM to the viewer"),
        ("direct", _facts("direct", addressed=False), [], "someone else's DM"),
        ("direct", _facts("public", addressed=True), [], "a public mention is no DM"),
        ("public", _facts("direct", addressed=True), [], "a DM never goes public"),
        ("user:notification", _facts("public", home=True), [], "posts are not notifications"),
        ("user", _facts("public", home=True), [["user"]], "home posts reach the user stream"),
    ],
)
def test_which_streams_a_post_goes_to(
    stream: str, facts: PostFacts, expected: list[list[str]], why: str
) -> None:
    subs = frozenset({Subscription(stream)})
    assert matching_streams(subs, facts) == expected, why


def test_direct_is_a_stream_and_nonsense_is_not() -> None:
    assert parse_subscription("direct") == Subscription("direct")
    assert parse_subscription("timeline:everything") is None


@dataclass
class Scene:
    client: Any
    settings: Settings
    amina: Actor
    bilal: Actor
    bilal_token: str


@pytest.fixture
async def scene(any_db: str, tmp_path: Path) -> AsyncIterator[Scene]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        amina = await create_member(settings, "amina")
        bilal = await create_member(settings, "bilal")
        await graph.follow(settings, bilal, amina)
        token, _ = await issue_token(bilal, "read write follow")
        yield Scene(application.test_client(), settings, amina, bilal, token)


async def _listening() -> None:
    """The test client's socket opens before the handler subscribes: give it a moment."""
    await asyncio.sleep(0.2)


async def _frames(ws: Any, count: int) -> list[dict]:
    return [json.loads(await asyncio.wait_for(ws.receive(), WAIT)) for _ in range(count)]


async def _quiet(ws: Any, seconds: float = 0.3) -> list[dict]:
    frames = []
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.receive(), seconds)))
        except TimeoutError:
            return frames


async def test_a_deleted_post_leaves_every_stream_it_reached(scene: Scene) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"stream": "user", "access_token": scene.bilal_token}
    ) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "public:local"}))
        await _listening()
        post = await actions.create_post(scene.settings, scene.amina, "<p>draft ruling</p>")
        updates = await _frames(ws, 2)
        assert sorted(tuple(f["stream"]) for f in updates) == [("public:local",), ("user",)]
        assert {f["event"] for f in updates} == {"update"}
        await actions.delete_post(scene.settings, scene.amina, post)
        deletes = await _frames(ws, 2)
    assert sorted(tuple(f["stream"]) for f in deletes) == [("public:local",), ("user",)]
    assert {(f["event"], f["payload"]) for f in deletes} == {("delete", str(post.id))}


async def test_a_delete_reaches_no_one_who_could_not_see_the_post(scene: Scene) -> None:
    carla = await create_member(scene.settings, "carla")
    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"stream": "direct", "access_token": scene.bilal_token}
    ) as ws:
        await _listening()
        secret = await actions.create_post(
            scene.settings, scene.amina, "<p>to carla</p>", visibility="direct", mentions=[carla]
        )
        await actions.delete_post(scene.settings, scene.amina, secret)
        assert await _quiet(ws) == []


async def test_direct_stream_carries_the_conversation_then_its_delete(scene: Scene) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"stream": "direct", "access_token": scene.bilal_token}
    ) as ws:
        await _listening()
        await actions.create_post(scene.settings, scene.amina, "<p>public, not for direct</p>")
        dm = await actions.create_post(
            scene.settings,
            scene.amina,
            "<p>meet at the court</p>",
            visibility="direct",
            mentions=[scene.bilal],
        )
        (frame,) = await _frames(ws, 1)
        assert frame["stream"] == ["direct"] and frame["event"] == "conversation"
        conversation = json.loads(frame["payload"])
        assert conversation["last_status"]["id"] == str(dm.id)
        assert conversation["unread"] is True
        assert [a["acct"] for a in conversation["accounts"]] == ["amina"]
        listed = await scene.client.get(
            "/api/v1/conversations", headers={"Authorization": f"Bearer {scene.bilal_token}"}
        )
        assert [c["id"] for c in await listed.get_json()] == [conversation["id"]]
        await actions.delete_post(scene.settings, scene.amina, dm)
        (gone,) = await _frames(ws, 1)
    assert gone == {"stream": ["direct"], "event": "delete", "payload": str(dm.id)}


async def test_user_notification_stream_carries_notifications_only(scene: Scene) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming",
        query_string={"stream": "user:notification", "access_token": scene.bilal_token},
    ) as ws:
        await _listening()
        await actions.create_post(scene.settings, scene.amina, "<p>no mention</p>")
        await actions.create_post(
            scene.settings, scene.amina, "<p>hello @bilal</p>", mentions=[scene.bilal]
        )
        frames = await _quiet(ws, 1.0)
    assert [(f["stream"], f["event"]) for f in frames] == [(["user:notification"], "notification")]
    assert json.loads(frames[0]["payload"])["type"] == "mention"


async def test_unknown_stream_fails_alone_and_the_others_go_on(scene: Scene) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming",
        query_string={"stream": "no-such-stream", "access_token": scene.bilal_token},
    ) as ws:
        (refused,) = await _frames(ws, 1)
        assert refused["status"] == 400 and "Unknown stream type" in refused["error"]
        await ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        await ws.send(json.dumps({"type": "subscribe", "stream": "list:nonsense"}))
        (second,) = await _frames(ws, 1)
        assert second["status"] == 400
        await _listening()
        await actions.create_post(scene.settings, scene.amina, "<p>still streaming</p>")
        (update,) = await _frames(ws, 1)
    assert update["stream"] == ["user"] and update["event"] == "update"


async def test_sse_direct_stream_and_its_deletes(scene: Scene) -> None:
    headers = {"Authorization": f"Bearer {scene.bilal_token}"}
    async with scene.client.request("/api/v1/streaming/direct", headers=headers) as connection:
        await connection.send_complete()
        assert (await asyncio.wait_for(connection.receive(), WAIT)).startswith(b":)")
        dm = await actions.create_post(
            scene.settings, scene.amina, "<p>sse</p>", visibility="direct", mentions=[scene.bilal]
        )
        body = b""
        while b"event: conversation" not in body:
            body += await asyncio.wait_for(connection.receive(), WAIT)
        await actions.delete_post(scene.settings, scene.amina, dm)
        while b"event: delete" not in body:
            body += await asyncio.wait_for(connection.receive(), WAIT)
        await connection.disconnect()
    assert f"event: delete\ndata: {dm.id}\n\n".encode() in body


async def test_a_remote_delete_leaves_the_streams_too(scene: Scene) -> None:
    """An inbound Delete (a remote author) surfaces as a local delete does."""
    from inbox import processor
    from storage.models import Follow
    from tests.inbox.signed import body_of, remote_peer

    rita = await remote_peer()
    await Follow.create(follower=scene.bilal, target=rita.actor, accepted=True)  # hears of her
    note = {
        "id": "https://remote.example/notes/7",
        "type": "Note",
        "attributedTo": rita.uri,
        "content": "<p>remote ruling</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [],
    }
    context = "https://www.w3.org/ns/activitystreams"

    async def deliver(doc: dict) -> None:
        body = body_of({"@context": context, "actor": rita.uri, **doc})
        answer = await scene.client.post(
            "/inbox", data=body, headers=rita.signed_headers("/inbox", body)
        )
        assert answer.status_code == 202, await answer.get_data()
        await processor.drain()

    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"stream": "public", "access_token": scene.bilal_token}
    ) as ws:
        await _listening()
        await deliver({"id": "https://remote.example/c/7", "type": "Create", "object": note})
        (update,) = await _frames(ws, 1)
        post_id = json.loads(update["payload"])["id"]
        await deliver(
            {
                "id": "https://remote.example/d/7",
                "type": "Delete",
                "object": {"id": note["id"], "type": "Tombstone"},
            }
        )
        (gone,) = await _frames(ws, 1)
    assert gone == {"stream": ["public"], "event": "delete", "payload": post_id}
