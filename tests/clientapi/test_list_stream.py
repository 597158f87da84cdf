"""The `list` stream (WebSocket, by query and by subscribe message, and SSE) carries what the
list timeline shows, only to the list's owner; `hide` filters keep a status off a stream,
`warn` ones mark it. Runs on SQLite and PostgreSQL."""

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
from clientapi.streaming.streaming import PostFacts, Subscription, matching_streams
from clientapi.streaming.streaming import parse_subscription as parse
from clientapi.tokens import issue_token
from outbox import actions, graph
from storage.models import Actor
from tests.conftest import make_settings

WAIT = 5.0


def test_list_subscriptions_and_their_matches() -> None:
    assert parse("list", list_id="12") == Subscription("list", "12")
    assert parse("list") is None
    assert parse("list", list_id="12a") is None
    assert Subscription("list", "12").label() == ["list", "12"]
    facts = PostFacts(True, "public", frozenset(), False, False, frozenset({"12"}))
    subs = frozenset({Subscription("list", "12"), Subscription("list", "13")})
    assert matching_streams(subs, facts) == [["list", "12"]]


@dataclass
class Scene:
    client: Any
    settings: Settings
    amina: Actor
    bilal: Actor
    carla: Actor
    auth: dict[str, str]
    token: str
    list_id: str


@pytest.fixture
async def scene(any_db: str, tmp_path: Path) -> AsyncIterator[Scene]:
    from baraza.app import create_app

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        amina = await create_member(settings, "amina")
        bilal = await create_member(settings, "bilal")
        carla = await create_member(settings, "carla")
        for target in (amina, carla):
            await graph.follow(settings, bilal, target)
        token, _ = await issue_token(bilal, "read write follow")
        auth = {"Authorization": f"Bearer {token}"}
        client = application.test_client()
        made = await (
            await client.post("/api/v1/lists", headers=auth, json={"title": "court"})
        ).get_json()
        await client.post(
            f"/api/v1/lists/{made['id']}/accounts",
            headers=auth,
            json={"account_ids": [str(amina.id)]},
        )
        yield Scene(client, settings, amina, bilal, carla, auth, token, made["id"])


async def _frames(ws: Any, seconds: float = 0.5) -> list[dict]:
    frames = []
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.receive(), seconds)))
        except TimeoutError:
            return frames


async def test_list_stream_carries_its_members_posts(scene: Scene) -> None:
    async with scene.client.websocket(
        "/api/v1/streaming",
        query_string={"stream": "list", "list": scene.list_id, "access_token": scene.token},
    ) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        await asyncio.sleep(0.2)
        post = await actions.create_post(scene.settings, scene.amina, "<p>hearing at ten</p>")
        other = await actions.create_post(scene.settings, scene.carla, "<p>not in the list</p>")
        frames = await _frames(ws)
    seen = sorted((f["stream"], json.loads(f["payload"])["id"]) for f in frames)
    assert seen == sorted(
        [
            (["list", scene.list_id], str(post.id)),
            (["user"], str(post.id)),
            (["user"], str(other.id)),
        ]
    )

    # Once the list is exclusive, amina's posts leave the user stream and stay on the list's.
    await scene.client.put(
        f"/api/v1/lists/{scene.list_id}", headers=scene.auth, json={"exclusive": True}
    )
    async with scene.client.websocket(
        "/api/v1/streaming",
        query_string={"stream": "list", "list": scene.list_id, "access_token": scene.token},
    ) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "user"}))
        await asyncio.sleep(0.2)
        post = await actions.create_post(scene.settings, scene.amina, "<p>ruling</p>")
        frames = await _frames(ws)
    assert [(f["stream"], json.loads(f["payload"])["id"]) for f in frames] == [
        (["list", scene.list_id], str(post.id))
    ]


async def test_list_stream_by_subscribe_message_and_filters(scene: Scene) -> None:
    await scene.client.post(
        "/api/v2/filters",
        headers=scene.auth,
        json={
            "title": "no budget",
            "context": ["home"],
            "filter_action": "hide",
            "keywords_attributes": [{"keyword": "budget"}],
        },
    )
    await scene.client.post(
        "/api/v2/filters",
        headers=scene.auth,
        json={
            "title": "weather",
            "context": ["home"],
            "keywords_attributes": [{"keyword": "weather"}],
        },
    )
    async with scene.client.websocket(
        "/api/v1/streaming", query_string={"access_token": scene.token}
    ) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": scene.list_id}))
        await asyncio.sleep(0.2)
        await actions.create_post(scene.settings, scene.amina, "<p>the budget</p>")
        warned = await actions.create_post(scene.settings, scene.amina, "<p>the weather</p>")
        frames = await _frames(ws)
    assert [json.loads(f["payload"])["id"] for f in frames] == [str(warned.id)]
    (result,) = json.loads(frames[0]["payload"])["filtered"]
    assert result["filter"]["title"] == "weather"


async def test_someone_elses_list_is_an_unknown_stream(scene: Scene) -> None:
    token, _ = await issue_token(scene.carla, "read")
    async with scene.client.websocket(
        "/api/v1/streaming",
        query_string={"stream": "list", "list": scene.list_id, "access_token": token},
    ) as ws:
        await ws.send(json.dumps({"type": "subscribe", "stream": "list", "list": scene.list_id}))
        await asyncio.sleep(0.2)
        await actions.create_post(scene.settings, scene.amina, "<p>x</p>")
        frames = await _frames(ws)
    assert [f.get("status") for f in frames] == [400, 400]
    assert all("error" in f for f in frames)
    sse = await scene.client.get(
        f"/api/v1/streaming/list?list={scene.list_id}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert sse.status_code == 422


async def test_filter_changes_reach_the_owners_user_stream(scene: Scene) -> None:
    other, _ = await issue_token(scene.carla, "read")
    async with (
        scene.client.websocket(
            "/api/v1/streaming", query_string={"stream": "user", "access_token": scene.token}
        ) as ws,
        scene.client.websocket(
            "/api/v1/streaming", query_string={"stream": "user", "access_token": other}
        ) as theirs,
    ):
        await asyncio.sleep(0.2)
        made = await scene.client.post(
            "/api/v2/filters", headers=scene.auth, json={"title": "x", "context": ["home"]}
        )
        filter_id = (await made.get_json())["id"]
        await scene.client.post(
            f"/api/v2/filters/{filter_id}/keywords", headers=scene.auth, json={"keyword": "y"}
        )
        frames = await _frames(ws)
        assert await _frames(theirs) == []
    assert frames == [{"stream": ["user"], "event": "filters_changed"}] * 2
