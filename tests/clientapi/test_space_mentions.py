"""Posting into a space from any Mastodon app (issue 14): a status that mentions a space its
author may post in goes into it, a reply stays in its parent's space, and members read the
space's posts in their home timelines as the space's boosts. In process, through the API, on
every engine; `tests/e2e/test_space_mentions_e2e.py` drives the same with Mastodon.py."""

from __future__ import annotations

from typing import Any

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from storage.models import Activity, Actor, Announce, Delivery, Follow, Post

SECRET = "casefile-canary-91c2"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def world(any_db: str, tmp_path: Any) -> Any:
    """amina owns both spaces; carla is in both; dario follows carla and is in neither; a
    remote server's rita follows the public space and carla."""
    from baraza.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(any_db, tmp_path)
    app = create_app(settings, manage_database=False)
    async with app.test_app():
        people = {n: await create_member(settings, n) for n in ("amina", "carla", "dario")}
        climate = await create_space(settings, "climate", private=False, owner=people["amina"])
        casefile = await create_space(settings, "casefile", private=True, owner=people["amina"])
        for space in (climate, casefile):
            await join_space(space, people["carla"])
        await Follow.create(follower=people["dario"], target=people["carla"], accepted=True)
        rita = await Actor.create(
            uri="https://remote.example/users/rita",
            type="Person",
            username="rita",
            domain="remote.example",
            inbox_url="https://remote.example/users/rita/inbox",
            key_id="https://remote.example/users/rita#main-key",
            public_key_pem="unused",
        )
        await Follow.create(follower=rita, target=climate, accepted=True)
        await Follow.create(follower=rita, target=people["carla"], accepted=True)
        tokens = {n: (await issue_token(m, "read write follow"))[0] for n, m in people.items()}
        yield app.test_client(), people, {"climate": climate, "casefile": casefile}, tokens


async def post(client: Any, token: str, text: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/statuses", json={"status": text, **extra}, headers=bearer(token)
    )
    assert response.status_code == 200, await response.get_data()
    return await response.get_json()


async def ids(client: Any, path: str, token: str | None = None) -> list[str]:
    response = await client.get(path, headers=bearer(token) if token else {})
    assert response.status_code == 200, (path, await response.get_data())
    return [
        s["id"] if s["reblog"] is None else s["reblog"]["id"] for s in await response.get_json()
    ]


async def test_a_mention_posts_into_a_public_space_which_announces_it(world: Any) -> None:
    client, _people, spaces, tokens = world
    climate = spaces["climate"]
    status = await post(client, tokens["carla"], "@climate the hearing moved to Friday")
    row = await Post.get(id=int(status["id"]))
    assert row.space_id == climate.id and row.visibility == "public"
    assert row.audience == climate.uri  # FEP-1b12: the object names its group
    announce = await Announce.get(actor=climate, post=row)
    assert announce.uri  # a public space's Announce federates ...
    activity = await Activity.get(uri=announce.uri)
    inboxes = set(await Delivery.filter(activity=activity).values_list("inbox_url", flat=True))
    assert inboxes == {"https://remote.example/users/rita/inbox"}  # ... to its followers
    # amina (a member) reads it in her home as the space's boost, as Mastodon shows groups.
    home = await (
        await client.get("/api/v1/timelines/home", headers=bearer(tokens["amina"]))
    ).get_json()
    boost = next(s for s in home if s["reblog"] and s["reblog"]["id"] == status["id"])
    assert boost["account"]["acct"] == "climate" and boost["account"]["group"] is True
    assert boost["visibility"] == "public"
    # In the space's timeline, on the public timelines, to anyone logged out.
    assert status["id"] in await ids(client, f"/api/v1/spaces/{climate.id}/timeline")
    assert status["id"] in await ids(client, "/api/v1/timelines/public")
    # dario follows carla: her post, not the boost.
    home = await (
        await client.get("/api/v1/timelines/home", headers=bearer(tokens["dario"]))
    ).get_json()
    assert [s["id"] for s in home if s["id"] == status["id"]] == [status["id"]]


async def test_a_mention_posts_into_a_private_space_and_keeps_it_there(world: Any) -> None:
    client, people, spaces, tokens = world
    casefile = spaces["casefile"]
    queued = await Delivery.all().count()
    status = await post(client, tokens["carla"], f"@casefile {SECRET}", visibility="public")
    assert status["visibility"] == "private"  # never more visible than the space
    row = await Post.get(id=int(status["id"]))
    assert row.space_id == casefile.id and row.visibility == "space"
    # Nothing leaves the instance: not one delivery, though rita follows carla.
    assert await Delivery.all().count() == queued
    announce = await Announce.get(actor=casefile, post=row)
    assert announce.uri is None  # the members' boost: nothing to dereference or deliver
    # amina (member) sees the space's boost at home; dario (carla's follower) and the public
    # timelines and anonymous readers see nothing of it.
    home = await (
        await client.get("/api/v1/timelines/home", headers=bearer(tokens["amina"]))
    ).get_json()
    boost = next(s for s in home if s["reblog"] and s["reblog"]["id"] == status["id"])
    assert boost["account"]["acct"] == "casefile" and boost["visibility"] == "private"
    for token in (tokens["dario"], None):
        for path in (
            "/api/v1/timelines/public",
            f"/api/v1/accounts/{people['carla'].id}/statuses",
        ):
            response = await client.get(path, headers=bearer(token) if token else {})
            assert SECRET not in (await response.get_data()).decode(), (path, token)
        response = await client.get(
            f"/api/v1/statuses/{status['id']}", headers=bearer(token) if token else {}
        )
        assert response.status_code == 404
    dario_home = await client.get("/api/v1/timelines/home", headers=bearer(tokens["dario"]))
    assert SECRET not in (await dario_home.get_data()).decode()


async def test_a_reply_stays_in_its_parents_space(world: Any) -> None:
    client, _people, spaces, tokens = world
    first = await post(client, tokens["carla"], f"@casefile {SECRET}")
    reply = await post(client, tokens["amina"], "noted", in_reply_to_id=first["id"])
    row = await Post.get(id=int(reply["id"]))
    assert row.space_id == spaces["casefile"].id and row.visibility == "space"
    public_first = await post(client, tokens["carla"], "@climate open call")
    answer = await post(client, tokens["amina"], "count me in", in_reply_to_id=public_first["id"])
    row = await Post.get(id=int(answer["id"]))
    assert row.space_id == spaces["climate"].id and row.visibility == "public"
    assert await Announce.exists(actor=spaces["climate"], post=row)


async def test_a_space_the_author_may_not_post_in_stays_a_mention(world: Any) -> None:
    client, people, spaces, tokens = world
    status = await post(client, tokens["dario"], "@climate @casefile hello")
    row = await Post.get(id=int(status["id"]))
    assert row.space_id is None and row.visibility == "public"
    assert not await Announce.filter(post=row).exists()
    # The public space is an ordinary mention; the private one was never named (plain text).
    assert [m["acct"] for m in status["mentions"]] == ["climate"]
    assert spaces["casefile"].uri not in str(row.tags) + row.content
    # A followers-only or direct status naming a space the author is in stays out of it.
    for visibility in ("private", "direct"):
        kept = await post(client, tokens["carla"], "@climate aside", visibility=visibility)
        assert (await Post.get(id=int(kept["id"]))).space_id is None, visibility
    assert people
