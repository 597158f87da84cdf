"""Direct conversations: one per member per thread, unread state, read and removal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from baraza.settings import Settings
from storage.models import Conversation
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


async def _conversations(client: Any, auth: dict, query: str = "") -> list[dict]:
    response = await client.get(f"/api/v1/conversations{query}", headers=auth)
    assert response.status_code == 200
    return await response.get_json()


async def test_a_direct_thread_is_one_conversation_for_each_participant(client, settings) -> None:
    _, amina = await member_with_token(settings, "amina")
    _, bruno = await member_with_token(settings, "bruno")
    _, carla = await member_with_token(settings, "carla")
    first = await _post(client, amina, "@bruno @carla a private word", visibility="direct")
    mine = await _conversations(client, amina)
    assert len(mine) == 1
    assert mine[0]["unread"] is False  # the author wrote it
    assert sorted(a["username"] for a in mine[0]["accounts"]) == ["bruno", "carla"]
    assert mine[0]["last_status"]["id"] == first["id"]
    his = await _conversations(client, bruno)
    assert his[0]["unread"] is True
    assert sorted(a["username"] for a in his[0]["accounts"]) == ["amina", "carla"]
    reply = await _post(
        client, bruno, "@amina @carla answered", visibility="direct", in_reply_to_id=first["id"]
    )
    mine = await _conversations(client, amina)
    assert len(mine) == 1 and mine[0]["unread"] is True
    assert mine[0]["last_status"]["id"] == reply["id"]
    # Not direct, not a conversation.
    await _post(client, amina, "@bruno in public")
    assert len(await _conversations(client, bruno)) == 1

    read = await client.post(f"/api/v1/conversations/{mine[0]['id']}/read", headers=amina)
    assert read.status_code == 200 and (await read.get_json())["unread"] is False
    assert (await _conversations(client, amina))[0]["unread"] is False
    # Someone else's conversation id is not found.
    theirs = await client.post(f"/api/v1/conversations/{mine[0]['id']}/read", headers=carla)
    assert theirs.status_code == 404
    gone = await client.delete(f"/api/v1/conversations/{mine[0]['id']}", headers=amina)
    assert gone.status_code == 200
    assert await _conversations(client, amina) == []
    assert len(await _conversations(client, carla)) == 1
    # A new post in the thread brings it back.
    await _post(client, carla, "@amina still here", visibility="direct", in_reply_to_id=reply["id"])
    back = await _conversations(client, amina)
    assert len(back) == 1 and back[0]["unread"] is True
    assert [a["username"] for a in back[0]["accounts"]] == ["carla"]


async def test_conversations_page_by_last_status(client, settings) -> None:
    _, amina = await member_with_token(settings, "amina")
    _, bruno = await member_with_token(settings, "bruno")
    posts = [
        await _post(client, amina, f"@bruno thread {i}", visibility="direct") for i in range(3)
    ]
    page = await client.get("/api/v1/conversations?limit=2", headers=bruno)
    body = await page.get_json()
    assert [c["last_status"]["id"] for c in body] == [posts[2]["id"], posts[1]["id"]]
    assert f"max_id={posts[1]['id']}" in page.headers["Link"]
    rest = await _conversations(client, bruno, f"?max_id={posts[1]['id']}")
    assert [c["last_status"]["id"] for c in rest] == [posts[0]["id"]]
    assert await Conversation.all().count() == 6
    assert (await client.get("/api/v1/conversations")).status_code == 401
    _, reader = await member_with_token(settings, "carla", "read")
    assert (await client.delete("/api/v1/conversations/1", headers=reader)).status_code == 403
