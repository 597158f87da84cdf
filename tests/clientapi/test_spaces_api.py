"""The spaces client API: listing, joining, requests, members, timelines, Talks."""

from __future__ import annotations

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.tokens import issue_token
from outbox import actions
from storage.models import Follow


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _people(settings):
    owner = await create_member(settings, "owner")
    carla = await create_member(settings, "carla")
    dario = await create_member(settings, "dario")
    tokens = {m.username: (await issue_token(m))[0] for m in (owner, carla, dario)}
    return owner, carla, dario, tokens


async def test_private_space_is_404_to_outsiders_and_visible_to_members(
    app, client, settings
) -> None:
    owner, carla, _dario, tok = await _people(settings)
    space = await create_space(settings, "casefile", private=True, owner=owner)
    await join_space(space, carla)
    await actions.create_post(settings, carla, "<p>secret</p>", space=space)
    for path in ("", "/timeline", "/members", "/documents", "/events"):
        url = f"/api/v1/spaces/{space.id}{path}"
        assert (await client.get(url)).status_code == 404, path
        assert (await client.get(url, headers=bearer(tok["dario"]))).status_code == 404, path
        assert (await client.get(url, headers=bearer(tok["carla"]))).status_code == 200, path
    entity = await (
        await client.get(f"/api/v1/spaces/{space.id}", headers=bearer(tok["carla"]))
    ).get_json()
    assert entity["group"] is True and entity["private"] is True
    assert entity["membership"] == "member"
    timeline = await (
        await client.get(f"/api/v1/spaces/{space.id}/timeline", headers=bearer(tok["carla"]))
    ).get_json()
    assert [s["content"] for s in timeline] == ["<p>secret</p>"]
    mine = await (await client.get("/api/v1/spaces", headers=bearer(tok["carla"]))).get_json()
    assert [s["username"] for s in mine] == ["casefile"]


async def test_private_join_is_a_request_a_moderator_approves(app, client, settings) -> None:
    owner, carla, dario, tok = await _people(settings)
    space = await create_space(settings, "casefile", private=True, owner=owner)
    joined = await client.post(f"/api/v1/spaces/{space.id}/join", headers=bearer(tok["dario"]))
    # The asker is answered as for an unused id (the space must not be confirmed to an
    # outsider), but the request is recorded for the moderators to see.
    unused = await client.post("/api/v1/spaces/999999/join", headers=bearer(tok["dario"]))
    assert (joined.status_code, await joined.get_data()) == (404, await unused.get_data())
    assert await Follow.exists(follower=dario, target=space, accepted=False)
    # still an outsider until approved
    assert (
        await client.get(f"/api/v1/spaces/{space.id}/timeline", headers=bearer(tok["dario"]))
    ).status_code == 404
    # a non-moderator cannot see or approve requests
    await join_space(space, carla)
    refused = await client.get(f"/api/v1/spaces/{space.id}/requests", headers=bearer(tok["carla"]))
    assert refused.status_code == 403
    pending = await (
        await client.get(f"/api/v1/spaces/{space.id}/requests", headers=bearer(tok["owner"]))
    ).get_json()
    assert [p["username"] for p in pending] == ["dario"]
    approved = await client.post(
        f"/api/v1/spaces/{space.id}/requests/{dario.id}/approve", headers=bearer(tok["owner"])
    )
    assert approved.status_code == 200
    assert await Follow.exists(follower=dario, target=space, accepted=True)
    members = await (
        await client.get(f"/api/v1/spaces/{space.id}/members", headers=bearer(tok["dario"]))
    ).get_json()
    assert {m["username"]: m["role"] for m in members} == {
        "owner": "owner",
        "carla": None,
        "dario": None,
    }
    left = await client.post(f"/api/v1/spaces/{space.id}/leave", headers=bearer(tok["dario"]))
    assert (await left.get_json())["membership"] is None


