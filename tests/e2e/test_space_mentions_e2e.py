"""Posting into spaces by mention from a real Mastodon client (Mastodon.py), against live
`baraza serve` processes: into a public and a private space, and from a member on a second
instance into a public space, which announces the post (FEP-1b12). The right people, and only
they, read each post: members, the author's followers, outsiders and logged-out readers."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from mastodon import Mastodon, MastodonNotFoundError

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures
from tests.e2e.peek import c2s, eventually, scalar

SECRET = "casefile-canary-e2e-5d81"
ANNOUNCED_SQL = (
    "SELECT COUNT(*) FROM announces n JOIN actors x ON x.id = n.actor_id "
    "JOIN posts p ON p.id = n.post_id WHERE x.uri = ? AND p.uri = ?"
)


def client(instance, member: str | None) -> Mastodon:
    """A Mastodon.py client for a member, or logged out (no token at all) for None."""
    token = instance.token(member) if member else None
    return Mastodon(access_token=token, api_base_url=instance.base_url, version_check_mode="none")


def home_boosts(api: Mastodon) -> dict[str, str]:
    """In a home timeline: the boosted status id -> who boosted it."""
    return {
        str(s["reblog"]["id"]): s["account"]["acct"] for s in api.timeline_home() if s["reblog"]
    }


def home_ids(api: Mastodon) -> set[str]:
    return {str(s["id"]) for s in api.timeline_home()}


def public_ids(api: Mastodon) -> set[str]:
    return {str(s["id"]) for s in api.timeline_public()}


def visible(api: Mastodon, status_id: str) -> bool:
    try:
        return str(api.status(status_id)["id"]) == status_id
    except MastodonNotFoundError:
        return False


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_mastodon_py_posts_into_spaces_by_mention(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    for name in ("amina", "carla", "dario", "eve"):
        await asyncio.to_thread(a.cli, "member", "add", name)
    await asyncio.to_thread(a.cli, "space", "add", "climate", "--public", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    for space in ("climate", "casefile"):
        await asyncio.to_thread(a.cli, "space", "join", space, "carla")
    amina, carla, dario, eve, anonymous = [
        await asyncio.to_thread(client, a, who) for who in ("amina", "carla", "dario", "eve", None)
    ]
    # dario follows carla (he is in neither space); eve is a stranger to all of it.
    await asyncio.to_thread(dario.account_follow, carla.account_verify_credentials()["id"])

    public = await asyncio.to_thread(carla.status_post, "@climate the hearing moved to Friday")
    private = await asyncio.to_thread(carla.status_post, f"@casefile {SECRET}", visibility="public")
    public_id, private_id = str(public["id"]), str(private["id"])
    assert public["visibility"] == "public"
    assert private["visibility"] == "private", "never more visible than the private space"

    # Members: both posts, as the spaces' boosts in amina's home.
    boosts = await asyncio.to_thread(home_boosts, amina)
    assert boosts == {public_id: "climate", private_id: "casefile"}
    assert await asyncio.to_thread(visible, amina, private_id)
    # carla's follower: her public post in his home; the private one nowhere.
    assert public_id in await asyncio.to_thread(home_ids, dario)
    assert private_id not in await asyncio.to_thread(home_ids, dario)
    # Outsiders and logged-out readers: the public space's post on the public timeline and
    # by id; the private space's post is missing everywhere.
    for reader in (dario, eve, anonymous):
        assert await asyncio.to_thread(visible, reader, public_id)
        assert not await asyncio.to_thread(visible, reader, private_id)
        shown = await asyncio.to_thread(public_ids, reader)
        assert public_id in shown and private_id not in shown
    for reader in (eve,):
        assert private_id not in await asyncio.to_thread(home_ids, reader)
    space_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "climate")
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{a.base_url}/api/v1/spaces/{space_id}/timeline") as response,
    ):
        assert response.status == 200
        assert [str(s["id"]) for s in await response.json()] == [public_id]

    # A reply to the private post stays in the private space, whatever the app asked.
    reply = await asyncio.to_thread(
        amina.status_post, "noted", in_reply_to_id=private_id, visibility="public"
    )
    assert reply["visibility"] == "private"
    assert not await asyncio.to_thread(visible, eve, str(reply["id"]))
    assert str(reply["id"]) in await asyncio.to_thread(home_boosts, carla)


async def test_a_remote_member_posts_into_a_public_space_by_mention(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(a.cli, "space", "add", "climate", "--public", "--owner", "amina")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    space = f"{a.base_url}/spaces/climate"
    bruno_token = await asyncio.to_thread(b.token, "bruno")
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

        await eventually(joined, "B records bruno's membership of the space as accepted")

    bruno = await asyncio.to_thread(client, b, "bruno")
    posted = await asyncio.to_thread(
        bruno.status_post, f"@climate@{a.domain} greetings from the partner NGO"
    )
    uri = posted["uri"]
    assert [m["acct"] for m in posted["mentions"]] == [f"climate@{a.domain}"]
    # B addressed it to the group (FEP-1b12's audience), and A announces it to the space.
    assert await scalar(b, "SELECT audience FROM posts WHERE uri = ?", uri) == space

    async def announced() -> bool:
        return await scalar(a, ANNOUNCED_SQL, space, uri) == 1

    await eventually(announced, "A stores bruno's post in the space and announces it")
    space_id = await scalar(a, "SELECT id FROM actors WHERE uri = ?", space)
    assert await scalar(a, "SELECT space_id FROM posts WHERE uri = ?", uri) == space_id

    # amina, a member on A, reads it in her home as the space's boost.
    amina = await asyncio.to_thread(client, a, "amina")

    async def in_amina_home() -> bool:
        boosts = await asyncio.to_thread(home_boosts, amina)
        return "climate" in boosts.values()

    await eventually(in_amina_home, "amina's home shows the space's boost of bruno's post")
    for instance in (a, b):
        failed = "SELECT COUNT(*) FROM activities WHERE state = 'failed'"
        assert await scalar(instance, failed) == 0, instance.log()
