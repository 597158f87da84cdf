"""Notifications v2 through the client API: grouped favourites, the unread count against the
marker, the policy holding back a stranger's private mention in a request until accepted,
`status` notifications for followers who asked, and `poll` notifications when a poll ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from baraza.settings import Settings
from outbox import graph
from outbox.actions import create_post
from outbox.interactions import like
from outbox.poll_endings import announce_ended_polls
from outbox.polls import new_poll
from outbox.votes import vote
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """Every test here on SQLite and, when configured, on PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def test_grouped_notifications_and_unread_count(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    fans = [(await member_with_token(settings, f"fan{i}"))[0] for i in range(3)]
    post = await create_post(settings, amina, "<p>hello</p>")
    for fan in fans:
        await graph.follow(settings, fan, amina)
        await like(settings, fan, post)
    body = await (await client.get("/api/v2/notifications", headers=auth)).get_json()
    groups = {g["type"]: g for g in body["notification_groups"]}
    favs = groups["favourite"]
    assert favs["notifications_count"] == 3
    assert favs["status_id"] == str(post.id)
    assert favs["group_key"].startswith(f"favourite-{post.id}-")
    assert sorted(favs["sample_account_ids"]) == sorted(str(f.id) for f in fans)
    assert groups["follow"]["notifications_count"] == 3
    assert [s["id"] for s in body["statuses"]] == [str(post.id)]
    assert sorted(a["id"] for a in body["accounts"]) == sorted(str(f.id) for f in fans)

    # Not grouped on request: six single groups, `ungrouped-{id}`.
    flat = await (
        await client.get("/api/v2/notifications?grouped_types[]=mention", headers=auth)
    ).get_json()
    assert len(flat["notification_groups"]) == 6
    assert all(g["group_key"].startswith("ungrouped-") for g in flat["notification_groups"])

    # Mastodon.py's default: the newest account of each group in full, the others partial.
    partial = await (
        await client.get("/api/v2/notifications?expand_accounts=partial_avatars", headers=auth)
    ).get_json()
    full_ids = {a["id"] for a in partial["accounts"]}
    partial_ids = {a["id"] for a in partial["partial_accounts"]}
    assert full_ids | partial_ids == {str(f.id) for f in fans} and not full_ids & partial_ids
    assert set(partial["partial_accounts"][0]) == {
        "id", "acct", "url", "avatar", "avatar_static", "locked", "bot"
    }  # fmt: skip
    bad = await client.get("/api/v2/notifications?expand_accounts=everything", headers=auth)
    assert bad.status_code == 422

    one = await client.get(f"/api/v2/notifications/{favs['group_key']}", headers=auth)
    assert (await one.get_json())["notification_groups"][0]["notifications_count"] == 3
    who = await client.get(f"/api/v2/notifications/{favs['group_key']}/accounts", headers=auth)
    assert len(await who.get_json()) == 3

    count = await (await client.get("/api/v2/notifications/unread_count", headers=auth)).get_json()
    assert count == {"count": 2}
    v1 = await (await client.get("/api/v1/notifications/unread_count", headers=auth)).get_json()
    assert v1 == {"count": 6}
    newest = favs["most_recent_notification_id"]
    await client.post(
        "/api/v1/markers", headers=auth, json={"notifications": {"last_read_id": newest}}
    )
    count = await (await client.get("/api/v2/notifications/unread_count", headers=auth)).get_json()
    assert count["count"] < 2

    dismissed = await client.post(
        f"/api/v2/notifications/{favs['group_key']}/dismiss", headers=auth
    )
    assert dismissed.status_code == 200
    body = await (await client.get("/api/v2/notifications", headers=auth)).get_json()
    assert [g["type"] for g in body["notification_groups"]] == ["follow"]
    assert (await client.get("/api/v2/notifications/ungrouped-1", headers=auth)).status_code == 404


async def test_policy_holds_a_strangers_private_mention_until_accepted(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    policy = await (await client.get("/api/v2/notifications/policy", headers=auth)).get_json()
    assert policy["for_private_mentions"] == "filter"
    assert policy["for_not_following"] == "accept"
    dm = await create_post(settings, bruno, "<p>psst</p>", visibility="direct", mentions=[amina])
    assert await (await client.get("/api/v1/notifications", headers=auth)).get_json() == []
    requests = await (await client.get("/api/v1/notifications/requests", headers=auth)).get_json()
    assert len(requests) == 1
    assert requests[0]["account"]["id"] == str(bruno.id)
    assert requests[0]["notifications_count"] == "1"
    assert requests[0]["last_status"]["id"] == str(dm.id)
    held = await (
        await client.get("/api/v1/notifications?include_filtered=true", headers=auth)
    ).get_json()
    assert [n["type"] for n in held] == ["mention"]
    summary = (await (await client.get("/api/v2/notifications/policy", headers=auth)).get_json())[
        "summary"
    ]
    assert summary == {"pending_requests_count": 1, "pending_notifications_count": 1}

    accepted = await client.post(
        f"/api/v1/notifications/requests/{requests[0]['id']}/accept", headers=auth
    )
    assert accepted.status_code == 200
    shown = await (await client.get("/api/v1/notifications", headers=auth)).get_json()
    assert [n["status"]["id"] for n in shown] == [str(dm.id)]
    # Accepted: the next one from bruno passes at once.
    await create_post(settings, bruno, "<p>again</p>", visibility="direct", mentions=[amina])
    assert len(await (await client.get("/api/v1/notifications", headers=auth)).get_json()) == 2

    # Dropping everything from strangers: nothing is kept, no request either.
    changed = await client.patch(
        "/api/v2/notifications/policy", headers=auth, json={"for_not_following": "drop"}
    )
    assert (await changed.get_json())["for_not_following"] == "drop"
    carla, _ = await member_with_token(settings, "carla")
    await graph.follow(settings, carla, amina)
    assert len(await (await client.get("/api/v1/notifications", headers=auth)).get_json()) == 2
    bad = await client.patch(
        "/api/v2/notifications/policy", headers=auth, json={"for_new_accounts": "maybe"}
    )
    assert bad.status_code == 422
    v1 = await (await client.get("/api/v1/notifications/policy", headers=auth)).get_json()
    assert v1["filter_not_following"] is True and v1["filter_new_accounts"] is False


async def test_dismissing_a_request_drops_its_notifications(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    await create_post(settings, bruno, "<p>psst</p>", visibility="direct", mentions=[amina])
    (request,) = await (await client.get("/api/v1/notifications/requests", headers=auth)).get_json()
    assert (
        await client.post(f"/api/v1/notifications/requests/{request['id']}/dismiss", headers=auth)
    ).status_code == 200
    assert await (await client.get("/api/v1/notifications/requests", headers=auth)).get_json() == []
    held = await client.get("/api/v1/notifications?include_filtered=true", headers=auth)
    assert await held.get_json() == []
    _, other = await member_with_token(settings, "carla")
    assert (
        await client.get(f"/api/v1/notifications/requests/{request['id']}", headers=other)
    ).status_code == 404


async def test_status_notifications_for_subscribers_only(client, settings) -> None:
    _amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    carla, carla_auth = await member_with_token(settings, "carla")
    await client.post(f"/api/v1/accounts/{bruno.id}/follow", headers=auth, json={"notify": True})
    await graph.follow(settings, carla, bruno)
    post = await create_post(settings, bruno, "<p>news</p>")
    other = await create_post(settings, carla, "<p>x</p>")
    await create_post(settings, bruno, "<p>a reply</p>", in_reply_to=other)
    mine = await (await client.get("/api/v1/notifications?types[]=status", headers=auth)).get_json()
    assert [n["status"]["id"] for n in mine] == [str(post.id)]
    theirs = await (
        await client.get("/api/v1/notifications?types[]=status", headers=carla_auth)
    ).get_json()
    assert theirs == []


async def test_poll_notifications_when_the_worker_sees_it_ended(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    _carla, carla_auth = await member_with_token(settings, "carla")
    poll = new_poll(["yes", "no"], 300, False, False, datetime.now(UTC))
    post = await create_post(settings, amina, "<p>vote</p>", poll=poll)
    await vote(settings, bruno, post, [0])
    assert await announce_ended_polls() == []  # not yet over
    later = datetime.now(UTC) + timedelta(seconds=301)
    assert [p.id for p in await announce_ended_polls(later)] == [post.id]
    assert await announce_ended_polls(later) == []  # once only
    for headers, expected in ((auth, 1), (bruno_auth, 1), (carla_auth, 0)):
        got = await (
            await client.get("/api/v1/notifications?types[]=poll", headers=headers)
        ).get_json()
        assert len(got) == expected
        assert all(n["status"]["id"] == str(post.id) for n in got)


async def test_open_polls_do_not_hide_an_ended_one(client, settings, monkeypatch) -> None:
    from outbox import poll_endings

    monkeypatch.setattr(poll_endings, "BATCH", 1)  # one poll per batch: the scan must go on
    amina, _ = await member_with_token(settings, "amina")
    now = datetime.now(UTC)
    await create_post(
        settings, amina, "<p>long</p>", poll=new_poll(["a", "b"], 30 * 24 * 3600, False, False, now)
    )
    short = await create_post(
        settings, amina, "<p>short</p>", poll=new_poll(["a", "b"], 300, False, False, now)
    )
    ended = await announce_ended_polls(now + timedelta(seconds=301))
    assert [p.id for p in ended] == [short.id]
