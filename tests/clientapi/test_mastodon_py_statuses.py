"""Mastodon.py, the real client library, against a live `baraza serve`: statuses, timelines,
notifications, and a post from a second instance arriving in the home timeline."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from mastodon import Mastodon

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures
from tests.e2e.peek import c2s, eventually, scalar


def client(instance, member: str) -> Mastodon:
    return Mastodon(
        access_token=instance.token(member),
        api_base_url=instance.base_url,
        version_check_mode="none",
    )


def post_and_page(api: Mastodon) -> tuple[list[str], list[str]]:
    posted = [api.status_post(f"report number {i}")["id"] for i in range(45)]
    first = api.timeline_home(limit=40)
    second = api.fetch_next(first)
    seen = [str(s["id"]) for s in first] + [str(s["id"]) for s in second or []]
    return [str(p) for p in posted], seen


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_mastodon_py_posts_pages_interacts_and_federates(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    for name in ("amina", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    amina = await asyncio.to_thread(client, a, "amina")
    carla = await asyncio.to_thread(client, a, "carla")
    bruno = await asyncio.to_thread(client, b, "bruno")

    # 45 statuses, read back newest-first over two pages with fetch_next.
    posted, seen = await asyncio.to_thread(post_and_page, amina)
    assert seen == list(reversed(posted))

    # carla favourites and boosts one; amina is notified of both.
    target = posted[-1]
    fav = await asyncio.to_thread(carla.status_favourite, target)
    assert fav["favourited"] is True
    boost = await asyncio.to_thread(carla.status_reblog, target)
    assert str(boost["reblog"]["id"]) == target
    notes = await asyncio.to_thread(amina.notifications)
    assert sorted(n["type"] for n in notes) == ["favourite", "reblog"]
    assert all(str(n["status"]["id"]) == target for n in notes)

    # amina deletes it: it is gone from her timeline.
    deleted = await asyncio.to_thread(amina.status_delete, target)
    assert deleted["text"] == "report number 44"
    home = await asyncio.to_thread(amina.timeline_home, limit=5)
    assert target not in [str(s["id"]) for s in home]

    # amina follows bruno on the other instance; his post arrives in her home timeline.
    async with aiohttp.ClientSession() as http:
        token = await asyncio.to_thread(a.token, "amina")
        await c2s(
            http, a, "amina", token, {"type": "Follow", "object": f"{b.base_url}/users/bruno"}
        )

    async def accepted() -> bool:
        return bool(
            await scalar(
                a,
                "SELECT f.accepted FROM follows f JOIN actors t ON t.id = f.target_id "
                "WHERE t.uri = ?",
                f"{b.base_url}/users/bruno",
            )
        )

    await eventually(accepted, "bruno's instance accepts amina's follow")
    their = await asyncio.to_thread(bruno.status_post, "greetings from the partner NGO")

    async def arrived() -> bool:
        home = await asyncio.to_thread(amina.timeline_home, limit=5)
        return any(s["uri"] == their["uri"] for s in home)

    await eventually(arrived, "bruno's post in amina's home timeline", limit=30)
    public = await asyncio.to_thread(amina.timeline_public, remote=True)
    assert [s["uri"] for s in public] == [their["uri"]]
