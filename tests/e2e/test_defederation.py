"""Three real instances on loopback: A suspends C with the CLI and nothing crosses the cut,
while B keeps federating; A silences C; A in allowlist mode refuses B."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from tests.e2e.instance import Instance
from tests.e2e.peek import c2s, eventually, query, scalar

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOW_ACCEPTED = (
    "SELECT f.accepted FROM follows f JOIN actors x ON x.id = f.follower_id "
    "JOIN actors t ON t.id = f.target_id WHERE x.uri = ? AND t.uri = ?"
)


def _db_time(instance: Instance, when: datetime) -> Any:
    """A timestamp as each engine's driver takes it (tortoise stores ISO text on SQLite)."""
    if instance.database_url.startswith("sqlite://"):
        return when.isoformat(sep=" ")
    return when


async def _follow(
    http: aiohttp.ClientSession,
    follower_at: Instance,
    name: str,
    token: str,
    target: Instance,
    target_uri: str,
) -> None:
    follower_uri = f"{follower_at.base_url}/users/{name}"
    await c2s(http, follower_at, name, token, {"type": "Follow", "object": target_uri})

    async def accepted() -> bool:
        return bool(await scalar(follower_at, FOLLOW_ACCEPTED, follower_uri, target_uri)) and bool(
            await scalar(target, FOLLOW_ACCEPTED, follower_uri, target_uri)
        )

    await eventually(accepted, f"{name} follows {target_uri}")


async def _queue_delivery(a: Instance, host: str, inbox: str, when: datetime) -> int:
    """Insert a delivery row on A to `inbox`, as a fan-out would have; returns its id."""
    await query(
        a,
        "INSERT INTO deliveries (activity_id, signer_id, inbox_url, host, state, attempts, "
        "next_try_at, last_error, created_at) SELECT activity_id, signer_id, ?, ?, 'queued', 0, "
        "?, '', created_at FROM deliveries ORDER BY id LIMIT 1",
        inbox,
        host,
        _db_time(a, when),
    )
    return await scalar(a, "SELECT MAX(id) FROM deliveries")


