"""The start-up calls apps make: instance v1/v2, peers, markers, preferences, empty features."""

from __future__ import annotations

from typing import Any

import pytest

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Actor, Marker


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def member(settings: Settings) -> Actor:
    return await create_member(settings, "amina", admin=True)


async def remote_actor(domain: str, name: str = "zed") -> Actor:
    return await Actor.create(
        uri=f"https://{domain}/users/{name}",
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"https://{domain}/users/{name}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_key_pem="-",
    )


async def test_instance_v1_speaks_a_mastodon_version_and_limits(client: Any, member: Any) -> None:
    doc = await (await client.get("/api/v1/instance")).get_json()
    assert doc["uri"] == "testserver.example"
    assert doc["version"].startswith("4.3.0 (compatible; Baraza")
    assert doc["configuration"]["statuses"]["max_characters"] == 5000
    assert doc["urls"]["streaming_api"] == "wss://testserver.example"
    assert doc["stats"]["user_count"] == 1
    assert doc["contact_account"]["username"] == "amina"


async def test_instance_v2_has_configuration_registrations_and_contact(
    client: Any, member: Any
) -> None:
    doc = await (await client.get("/api/v2/instance")).get_json()
    assert doc["domain"] == "testserver.example"
    assert doc["configuration"]["statuses"]["max_characters"] == 5000
    assert doc["configuration"]["media_attachments"]["image_size_limit"] > 0
    assert doc["configuration"]["urls"]["streaming"] == "wss://testserver.example"
    assert doc["urls"]["streaming_api"] == "wss://testserver.example"
    assert doc["registrations"]["enabled"] is False
    assert doc["contact"]["account"]["acct"] == "amina"
    assert doc["languages"] == ["en"]


async def test_peers_are_hosts_of_known_remote_actors(client: Any) -> None:
    await remote_actor("b.example")
    await remote_actor("a.example")
    await remote_actor("a.example", "yan")
    assert await (await client.get("/api/v1/instance/peers")).get_json() == [
        "a.example",
        "b.example",
    ]


@pytest.mark.parametrize(
    "path", ["/api/v1/custom_emojis", "/api/v1/trends/tags", "/api/v1/trends/statuses",
             "/api/v1/trends/links"],
)  # fmt: skip
async def test_public_empty_lists(client: Any, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert await response.get_json() == []


@pytest.mark.parametrize(
    ("path", "wrong_scope"),
    [
        ("/api/v1/filters", "write"),
        ("/api/v2/filters", "read:statuses"),
        ("/api/v1/announcements", "write"),
        ("/api/v1/lists", "read:statuses"),
        ("/api/v1/followed_tags", "write"),
        ("/api/v1/preferences", "write"),
        ("/api/v1/markers", "write"),
    ],
)
async def test_authenticated_start_up_calls_need_token_and_scope(
    client: Any, member: Actor, path: str, wrong_scope: str
) -> None:
    assert (await client.get(path)).status_code == 401
    token, _ = await issue_token(member, wrong_scope)
    assert (await client.get(path, headers=bearer(token))).status_code == 403
    good, _ = await issue_token(member, "read")
    response = await client.get(path, headers=bearer(good))
    assert response.status_code == 200


async def test_preferences_reflect_the_member(client: Any, member: Actor) -> None:
    member.language = "fr"
    await member.save()
    token, _ = await issue_token(member, "read:accounts")
    prefs = await (await client.get("/api/v1/preferences", headers=bearer(token))).get_json()
    assert prefs["posting:default:language"] == "fr"
    assert prefs["posting:default:visibility"] == "public"


async def test_markers_are_saved_versioned_and_read_back(client: Any, member: Actor) -> None:
    token, _ = await issue_token(member, "read write")
    first = await client.post(
        "/api/v1/markers", form={"home[last_read_id]": "103"}, headers=bearer(token)
    )
    assert (await first.get_json())["home"]["version"] == 1
    second = await client.post(
        "/api/v1/markers",
        json={"home": {"last_read_id": "105"}, "notifications": {"last_read_id": "7"}},
        headers=bearer(token),
    )
    body = await second.get_json()
    assert second.status_code == 200, body
    assert body["home"] == {**body["home"], "last_read_id": "105", "version": 2}
    read = await client.get(
        "/api/v1/markers", query_string={"timeline[]": "home"}, headers=bearer(token)
    )
    assert set(await read.get_json()) == {"home"}


@pytest.mark.parametrize(
    "form", [{"home[last_read_id]": "abc"}, {}, {"home[last_read_id]": "1" * 40}]
)
async def test_bad_markers_are_refused_and_not_stored(
    client: Any, member: Actor, form: dict[str, str]
) -> None:
    token, _ = await issue_token(member, "write:statuses")
    response = await client.post("/api/v1/markers", form=form, headers=bearer(token))
    assert response.status_code == 422
    assert (await response.get_json())["error"]
    assert await Marker.all().count() == 0


async def test_marker_write_needs_write_scope(client: Any, member: Actor) -> None:
    assert (
        await client.post("/api/v1/markers", form={"home[last_read_id]": "1"})
    ).status_code == 401
    token, _ = await issue_token(member, "read")
    response = await client.post(
        "/api/v1/markers", form={"home[last_read_id]": "1"}, headers=bearer(token)
    )
    assert response.status_code == 403


async def test_unknown_marker_timeline_is_422(client: Any, member: Actor) -> None:
    token, _ = await issue_token(member, "read")
    response = await client.get(
        "/api/v1/markers", query_string={"timeline[]": "public"}, headers=bearer(token)
    )
    assert response.status_code == 422


async def test_default_avatar_and_header_are_pngs(client: Any) -> None:
    for path in ("/static/avatar.png", "/static/header.png"):
        response = await client.get(path)
        assert response.status_code == 200
        assert (await response.get_data()).startswith(b"\x89PNG\r\n\x1a\n")
