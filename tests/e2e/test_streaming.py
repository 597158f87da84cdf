"""Mastodon's streaming API over a real WebSocket on a live `baraza serve`."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from clientapi.streaming.streaming import (
    PostFacts,
    Subscription,
    matching_streams,
    parse_subscription,
)
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures
from tests.e2e.peek import c2s, scalar

USER, PUBLIC, LOCAL = Subscription("user"), Subscription("public"), Subscription("public:local")
TAG = Subscription("hashtag", "justice")
ALL = frozenset({USER, PUBLIC, LOCAL, TAG})

MATCHING = [
    (PostFacts(True, "public", frozenset({"justice"}), True),
     [["hashtag", "justice"], ["public"], ["public:local"], ["user"]], "own public tagged post"),
    (PostFacts(False, "public", frozenset(), False), [["public"]], "remote public, not followed"),
    (PostFacts(True, "unlisted", frozenset({"justice"}), True), [["user"]], "unlisted: home only"),
    (PostFacts(True, "followers", frozenset(), True), [["user"]], "followers-only: home only"),
    (PostFacts(True, "space", frozenset({"justice"}), True), [["user"]],
     "private space: a member's home, never a public or hashtag stream"),
    (PostFacts(True, "followers", frozenset(), False), [], "not followed, not public"),
]  # fmt: skip


@pytest.mark.parametrize(("facts", "expected", "why"), MATCHING, ids=[m[2] for m in MATCHING])
def test_matching_streams(facts: PostFacts, expected: list[list[str]], why: str) -> None:
    assert matching_streams(ALL, facts) == expected, why


def test_parse_subscription() -> None:
    assert parse_subscription("hashtag", "#Justice") == Subscription("hashtag", "justice")
    assert parse_subscription("hashtag", "") is None
    assert parse_subscription("direct") == Subscription("direct")  # issue 16
    assert parse_subscription("timeline:everything") is None
    assert parse_subscription("public:local", "x") == LOCAL


async def next_event(ws: aiohttp.ClientWebSocketResponse) -> dict:
    message = await ws.receive(timeout=10)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def test_streams_updates_to_subscribers_and_hides_private_space(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    for name in ("amina", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "casefiles", "--private", "--owner", "amina")
    amina = await asyncio.to_thread(a.token, "amina")
    carla = await asyncio.to_thread(a.token, "carla")
    ws_url = a.base_url.replace("http", "ws", 1) + "/api/v1/streaming"

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{a.base_url}/api/v1/streaming/health") as response:
            assert await response.text() == "OK"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(f"{ws_url}?access_token=not-a-token&stream=public")
        assert refused.value.status == 401

        async with (
            http.ws_connect(
                f"{ws_url}?stream=user", headers={"Authorization": f"Bearer {amina}"}
            ) as mine,
            http.ws_connect(f"{ws_url}?access_token={carla}") as theirs,
        ):
            await theirs.send_json({"type": "subscribe", "stream": "public:local"})
            await asyncio.sleep(0.3)
            async with http.post(
                f"{a.base_url}/api/v1/statuses",
                headers={"Authorization": f"Bearer {amina}"},
                json={"status": "hearing at nine"},
            ) as response:
                posted = await response.json()
            for ws, stream in ((mine, ["user"]), (theirs, ["public:local"])):
                message = await next_event(ws)
                assert message["stream"] == stream and message["event"] == "update"
                payload = json.loads(message["payload"])
                assert payload["id"] == posted["id"]
                assert "hearing at nine" in payload["content"]

            # A private-space post (a reply inside the space, posted through the API) reaches
            # the member's own stream, never the public one.
            root = {"type": "Note", "content": "root", "to": [f"{a.base_url}/spaces/casefiles"]}
            await c2s(http, a, "amina", amina, {"type": "Create", "object": root})
            root_id = await scalar(a, "SELECT id FROM posts WHERE content LIKE ?", "%root%")
            space_reply = await api_post(http, a, amina, "CANARY-88", in_reply_to_id=str(root_id))
            # The root, posted through C2S, streams to its author's home first (C2S posts go
            # through the same action and surface as the API's since issue 13).
            message = await next_event(mine)
            assert json.loads(message["payload"])["id"] == str(root_id)
            message = await next_event(mine)
            assert json.loads(message["payload"])["id"] == space_reply["id"]
            after = await api_post(http, a, amina, "after the canary")
            message = await next_event(theirs)
            assert json.loads(message["payload"])["id"] == after["id"]
            assert "CANARY-88" not in json.dumps(message)


async def api_post(http: aiohttp.ClientSession, a, token: str, text: str, **extra: str) -> dict:
    async with http.post(
        f"{a.base_url}/api/v1/statuses",
        headers={"Authorization": f"Bearer {token}"},
        json={"status": text, **extra},
    ) as response:
        body = await response.json()
        assert response.status == 200, body
        return body