async def test_rejected_request_leaves_no_membership(app, client, settings) -> None:
    owner, _carla, dario, tok = await _people(settings)
    space = await create_space(settings, "casefile", private=True, owner=owner)
    await client.post(f"/api/v1/spaces/{space.id}/join", headers=bearer(tok["dario"]))
    response = await client.post(
        f"/api/v1/spaces/{space.id}/requests/{dario.id}/reject", headers=bearer(tok["owner"])
    )
    assert response.status_code == 200
    assert not await Follow.exists(follower=dario, target=space)


async def test_public_space_join_at_once_and_ban_refuses_rejoin(app, client, settings) -> None:
    owner, _carla, dario, tok = await _people(settings)
    space = await create_space(settings, "rights", private=False, owner=owner)
    joined = await client.post(f"/api/v1/spaces/{space.id}/join", headers=bearer(tok["dario"]))
    assert (await joined.get_json())["membership"] == "member"
    assert (await client.get(f"/api/v1/spaces/{space.id}")).status_code == 200
    banned = await client.post(
        f"/api/v1/spaces/{space.id}/members/{dario.id}/ban", headers=bearer(tok["owner"])
    )
    assert banned.status_code == 200
    again = await client.post(f"/api/v1/spaces/{space.id}/join", headers=bearer(tok["dario"]))
    assert again.status_code == 403
    assert "error" in await again.get_json()


async def test_talk_publish_answer_and_counts(app, client, settings) -> None:
    owner, carla, _dario, tok = await _people(settings)
    space = await create_space(settings, "rights", private=False, owner=owner)
    await join_space(space, carla)
    created = await client.post(
        f"/api/v1/spaces/{space.id}/events",
        headers=bearer(tok["owner"]),
        json={
            "name": "Litigation clinic",
            "content": "Bring your case files",
            "start_time": "2030-01-01T10:00:00Z",
            "end_time": "2030-01-01T12:00:00Z",
            "location": "https://meet.example/clinic",
        },
    )
    assert created.status_code == 200, await created.get_data()
    event = await created.get_json()
    assert event["start_time"].startswith("2030-01-01T10:00")
    for who, state in (("owner", "accept"), ("carla", "tentative")):
        answered = await client.post(
            f"/api/v1/spaces/{space.id}/events/{event['id']}/answer",
            headers=bearer(tok[who]),
            json={"answer": state},
        )
        assert answered.status_code == 200
    shown = await (await client.get(f"/api/v1/spaces/{space.id}/events/{event['id']}")).get_json()
    assert shown["participants"] == {"accept": 1, "tentative": 1, "reject": 0}
    # the object document carries the schedule, as Mobilizon's Event does
    path = event["uri"].removeprefix("https://testserver.example")
    doc = await (await client.get(path, headers={"Accept": "application/activity+json"})).get_json()
    assert doc["type"] == "Event" and doc["name"] == "Litigation clinic"
    assert doc["startTime"].startswith("2030-01-01T10:00")
    assert doc["location"]["url"] == "https://meet.example/clinic"


async def test_bad_talk_is_422(app, client, settings) -> None:
    owner, _carla, _dario, tok = await _people(settings)
    space = await create_space(settings, "rights", private=False, owner=owner)
    response = await client.post(
        f"/api/v1/spaces/{space.id}/events",
        headers=bearer(tok["owner"]),
        json={"name": "x", "start_time": "tomorrow"},
    )
    assert response.status_code == 422
    assert "error" in await response.get_json()


@pytest.fixture
async def any_engine_client(any_db, tmp_path):
    from baraza.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application.test_client(), settings


@pytest.mark.parametrize(
    "path", ["/api/v1/spaces/3000000000", "/api/v1/spaces/3000000000/members/3000000000/remove"]
)
async def test_actor_ids_beyond_the_column_are_404_on_every_engine(any_engine_client, path):
    from actors.accounts import create_member
    from clientapi.tokens import issue_token

    client, settings = any_engine_client
    token, _ = await issue_token(await create_member(settings, "bigid"), "read write")
    headers = {"Authorization": f"Bearer {token}"}
    method = client.post if path.endswith("remove") else client.get
    assert (await method(path, headers=headers)).status_code == 404
