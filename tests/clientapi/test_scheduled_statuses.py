"""Scheduled statuses: kept until their time, then published by the worker as any post is."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from actors.documents import iso
from baraza.settings import Settings
from outbox import scheduled
from storage.models import Activity, MediaAttachment, Post, ScheduledStatus
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """These tests run on SQLite and, when configured, PostgreSQL."""
    return make_settings(any_db, tmp_path)


def _at(delta: timedelta) -> str:
    return iso(datetime.now(UTC) + delta) or ""


async def _schedule(client: Any, auth: dict, **body: Any) -> Any:
    return await client.post("/api/v1/statuses", headers=auth, json=body)


async def test_a_scheduled_status_waits_then_is_published(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    await member_with_token(settings, "bruno")
    when = _at(timedelta(hours=2))
    response = await _schedule(
        client, auth, status="@bruno hearing at #court", visibility="unlisted", scheduled_at=when
    )
    assert response.status_code == 200, await response.get_json()
    entity = await response.get_json()
    assert entity["scheduled_at"] == when
    assert entity["params"]["text"] == "@bruno hearing at #court"
    assert entity["params"]["visibility"] == "unlisted"
    assert entity["media_attachments"] == []
    assert await Post.all().count() == 0  # nothing published, nothing delivered
    assert await Activity.all().count() == 0
    listed = await (await client.get("/api/v1/scheduled_statuses", headers=auth)).get_json()
    assert [s["id"] for s in listed] == [entity["id"]]
    shown = await client.get(f"/api/v1/scheduled_statuses/{entity['id']}", headers=auth)
    assert (await shown.get_json()) == entity

    assert await scheduled.publish_due(settings) == []  # not yet
    made = await scheduled.publish_due(settings, datetime.now(UTC) + timedelta(hours=3))
    assert len(made) == 1
    post = await Post.get(id=made[0].id)
    assert post.actor_id == amina.id and post.visibility == "unlisted"
    assert "#court" in post.content or "court" in post.content
    assert any(t.get("type") == "Mention" for t in post.tags)
    assert await Activity.filter(type="Create").count() == 1
    assert await ScheduledStatus.all().count() == 0
    assert await scheduled.publish_due(settings, datetime.now(UTC) + timedelta(hours=3)) == []
    statuses = await (
        await client.get(f"/api/v1/accounts/{amina.id}/statuses", headers=auth)
    ).get_json()
    assert [s["id"] for s in statuses] == [str(post.id)]


async def test_too_soon_or_unparseable_is_422_and_keeps_nothing(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    for when in (_at(timedelta(minutes=4)), _at(-timedelta(days=1)), "tomorrow", "2030-13-01"):
        response = await _schedule(client, auth, status="x", scheduled_at=when)
        assert response.status_code == 422, when
        assert "error" in await response.get_json()
    blank = await _schedule(client, auth, status="", scheduled_at=_at(timedelta(hours=1)))
    assert blank.status_code == 422  # checked as a post made now
    assert await ScheduledStatus.all().count() == 0


async def test_reschedule_and_cancel_only_ones_own(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, bruno = await member_with_token(settings, "bruno")
    entity = await (
        await _schedule(client, auth, status="later", scheduled_at=_at(timedelta(hours=1)))
    ).get_json()
    path = f"/api/v1/scheduled_statuses/{entity['id']}"
    assert (await client.get(path, headers=bruno)).status_code == 404
    assert (
        await client.put(path, headers=bruno, json={"scheduled_at": _at(timedelta(days=1))})
    ).status_code == 404
    assert (await client.delete(path, headers=bruno)).status_code == 404
    later = _at(timedelta(days=2))
    moved = await client.put(path, headers=auth, json={"scheduled_at": later})
    assert (await moved.get_json())["scheduled_at"] == later
    too_soon = await client.put(
        path, headers=auth, json={"scheduled_at": _at(timedelta(minutes=1))}
    )
    assert too_soon.status_code == 422
    assert (await client.delete(path, headers=auth)).status_code == 200
    assert (await client.get(path, headers=auth)).status_code == 404
    assert await ScheduledStatus.all().count() == 0
    assert (await client.get("/api/v1/scheduled_statuses/x", headers=auth)).status_code == 404


async def test_media_and_poll_wait_with_the_post(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    media = await MediaAttachment.create(
        id=12345, owner=amina, sha256="a" * 64, content_type="image/png", size=10
    )
    entity = await (
        await _schedule(
            client,
            auth,
            status="look",
            media_ids=[str(media.id)],
            scheduled_at=_at(timedelta(hours=1)),
        )
    ).get_json()
    assert entity["params"]["media_ids"] == [str(media.id)]
    taken = await client.post(
        "/api/v1/statuses", headers=auth, json={"status": "now", "media_ids": [str(media.id)]}
    )
    assert taken.status_code == 422  # held by the scheduled post until it is published
    assert [m["id"] for m in entity["media_attachments"]] == [str(media.id)]
    poll = await (
        await _schedule(
            client,
            auth,
            status="which?",
            poll={"options": ["a", "b"], "expires_in": 3600},
            scheduled_at=_at(timedelta(days=1)),
        )
    ).get_json()
    assert poll["params"]["poll"]["options"] == ["a", "b"]
    later = datetime.now(UTC) + timedelta(days=2)
    made = await scheduled.publish_due(settings, later)
    assert len(made) == 2
    with_media = next(p for p in made if p.poll is None)
    assert (await MediaAttachment.get(id=media.id)).post_id == with_media.id
    with_poll = next(p for p in made if p.poll is not None)
    ends = datetime.fromisoformat(with_poll.poll["expires_at"].replace("Z", "+00:00"))
    assert timedelta(minutes=59) < ends - later < timedelta(minutes=61)  # counted from publication


async def test_a_post_that_cannot_be_made_any_more_is_dropped(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    parent = await (
        await client.post("/api/v1/statuses", headers=auth, json={"status": "p"})
    ).get_json()
    await _schedule(
        client,
        auth,
        status="reply",
        in_reply_to_id=parent["id"],
        scheduled_at=_at(timedelta(hours=1)),
    )
    await _schedule(client, auth, status="fine", scheduled_at=_at(timedelta(hours=1)))
    await client.delete(f"/api/v1/statuses/{parent['id']}", headers=auth)
    made = await scheduled.publish_due(settings, datetime.now(UTC) + timedelta(hours=2))
    assert [p.content for p in made] == ["<p>fine</p>"]
    assert await ScheduledStatus.all().count() == 0


async def test_the_worker_loop_publishes_what_is_due(client, settings, monkeypatch) -> None:
    _, auth = await member_with_token(settings, "amina")
    entity = await (
        await _schedule(client, auth, status="on time", scheduled_at=_at(timedelta(hours=1)))
    ).get_json()
    await ScheduledStatus.filter(id=int(entity["id"])).update(
        scheduled_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    monkeypatch.setattr(scheduled, "CHECK_SECONDS", 0.05)
    stop = asyncio.Event()
    loop = asyncio.create_task(scheduled.run_schedule(settings, stop))
    for _ in range(100):
        if await Post.exists(content="<p>on time</p>"):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(loop, timeout=5)
    assert await Post.filter(content="<p>on time</p>").count() == 1


async def test_at_most_fifty_a_day(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    day = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    await ScheduledStatus.bulk_create(
        [
            ScheduledStatus(id=1000 + i, actor=amina, scheduled_at=day, params={}, media_ids=[])
            for i in range(50)
        ]
    )
    refused = await _schedule(client, auth, status="one more", scheduled_at=iso(day))
    assert refused.status_code == 422
    assert "50" in (await refused.get_json())["error"]
    other_day = await _schedule(
        client, auth, status="another day", scheduled_at=iso(day + timedelta(days=1))
    )
    assert other_day.status_code == 200
    moved = await client.put(
        f"/api/v1/scheduled_statuses/{(await other_day.get_json())['id']}",
        headers=auth,
        json={"scheduled_at": iso(day + timedelta(hours=1))},
    )
    assert moved.status_code == 422