async def test_suspending_a_domain_cuts_it_off_and_spares_others(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    c = await make_instance("127.0.0.4")
    for instance, name in ((a, "amina"), (b, "bruno"), (c, "chidi")):
        await asyncio.to_thread(instance.cli, "member", "add", name)
    amina_token = await asyncio.to_thread(a.token, "amina")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    chidi_token = await asyncio.to_thread(c.token, "chidi")
    amina = f"{a.base_url}/users/amina"
    chidi = f"{c.base_url}/users/chidi"

    async with aiohttp.ClientSession() as http:
        await _follow(http, b, "bruno", bruno_token, a, amina)
        await _follow(http, c, "chidi", chidi_token, a, amina)
        await _follow(http, a, "amina", amina_token, c, chidi)
        chidi_post = (
            await c2s(
                http,
                c,
                "chidi",
                chidi_token,
                {
                    "type": "Note",
                    "content": "<p>hello</p>",
                    "to": [PUBLIC],
                    "cc": [f"{chidi}/followers"],
                },
            )
        )["id"]

        async def a_has_chidi_post() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", chidi_post) == 1

        await eventually(a_has_chidi_post, "A caches chidi's post")

        # A delivery to C queued before the block (due later, so no worker races the test).
        later = datetime.now(UTC) + timedelta(hours=1)
        queued = await _queue_delivery(a, c.domain, f"{c.base_url}/inbox", later)

        result = await asyncio.to_thread(
            a.cli, "domain", "block", "127.0.0.4", "--severity", "suspend", "--reason", "abuse"
        )
        assert "blocked 127.0.0.4" in result.stdout

        # The queued delivery is cancelled, and one queued after the block (due now) is
        # cancelled by the running worker, which reads the policy from the database.
        assert await scalar(a, "SELECT state FROM deliveries WHERE id = ?", queued) == "cancelled"
        due = await _queue_delivery(a, c.domain, f"{c.base_url}/inbox", datetime.now(UTC))

        async def worker_cancelled() -> bool:
            return await scalar(a, "SELECT state FROM deliveries WHERE id = ?", due) == "cancelled"

        await eventually(worker_cancelled, "A's worker cancels a delivery to a suspended domain")

        # Follows both ways and C's cached actor and post are gone from A.
        assert await scalar(a, "SELECT COUNT(*) FROM actors WHERE uri = ?", chidi) == 0
        assert await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", chidi_post) == 0
        assert (
            await scalar(
                a,
                "SELECT COUNT(*) FROM follows f JOIN actors t ON t.id = f.target_id "
                "WHERE t.uri = ?",
                amina,
            )
            == 1
        ), "only bruno still follows amina"

        # C's signed activities are refused with 403 before anything is stored.
        await c2s(
            http,
            c,
            "chidi",
            chidi_token,
            {"type": "Note", "content": "<p>are you there?</p>", "to": [amina]},
        )

        async def c_refused() -> bool:
            rows = await query(
                c,
                "SELECT state, last_status FROM deliveries WHERE host = ? ORDER BY id DESC LIMIT 1",
                a.domain,
            )
            return bool(rows) and rows[0] == ("failed", 403)

        await eventually(c_refused, "C's delivery to A is refused with 403")
        assert await scalar(a, "SELECT COUNT(*) FROM actors WHERE uri = ?", chidi) == 0

        # amina posts: B gets it, C does not (no delivery row to C is even created).
        c_posts_before = await scalar(c, "SELECT COUNT(*) FROM posts")
        amina_post = (
            await c2s(
                http,
                a,
                "amina",
                amina_token,
                {
                    "type": "Note",
                    "content": "<p>after the block</p>",
                    "to": [PUBLIC],
                    "cc": [f"{amina}/followers"],
                },
            )
        )["id"]

        async def b_has_it() -> bool:
            return await scalar(b, "SELECT COUNT(*) FROM posts WHERE uri = ?", amina_post) == 1

        await eventually(b_has_it, "B still receives A's posts")
        sent_to_c = await scalar(
            a, "SELECT COUNT(*) FROM deliveries WHERE host = ? AND state <> 'cancelled'", c.domain
        )
        pre_block = await scalar(
            a, "SELECT COUNT(*) FROM deliveries WHERE host = ? AND state = 'delivered'", c.domain
        )
        assert sent_to_c == pre_block, "nothing new was queued or sent to C"
        assert await scalar(c, "SELECT COUNT(*) FROM posts WHERE uri = ?", amina_post) == 0
        assert await scalar(c, "SELECT COUNT(*) FROM posts") == c_posts_before

        # Unblock: a new follow from C works.
        await asyncio.to_thread(a.cli, "domain", "unblock", "127.0.0.4")
        await c2s(
            http,
            c,
            "chidi",
            chidi_token,
            {"type": "Undo", "object": {"type": "Follow", "object": amina}},
        )
        await _follow(http, c, "chidi", chidi_token, a, amina)

        audit = (await asyncio.to_thread(a.cli, "audit")).stdout
        assert "domain_block.create\t127.0.0.4\tabuse" in audit
        assert "domain_block.delete\t127.0.0.4" in audit


async def test_silenced_domain_stays_out_of_public_timeline(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    c = await make_instance("127.0.0.4")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(c.cli, "member", "add", "chidi")
    amina_token = await asyncio.to_thread(a.token, "amina")
    chidi_token = await asyncio.to_thread(c.token, "chidi")
    chidi = f"{c.base_url}/users/chidi"
    await asyncio.to_thread(a.cli, "domain", "block", "127.0.0.4", "--severity", "silence")

    async with aiohttp.ClientSession() as http:
        # Silence accepts the domain's activities: amina can follow chidi.
        await _follow(http, a, "amina", amina_token, c, chidi)
        post = (
            await c2s(
                http,
                c,
                "chidi",
                chidi_token,
                {
                    "type": "Note",
                    "content": "<p>silenced words</p>",
                    "to": [PUBLIC],
                    "cc": [f"{chidi}/followers"],
                },
            )
        )["id"]

        async def stored() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", post) == 1

        await eventually(stored, "A stores the silenced author's post for amina")
        post_id = str(await scalar(a, "SELECT id FROM posts WHERE uri = ?", post))
        auth = {"Authorization": f"Bearer {amina_token}"}
        async with http.get(f"{a.base_url}/api/v1/timelines/public", headers=auth) as r:
            if r.status == 404:
                import pytest

                pytest.skip("the public timeline endpoint is not built yet")
            assert r.status == 200
            assert post_id not in [s["id"] for s in await r.json()]
        async with http.get(f"{a.base_url}/api/v1/timelines/home", headers=auth) as r:
            assert r.status == 200
            assert post_id in [s["id"] for s in await r.json()]

        # The test would prove nothing if remote posts never reached the public timeline.
        await asyncio.to_thread(a.cli, "domain", "unblock", "127.0.0.4")
        async with http.get(f"{a.base_url}/api/v1/timelines/public", headers=auth) as r:
            assert post_id in [s["id"] for s in await r.json()]


async def test_allowlist_mode_refuses_unlisted_domains(make_instance) -> None:
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    bruno_token = await asyncio.to_thread(b.token, "bruno")
    amina = f"{a.base_url}/users/amina"
    await asyncio.to_thread(a.cli, "domain", "allow", "127.0.0.9")
    await asyncio.to_thread(a.cli, "federation", "mode", "allowlist")

    async with aiohttp.ClientSession() as http:
        await c2s(http, b, "bruno", bruno_token, {"type": "Follow", "object": amina})

        async def refused() -> bool:
            rows = await query(
                b, "SELECT state, last_status FROM deliveries WHERE host = ?", a.domain
            )
            return bool(rows) and rows[-1] == ("failed", 403)

        await eventually(refused, "A refuses B's Follow with 403 in allowlist mode")
        assert await scalar(a, "SELECT COUNT(*) FROM follows") == 0

        # Listing B lets it in.
        await asyncio.to_thread(a.cli, "domain", "allow", "127.0.0.3")
        await c2s(
            http,
            b,
            "bruno",
            bruno_token,
            {"type": "Undo", "object": {"type": "Follow", "object": amina}},
        )
        await _follow(http, b, "bruno", bruno_token, a, amina)
