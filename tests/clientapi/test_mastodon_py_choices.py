"""Mastodon.py, the real client library, against a live `baraza serve`: the member's choices.

Mastodon.py checks each call against the server's reported version (`version_check_mode`
"created": a call newer than the server is refused before it is sent), so these calls also
prove the version Baraza reports switches them on. Blocks, mutes and domain blocks; pins and
`pinned=True`; muted threads; statuses, accounts and familiar followers by id; tags; the
instance's rules, description and activity; direct conversations; a scheduled status that the
instance's own worker publishes at its time.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from mastodon import Mastodon

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures
from tests.e2e.peek import eventually, query, scalar


def client(instance, member: str) -> Mastodon:
    return Mastodon(
        access_token=instance.token(member),
        api_base_url=instance.base_url,
        version_check_mode="created",
    )


def graph_calls(amina: Mastodon, bruno: Mastodon, carla: Mastodon) -> None:
    b = amina.account_lookup("bruno")
    c = amina.account_lookup("carla")
    amina.account_block(c)
    assert [a["acct"] for a in amina.blocks()] == ["carla"]
    amina.account_unblock(c)
    amina.account_mute(b)
    assert [a["acct"] for a in amina.mutes()] == ["bruno"]
    amina.account_unmute(b)
    amina.domain_block("spam.example")
    assert amina.domain_blocks() == ["spam.example"]
    amina.domain_unblock("spam.example")
    assert amina.domain_blocks() == []
    # Familiar followers: amina follows carla, who follows bruno.
    amina.account_follow(c)
    carla.account_follow(b)
    familiar = amina.account_familiar_followers([b["id"]])
    assert [a["acct"] for a in familiar[0]["accounts"]] == ["carla"]
    assert [a["acct"] for a in amina.accounts([c["id"], b["id"]])] == ["carla", "bruno"]


def status_calls(amina: Mastodon, bruno: Mastodon) -> None:
    posted = amina.status_post("the hearing is on #Monday")
    pinned = amina.status_pin(posted)
    assert pinned["pinned"] is True
    me = amina.me()
    assert [s["id"] for s in bruno.account_statuses(me, pinned=True)] == [posted["id"]]
    amina.status_unpin(posted)
    assert bruno.account_statuses(me, pinned=True) == []
    assert amina.status_mute(posted)["muted"] is True
    assert amina.status_unmute(posted)["muted"] is False
    other = amina.status_post("second")
    assert [s["id"] for s in bruno.statuses([other["id"], posted["id"]])] == [
        other["id"],
        posted["id"],
    ]
    tag = bruno.tag_follow("monday")
    assert tag["following"] is True
    assert [t["name"] for t in bruno.followed_tags()] == ["monday"]
    assert bruno.tag("Monday")["history"][0]["uses"] == "1"
    assert posted["id"] in [s["id"] for s in bruno.timeline_home()]
    bruno.tag_unfollow("monday")
    assert bruno.followed_tags() == []


def instance_calls(amina: Mastodon) -> None:
    assert [r["text"] for r in amina.instance_rules()] == ["Be kind", "Cite your sources"]
    assert "partner" in amina.instance_extended_description()["content"]
    weeks = amina.instance_activity()
    assert len(weeks) == 12 and int(weeks[0]["registrations"]) == 3


def conversation_calls(amina: Mastodon, bruno: Mastodon) -> None:
    amina.status_post("@bruno between us", visibility="direct")
    threads = bruno.conversations()
    assert len(threads) == 1 and threads[0]["unread"] is True
    assert [a["acct"] for a in threads[0]["accounts"]] == ["amina"]
    assert bruno.conversations_read(threads[0])["unread"] is False


def schedule(amina: Mastodon) -> str:
    when = datetime.now(UTC) + timedelta(minutes=30)
    scheduled = amina.status_post("published later", scheduled_at=when)
    assert amina.scheduled_statuses()[0]["id"] == scheduled["id"]
    moved = amina.scheduled_status_update(scheduled, when + timedelta(hours=1))
    assert moved["scheduled_at"] > scheduled["scheduled_at"]
    gone = amina.status_post("never", scheduled_at=when)
    amina.scheduled_status_delete(gone)
    assert [s["id"] for s in amina.scheduled_statuses()] == [scheduled["id"]]
    return str(scheduled["id"])


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_mastodon_py_member_choices(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    for name in ("amina", "bruno", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "rules", "set", "Be kind", "Cite your sources")
    await asyncio.to_thread(a.cli, "description", "set", "A network of partner NGOs.")
    amina, bruno, carla = [
        await asyncio.to_thread(client, a, name) for name in ("amina", "bruno", "carla")
    ]
    await asyncio.to_thread(graph_calls, amina, bruno, carla)
    await asyncio.to_thread(status_calls, amina, bruno)
    await asyncio.to_thread(instance_calls, amina)
    await asyncio.to_thread(conversation_calls, amina, bruno)

    scheduled_id = await asyncio.to_thread(schedule, amina)
    assert not await scalar(a, "SELECT COUNT(*) FROM posts WHERE content LIKE '%published later%'")
    # Its time comes (moved into the past in the database); the instance's worker publishes it.
    await query(
        a, "UPDATE scheduled_statuses SET scheduled_at = created_at WHERE id = ?", int(scheduled_id)
    )

    async def published() -> bool:
        return bool(
            await scalar(a, "SELECT COUNT(*) FROM posts WHERE content LIKE '%published later%'")
        )

    await eventually(published, "the worker publishes the scheduled status", limit=40)
    statuses = await asyncio.to_thread(amina.account_statuses, await asyncio.to_thread(amina.me))
    assert statuses[0]["content"] == "<p>published later</p>"
    assert await asyncio.to_thread(amina.scheduled_statuses) == []
