"""Two real instances on loopback, real HTTP, real signatures: follow, post, like, boost, undo,
delete, and each instance holds exactly the right state after each step."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.e2e.peek import c2s, eventually, scalar

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def test_two_instances_federate(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    amina_token = await asyncio.to_thread(a.token, "amina")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    amina = f"{a.base_url}/users/amina"
    bruno = f"{b.base_url}/users/bruno"

    async with aiohttp.ClientSession() as http:
        # amina (A) follows bruno (B); B accepts at once.
        await c2s(http, a, "amina", amina_token, {"type": "Follow", "object": bruno})

        async def accepted() -> bool:
            return bool(
                await scalar(
                    a,
                    "SELECT f.accepted FROM follows f JOIN actors t ON t.id = f.target_id "
                    "WHERE t.uri = ?",
                    bruno,
                )
            )

        await eventually(accepted, "A records the Follow as accepted")
        assert (
            await scalar(
                b,
                "SELECT COUNT(*) FROM follows f JOIN actors x ON x.id = f.follower_id "
                "WHERE x.uri = ? AND f.accepted",
                amina,
            )
            == 1
        )

        # bruno posts publicly: A stores it, since a member there follows him.
        created = await c2s(
            http,
            b,
            "bruno",
            bruno_token,
            {
                "type": "Note",
                "content": "<p>Hearing on Tuesday</p>",
                "to": [PUBLIC],
                "cc": [f"{bruno}/followers"],
            },
        )
        bruno_post = created["id"]

        async def a_has_post() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", bruno_post) == 1

        await eventually(a_has_post, "A stores bruno's post")
        assert (
            await scalar(a, "SELECT content FROM posts WHERE uri = ?", bruno_post)
            == "<p>Hearing on Tuesday</p>"
        )
        assert await scalar(a, "SELECT visibility FROM posts WHERE uri = ?", bruno_post) == "public"

        # amina posts, mentioning nobody; bruno fetched it? No: bruno likes it by id, and B
        # needs the post: amina's followers-less public post reaches B when bruno follows her.
        await c2s(http, b, "bruno", bruno_token, {"type": "Follow", "object": amina})

        async def b_follows_a() -> bool:
            return bool(
                await scalar(
                    b,
                    "SELECT f.accepted FROM follows f JOIN actors t ON t.id = f.target_id "
                    "WHERE t.uri = ?",
                    amina,
                )
            )

        await eventually(b_follows_a, "B's follow of amina accepted")
        amina_post = (
            await c2s(
                http,
                a,
                "amina",
                amina_token,
                {
                    "type": "Note",
                    "content": "<p>Brief filed</p>",
                    "to": [PUBLIC],
                    "cc": [f"{amina}/followers"],
                },
            )
        )["id"]

        async def b_has_amina_post() -> bool:
            return await scalar(b, "SELECT COUNT(*) FROM posts WHERE uri = ?", amina_post) == 1

        await eventually(b_has_amina_post, "B stores amina's post")

        like_sql = (
            "SELECT COUNT(*) FROM likes l JOIN posts p ON p.id = l.post_id "
            "JOIN actors x ON x.id = l.actor_id WHERE p.uri = ? AND x.uri = ?"
        )
        boost_sql = like_sql.replace("likes", "announces")

        await c2s(http, b, "bruno", bruno_token, {"type": "Like", "object": amina_post})

        async def liked() -> bool:
            return await scalar(a, like_sql, amina_post, bruno) == 1

        await eventually(liked, "A records bruno's like")

        await c2s(http, b, "bruno", bruno_token, {"type": "Announce", "object": amina_post})

        async def boosted() -> bool:
            return await scalar(a, boost_sql, amina_post, bruno) == 1

        await eventually(boosted, "A records bruno's boost")

        await c2s(
            http,
            b,
            "bruno",
            bruno_token,
            {"type": "Undo", "object": {"type": "Like", "object": amina_post}},
        )

        async def unliked() -> bool:
            return await scalar(a, like_sql, amina_post, bruno) == 0

        await eventually(unliked, "A removes the like after Undo")
        assert await scalar(a, boost_sql, amina_post, bruno) == 1

        await c2s(
            http,
            b,
            "bruno",
            bruno_token,
            {"type": "Undo", "object": {"type": "Announce", "object": amina_post}},
        )

        async def unboosted() -> bool:
            return await scalar(a, boost_sql, amina_post, bruno) == 0

        await eventually(unboosted, "A removes the boost after Undo")

        await c2s(http, b, "bruno", bruno_token, {"type": "Delete", "object": bruno_post})

        async def deleted() -> bool:
            return await scalar(
                a, "SELECT deleted_at IS NOT NULL FROM posts WHERE uri = ?", bruno_post
            ) in (1, True)

        await eventually(deleted, "A tombstones bruno's deleted post")
        assert await scalar(a, "SELECT content FROM posts WHERE uri = ?", bruno_post) == ""

        # The deleted post is a Tombstone (410) on its home server.
        async with http.get(bruno_post, headers={"Accept": "application/activity+json"}) as r:
            assert r.status == 410
            assert (await r.json(content_type=None))["type"] == "Tombstone"

        # bruno unfollows amina: A removes the follow.
        await c2s(
            http,
            b,
            "bruno",
            bruno_token,
            {"type": "Undo", "object": {"type": "Follow", "object": amina}},
        )

        async def unfollowed() -> bool:
            return (
                await scalar(
                    a,
                    "SELECT COUNT(*) FROM follows f JOIN actors x ON x.id = f.follower_id "
                    "WHERE x.uri = ?",
                    bruno,
                )
                == 0
            )

        await eventually(unfollowed, "A removes bruno's follow after Undo")
        # Nothing failed along the way, on either side.
        for instance in (a, b):
            assert (
                await scalar(instance, "SELECT COUNT(*) FROM activities WHERE state = 'failed'")
                == 0
            ), instance.log()
