"""HTTP streaming: framing, and the same authentication as every endpoint."""

from __future__ import annotations

import orjson

from clientapi.streaming.streaming import event
from clientapi.streaming.streaming_sse import sse_frame


def test_sse_frame_carries_the_event_and_its_json_payload() -> None:
    frame = sse_frame(event(["user"], "update", {"id": "1", "content": "<p>hi</p>"}))
    name, data = frame.decode().strip().split("\n")
    assert name == "event: update"
    assert orjson.loads(data.removeprefix("data: ")) == {"id": "1", "content": "<p>hi</p>"}
    assert frame.endswith(b"\n\n")


async def test_sse_needs_a_token_and_a_known_stream(app, client, settings) -> None:
    from actors.accounts import create_member
    from clientapi.tokens import issue_token

    assert (await client.get("/api/v1/streaming/user")).status_code == 401
    member = await create_member(settings, "listener")
    token, _ = await issue_token(member, "write")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/streaming/user", headers=headers)).status_code == 403
    token, _ = await issue_token(member, "read")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/streaming/nonsense", headers=headers)).status_code == 422
    assert (await client.get("/api/v1/streaming/hashtag", headers=headers)).status_code == 422
