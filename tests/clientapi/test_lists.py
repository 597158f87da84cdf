"""Lists through the client API: CRUD, accounts (only followed ones), the list timeline and
its replies policy, exclusive lists leaving home, and lists being the owner's alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from baraza.settings import Settings
from outbox import graph
from outbox.actions import create_post
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """Every test here on SQLite and, when configured, on PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def _ids(response) -> list[str]:
    assert response.status_code == 200, await response.get_data()
    return [s["id"] for s in await response.get_json()]


async def test_list_crud_and_accounts(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    carla, _ = await member_with_token(settings, "carla")
    await graph.follow(settings, amina, bruno)

    made = await client.post("/api/v1/lists", headers=auth, json={"title": "Lawyers"})
    entity = await made.get_json()
    assert entity == {
        "id": entity["id"],
        "title": "Lawyers",
        "replies_policy": "list",
        "exclusive": False,
    }
    path = f"/api/v1/lists/{entity['id']}"
    changed = await client.put(
        path, headers=auth, form={"title": "Counsel", "replies_policy": "none", "exclusive": "true"}
    )
    assert await changed.get_json() == {
        **entity,
        "title": "Counsel",
        "replies_policy": "none",
        "exclusive": True,
    }
    assert [
        x["id"] for x in await (await client.get("/api/v1/lists", headers=auth)).get_json()
    ] == [entity["id"]]
    assert (await client.post("/api/v1/lists", headers=auth, json={"title": ""})).status_code == 422
    bad_policy = await client.post(
        "/api/v1/lists", headers=auth, json={"title": "x", "replies_policy": "all"}
    )
    assert bad_policy.status_code == 422

    # Only accounts amina follows; an unknown id is 404, a non-followed one 422, nothing added.
    not_followed = await client.post(
        f"{path}/accounts", headers=auth, json={"account_ids": [str(bruno.id), str(carla.id)]}
    )
    assert not_followed.status_code == 422
    assert (
        await client.post(f"{path}/accounts", headers=auth, json={"account_ids": ["99999"]})
    ).status_code == 404
    assert (await client.post(f"{path}/accounts", headers=auth, json={})).status_code == 422
    added = await client.post(
        f"{path}/accounts", headers=auth, form={"account_ids[]": str(bruno.id)}
    )
    assert added.status_code == 200
    members = await (await client.get(f"{path}/accounts", headers=auth)).get_json()
    assert [a["id"] for a in members] == [str(bruno.id)]
    everyone = await (await client.get(f"{path}/accounts?limit=0", headers=auth)).get_json()
    assert [a["id"] for a in everyone] == [str(bruno.id)]
    having = await (await client.get(f"/api/v1/accounts/{bruno.id}/lists", headers=auth)).get_json()
    assert [x["id"] for x in having] == [entity["id"]]

    # Unfollowing takes bruno out of the list.
    await graph.unfollow(settings, amina, bruno)
    assert await (await client.get(f"{path}/accounts", headers=auth)).get_json() == []

    await graph.follow(settings, amina, bruno)
    await client.post(f"{path}/accounts", headers=auth, json={"account_ids": [str(bruno.id)]})
    removed = await client.delete(
        f"{path}/accounts", headers=auth, json={"account_ids": [str(bruno.id)]}
    )
    assert removed.status_code == 200
    assert await (await client.get(f"{path}/accounts", headers=auth)).get_json() == []

    assert (await client.delete(path, headers=auth)).status_code == 200
    assert (await client.get(path, headers=auth)).status_code == 404


async def test_a_list_is_its_owners_alone(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, other = await member_with_token(settings, "bruno")
    made = await (await client.post("/api/v1/lists", headers=auth, json={"title": "x"})).get_json()
    path = f"/api/v1/lists/{made['id']}"
    for method, url in (
        ("GET", path),
        ("PUT", path),
        ("DELETE", path),
        ("GET", f"{path}/accounts"),
        ("GET", f"/api/v1/timelines/list/{made['id']}"),
    ):
        response = await client.open(url, method=method, headers=other, json={"title": "y"})
        assert response.status_code == 404, (method, url)
    assert await (await client.get("/api/v1/lists", headers=other)).get_json() == []
    assert (await client.get("/api/v1/lists/not-a-number", headers=auth)).status_code == 404
    assert (await client.get("/api/v1/lists")).status_code == 401


async def test_list_timeline_and_its_replies_policy(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    carla, _ = await member_with_token(settings, "carla")
    dario, _ = await member_with_token(settings, "dario")
    for target in (bruno, carla, dario):
        await graph.follow(settings, amina, target)
    made = await (await client.post("/api/v1/lists", headers=auth, json={"title": "x"})).get_json()
    timeline = f"/api/v1/timelines/list/{made['id']}"
    await client.post(
        f"/api/v1/lists/{made['id']}/accounts",
        headers=auth,
        json={"account_ids": [str(bruno.id), str(carla.id)]},
    )
    by_dario = await create_post(settings, dario, "<p>dario</p>")
    by_carla = await create_post(settings, carla, "<p>carla</p>")
    by_bruno = await create_post(settings, bruno, "<p>bruno</p>")
    to_carla = await create_post(settings, bruno, "<p>to carla</p>", in_reply_to=by_carla)
    to_dario = await create_post(settings, bruno, "<p>to dario</p>", in_reply_to=by_dario)
    to_amina_post = await create_post(settings, amina, "<p>amina</p>")
    to_amina = await create_post(settings, bruno, "<p>to amina</p>", in_reply_to=to_amina_post)

    expected = {
        "list": [to_amina, to_carla, by_bruno, by_carla],
        "followed": [to_amina, to_dario, to_carla, by_bruno, by_carla],
        "none": [to_amina, by_bruno, by_carla],
    }
    for policy, posts in expected.items():
        await client.put(
            f"/api/v1/lists/{made['id']}", headers=auth, json={"replies_policy": policy}
        )
        assert await _ids(await client.get(timeline, headers=auth)) == [str(p.id) for p in posts], (
            policy
        )


async def test_exclusive_list_members_leave_the_home_timeline(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    carla, _ = await member_with_token(settings, "carla")
    for target in (bruno, carla):
        await graph.follow(settings, amina, target)
    made = await (
        await client.post("/api/v1/lists", headers=auth, json={"title": "x", "exclusive": True})
    ).get_json()
    await client.post(
        f"/api/v1/lists/{made['id']}/accounts", headers=auth, json={"account_ids": [str(bruno.id)]}
    )
    by_bruno = await create_post(settings, bruno, "<p>bruno</p>")
    by_carla = await create_post(settings, carla, "<p>carla</p>")
    own = await create_post(settings, amina, "<p>amina</p>")
    home = await _ids(await client.get("/api/v1/timelines/home", headers=auth))
    assert home == [str(own.id), str(by_carla.id)]
    listed = await _ids(await client.get(f"/api/v1/timelines/list/{made['id']}", headers=auth))
    assert listed == [str(by_bruno.id)]
    await client.put(f"/api/v1/lists/{made['id']}", headers=auth, json={"exclusive": False})
    home = await _ids(await client.get("/api/v1/timelines/home", headers=auth))
    assert home == [str(own.id), str(by_carla.id), str(by_bruno.id)]


async def test_follow_with_notify_shows_as_notifying(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    answer = await client.post(
        f"/api/v1/accounts/{bruno.id}/follow", headers=auth, json={"notify": True}
    )
    assert (await answer.get_json())["notifying"] is True
    again = await client.post(
        f"/api/v1/accounts/{bruno.id}/follow", headers=auth, form={"notify": "false"}
    )
    assert (await again.get_json())["notifying"] is False
