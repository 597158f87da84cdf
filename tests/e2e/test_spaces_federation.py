"""A public space federates as a FEP-1b12 group: a remote member joins, receives the space's
Announces, posts to the space, and sees a moderator's removal."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.e2e.peek import c2s, eventually, scalar

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"

ANNOUNCED_SQL = (
    "SELECT COUNT(*) FROM announces n JOIN actors x ON x.id = n.actor_id "
    "JOIN posts p ON p.id = n.post_id WHERE x.uri = ? AND p.uri = ?"
)


async def test_public_space_federates_as_group(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    for name in ("amina", "carla"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "rights", "--public", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "rights", "carla")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    amina_token = await asyncio.to_thread(a.token, "amina")
    carla_token = await asyncio.to_thread(a.token, "carla")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    space = f"{a.base_url}/spaces/rights"
    bruno = f"{b.base_url}/users/bruno"

    async with aiohttp.ClientSession() as http:
        await c2s(http, b, "bruno", bruno_token, {"type": "Follow", "object": space})

        async def joined() -> bool:
            return bool(
                await scalar(
                    b,
                    "SELECT f.accepted FROM follows f JOIN actors t ON t.id = f.target_id "
                    "WHERE t.uri = ?",
                    space,
                )
            )

        await eventually(joined, "B records bruno's membership as accepted")

        carla_post = (
            await c2s(
                http,
                a,
                "carla",
                carla_token,
                {
                    "type": "Note",
                    "content": "<p>Hearing moved</p>",
                    "to": [PUBLIC, space],
                },
            )
        )["id"]

        async def b_has_announce() -> bool:
            return await scalar(b, ANNOUNCED_SQL, space, carla_post) == 1

        await eventually(b_has_announce, "B receives the space's Announce of carla's post")

        bruno_post = (
            await c2s(
                http,
                b,
                "bruno",
                bruno_token,
                {
                    "type": "Note",
                    "content": "<p>From the partner NGO</p>",
                    "to": [PUBLIC, space],
                },
            )
        )["id"]

        async def a_relays() -> bool:
            return await scalar(a, ANNOUNCED_SQL, space, bruno_post) == 1

        await eventually(a_relays, "A stores bruno's post in the space and announces it")
        space_id = await scalar(a, "SELECT id FROM actors WHERE uri = ?", space)
        assert await scalar(a, "SELECT space_id FROM posts WHERE uri = ?", bruno_post) == space_id
        async with http.get(
            f"{a.base_url}/api/v1/spaces/{space_id}/timeline",
            headers={"Authorization": f"Bearer {carla_token}"},
        ) as response:
            uris = {s["uri"] for s in await response.json()}
        assert {carla_post, bruno_post} <= uris

        post_id = await scalar(a, "SELECT id FROM posts WHERE uri = ?", carla_post)
        async with http.post(
            f"{a.base_url}/api/v1/spaces/{space_id}/statuses/{post_id}/remove",
            headers={"Authorization": f"Bearer {amina_token}"},
        ) as response:
            assert response.status == 200, await response.text()

        async def b_sees_removal() -> bool:
            return await scalar(b, ANNOUNCED_SQL, space, carla_post) == 0

        await eventually(b_sees_removal, "B drops the space's Announce after the removal")
        assert await scalar(a, "SELECT space_id FROM posts WHERE uri = ?", carla_post) is None
        for instance in (a, b):
            assert (
                await scalar(instance, "SELECT COUNT(*) FROM activities WHERE state = 'failed'")
                == 0
            ), instance.log()
    assert bruno
