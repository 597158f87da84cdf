"""Hashtags: the tag entity, following a tag, and followed tags feeding the home timeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from baraza.settings import Settings
from storage.models import FollowedTag
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """These tests run on SQLite and, when configured, PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def _post(client: Any, auth: dict, text: str, **extra: Any) -> dict:
    response = await client.post("/api/v1/statuses", headers=auth, json={"status": text, **extra})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def test_tag_entity_counts_public_uses_only(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, bruno_auth = await member_with_token(settings, "bruno")
    await _post(client, auth, "first #Justice")
    await _post(client, bruno_auth, "second #justice")
    await _post(client, bruno_auth, "third #justice")
    await _post(client, auth, "quiet #justice", visibility="private")
    await _post(client, auth, "justicewords without a tag")  # the word is no hashtag
    response = await client.get("/api/v1/tags/Justice")
    assert response.status_code == 200
    tag = await response.get_json()
    assert tag["name"] == "justice"
    assert tag["url"] == "https://testserver.example/tags/justice"
    assert "following" not in tag  # no member asked
    today = tag["history"][0]
    assert (today["uses"], today["accounts"]) == ("3", "2")
    assert len(tag["history"]) == 7
    mine = await (await client.get("/api/v1/tags/justice", headers=auth)).get_json()
    assert mine["following"] is False
    assert (await client.get("/api/v1/tags/2026")).status_code == 404


async def test_follow_a_tag_and_its_posts_reach_home(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, bruno_auth = await member_with_token(settings, "bruno")
    before = await _post(client, bruno_auth, "a stranger on #Clinic")
    response = await client.post("/api/v1/tags/%23Clinic/follow", headers=auth)
    assert response.status_code == 200
    assert (await response.get_json())["following"] is True
    await client.post("/api/v1/tags/clinic/follow", headers=auth)  # twice: one row
    assert await FollowedTag.filter(actor=amina).count() == 1
    listed = await (await client.get("/api/v1/followed_tags", headers=auth)).get_json()
    assert [(t["name"], t["following"]) for t in listed] == [("clinic", True)]
    tagged = await _post(client, bruno_auth, "open day at the #clinic")
    untagged = await _post(client, bruno_auth, "clinic without a tag")
    hidden = await _post(client, bruno_auth, "#clinic friends only", visibility="private")
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    ids = [s["id"] for s in home]
    assert ids == [tagged["id"], before["id"]]
    assert untagged["id"] not in ids and hidden["id"] not in ids
    response = await client.post("/api/v1/tags/clinic/unfollow", headers=auth)
    assert (await response.get_json())["following"] is False
    assert await (await client.get("/api/v1/timelines/home", headers=auth)).get_json() == []
    assert await (await client.get("/api/v1/followed_tags", headers=auth)).get_json() == []


async def test_tag_routes_need_the_right_scopes(client, settings) -> None:
    _, reader = await member_with_token(settings, "amina", "read")
    assert (await client.post("/api/v1/tags/clinic/follow", headers=reader)).status_code == 403
    assert (await client.get("/api/v1/followed_tags")).status_code == 401
    assert (await client.post("/api/v1/tags/x y/follow", headers=reader)).status_code == 403
    _, writer = await member_with_token(settings, "bruno", "write:follows")
    assert (await client.post("/api/v1/tags/x%20y/follow", headers=writer)).status_code == 404


async def test_followed_tags_reach_the_user_stream(client, settings) -> None:
    import asyncio
    import json

    from clientapi.tokens import issue_token
    from outbox import actions

    amina, _ = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    token, _ = await issue_token(bruno, "read write follow")
    await client.post("/api/v1/tags/clinic/follow", headers=bruno_auth)
    async with client.websocket(
        "/api/v1/streaming", query_string={"stream": "user", "access_token": token}
    ) as ws:
        await asyncio.sleep(0.2)
        tag = [{"type": "Hashtag", "name": "#clinic", "href": "https://x/tags/clinic"}]
        await actions.create_post(settings, amina, "<p>untagged</p>")
        await actions.create_post(
            settings, amina, "<p>quiet #clinic</p>", tags=tag, visibility="private"
        )
        await actions.create_post(settings, amina, "<p>open #clinic</p>", tags=tag)
        frame = json.loads(await asyncio.wait_for(ws.receive(), 5))
        assert frame["event"] == "update"
        assert "open" in json.loads(frame["payload"])["content"]
        try:
            extra = json.loads(await asyncio.wait_for(ws.receive(), 0.5))
        except TimeoutError:
            extra = None
        assert extra is None, extra
