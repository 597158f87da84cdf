"""Mastodon.py, the real client library, against a live `baraza serve`: lists and the list
timeline, filters v2 applied to the home timeline, `notify=true` follows and their `status`
notifications, grouped notifications, the unread count and the notification policy."""

from __future__ import annotations

import asyncio

import pytest
from mastodon import Mastodon

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures


def client(instance, member: str) -> Mastodon:
    return Mastodon(
        access_token=instance.token(member),
        api_base_url=instance.base_url,
        version_check_mode="none",
    )


def scenario(amina: Mastodon, bruno: Mastodon, carla: Mastodon) -> None:
    bruno_id = bruno.me()["id"]
    carla_id = carla.me()["id"]
    relation = amina.account_follow(bruno_id, notify=True)
    assert relation["following"] and relation["notifying"]
    amina.account_follow(carla_id)

    court = amina.list_create("Court", replies_policy="none", exclusive=True)
    amina.list_accounts_add(court, [bruno_id])
    assert [a["id"] for a in amina.list_accounts(court)] == [bruno_id]
    assert [x["id"] for x in amina.account_lists(bruno_id)] == [court["id"]]
    renamed = amina.list_update(court, "Courts", replies_policy="list", exclusive=True)
    assert renamed["title"] == "Courts" and renamed["replies_policy"] == "list"

    amina.create_filter_v2(
        "No budget", ["home"], "hide", keywords_attributes=[{"keyword": "budget"}]
    )
    warn = amina.create_filter_v2(
        "Weather",
        ["home"],
        "warn",
        keywords_attributes=[{"keyword": "weather", "whole_word": True}],
    )
    assert [f["title"] for f in amina.filters_v2()] == ["No budget", "Weather"]

    hearing = bruno.status_post("The hearing moved to ten")
    budget = carla.status_post("The budget debate")
    weather = carla.status_post("Weather alert for the march")
    plain = carla.status_post("Nothing to see")

    listed = [s["id"] for s in amina.timeline_list(court)]
    assert listed == [hearing["id"]]
    home = amina.timeline_home()
    ids = [s["id"] for s in home]
    assert hearing["id"] not in ids  # bruno is read in his exclusive list
    assert budget["id"] not in ids  # hidden by the filter
    assert ids[:2] == [plain["id"], weather["id"]]
    assert [r["filter"]["id"] for r in home[1]["filtered"]] == [warn["id"]]

    statuses = amina.notifications(types=["status"])
    assert [n["status"]["id"] for n in statuses] == [hearing["id"]]

    mine = amina.status_post("Statement on the ruling")
    bruno.status_favourite(mine)
    carla.status_favourite(mine)
    grouped = amina.grouped_notifications(grouped_types=["favourite", "follow", "reblog"])
    favourites = [g for g in grouped["notification_groups"] if g["type"] == "favourite"]
    assert len(favourites) == 1 and favourites[0]["notifications_count"] == 2
    assert sorted(favourites[0]["sample_account_ids"]) == sorted([bruno_id, carla_id])
    assert amina.notifications_unread_count()["count"] >= 3

    policy = amina.notifications_policy()
    assert policy["for_private_mentions"] == "filter"
    assert amina.notification_requests() == []


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_mastodon_py_lists_filters_and_notifications(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    for name in ("amina", "bruno", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    apis = [await asyncio.to_thread(client, a, n) for n in ("amina", "bruno", "carla")]
    await asyncio.to_thread(scenario, *apis)
