"""Logged-out reading (issue 14): an app with no token at all (Elk, Phanpy) reads public posts,
accounts, tags and public spaces, as on Mastodon; never a private space; 401 JSON everywhere
else; and nothing at all once an admin turns the instance setting off."""

from __future__ import annotations

import re
from typing import Any

import pytest

from actors.accounts import create_member, create_space, join_space
from clientapi.scopes import (
    FEDERATION_OPEN,
    LOGGED_OUT_READABLE,
    ROUTE_SCOPES,
    UNAUTHENTICATED,
    anonymous_access,
    anonymous_refusal,
)
from outbox import actions
from storage.settings_store import logged_out_reading, set_logged_out_reading

SECRET = "casefile-canary-7f3a"


@pytest.mark.parametrize(
    ("method", "endpoint", "html", "access", "why"),
    [
        ("GET", "webfinger.webfinger", False, "open", "discovery needs no token"),
        ("GET", "instance.instance_v2", False, "open", "apps ask it before signing in"),
        ("GET", "clientapi_timelines.public", False, "logged_out", "Mastodon serves it"),
        ("HEAD", "clientapi_timelines.tag", False, "logged_out", "HEAD is GET"),
        ("GET", "clientapi_statuses.get_status", False, "logged_out", "a public status"),
        ("GET", "spaces_api.space_timeline", False, "logged_out", "a public space's posts"),
        ("GET", "clientapi_timelines.home", False, "token", "a home is someone's"),
        ("GET", "clientapi_notifications.list_notifications", False, "token", "someone's"),
        ("POST", "clientapi_statuses.create_status", False, "token", "writing needs a member"),
        ("GET", "spaces_api.my_spaces", False, "token", "my spaces are someone's"),
        ("GET", "clientapi_search.search", False, "token", "search resolves remote objects"),
        ("GET", "objects.post_document", False, "open", "servers fetch posts unsigned"),
        ("GET", "actors.member_actor", False, "open", "servers fetch actors unsigned"),
        ("GET", "actors.member_actor", True, "logged_out", "a browser's profile page"),
        ("GET", "objects.post_document", True, "logged_out", "a browser's post page"),
        ("GET", "clientapi_media.serve_media", True, "open", "an image in any page"),
        ("GET", "pages.post_page", True, "logged_out", "a post's page"),
        ("GET", "pages.home_page", True, "open", "the front page signs in"),
        ("GET", None, False, "token", "an unknown route is not opened by default"),
    ],
)
def test_anonymous_access(
    method: str, endpoint: str | None, html: bool, access: str, why: str
) -> None:
    assert anonymous_access(method, endpoint, html=html) == access, why


@pytest.mark.parametrize(
    ("access", "setting", "refused"),
    [
        ("open", False, False),
        ("open", True, False),
        ("logged_out", True, False),
        ("logged_out", False, True),
        ("token", True, True),
        ("token", False, True),
    ],
)
def test_anonymous_refusal(access: Any, setting: bool, refused: bool) -> None:
    assert (anonymous_refusal(access, setting) == UNAUTHENTICATED) is refused


def test_every_logged_out_route_reads_and_is_in_the_scope_table() -> None:
    """Only reads may be opened logged out, and only routes the table knows."""
    for method, endpoint in LOGGED_OUT_READABLE | FEDERATION_OPEN:
        assert method == "GET", endpoint
        assert (method, endpoint) in ROUTE_SCOPES, endpoint


@pytest.fixture
async def world(any_db: str, tmp_path: Any) -> Any:
    """A public post with a tag, a public space with a post, a private space with a post."""
    from baraza.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(any_db, tmp_path)
    app = create_app(settings, manage_database=False)
    async with app.test_app():
        amina = await create_member(settings, "amina")
        carla = await create_member(settings, "carla")
        climate = await create_space(settings, "climate", private=False, owner=amina)
        casefile = await create_space(settings, "casefile", private=True, owner=amina)
        await join_space(climate, carla)
        await join_space(casefile, carla)
        tag = [
            {"type": "Hashtag", "name": "#rights", "href": "https://testserver.example/tags/rights"}
        ]
        posted = {
            "public": await actions.create_post(
                settings,
                amina,
                '<p>hello <a href="#" class="hashtag">#rights</a></p>',
                tags=tag,
            ),
            "followers": await actions.create_post(
                settings, amina, f"<p>followers {SECRET}</p>", visibility="private"
            ),
            "climate": await actions.create_post(
                settings, carla, "<p>in the public space #rights</p>", space=climate, tags=tag
            ),
            "casefile": await actions.create_post(
                settings, carla, f"<p>{SECRET} #rights</p>", space=casefile, tags=tag
            ),
        }
        yield app.test_client(), {"amina": amina, "climate": climate, "casefile": casefile}, posted


def readable_paths(people: dict[str, Any], posted: dict[str, Any]) -> list[str]:
    amina, climate = people["amina"], people["climate"]
    public = posted["public"].id
    return [
        "/api/v1/timelines/public",
        "/api/v1/timelines/public?local=true",
        "/api/v1/timelines/tag/rights",
        f"/api/v1/statuses/{public}",
        f"/api/v1/statuses/{public}/context",
        f"/api/v1/statuses/{public}/history",
        f"/api/v1/statuses/{public}/favourited_by",
        f"/api/v1/statuses/{public}/reblogged_by",
        f"/api/v1/accounts/{amina.id}",
        "/api/v1/accounts/lookup?acct=amina",
        f"/api/v1/accounts/{amina.id}/statuses",
        f"/api/v1/accounts/{amina.id}/followers",
        "/api/v1/spaces/directory",
        f"/api/v1/spaces/{climate.id}",
        f"/api/v1/spaces/{climate.id}/timeline",
        f"/api/v1/spaces/{climate.id}/members",
    ]


async def test_logged_out_reads_public_content_and_nothing_private(world: Any) -> None:
    client, people, posted = world
    assert await logged_out_reading(), "on by default, as in Mastodon"
    for path in readable_paths(people, posted):
        response = await client.get(path)
        body = (await response.get_data()).decode()
        assert response.status_code == 200, (path, body)
        assert SECRET not in body, path
    timeline = await (await client.get("/api/v1/timelines/public")).get_json()
    assert {s["id"] for s in timeline} == {str(posted["public"].id), str(posted["climate"].id)}
    tagged = await (await client.get("/api/v1/timelines/tag/rights")).get_json()
    assert {s["id"] for s in tagged} == {str(posted["public"].id), str(posted["climate"].id)}
    space = await (await client.get(f"/api/v1/spaces/{people['climate'].id}/timeline")).get_json()
    assert [s["id"] for s in space] == [str(posted["climate"].id)]
    listed = await (await client.get("/api/v1/spaces/directory")).get_json()
    assert [s["username"] for s in listed] == ["climate"]  # never the private one
    mine = await (await client.get(f"/api/v1/accounts/{people['amina'].id}/statuses")).get_json()
    assert [s["id"] for s in mine] == [str(posted["public"].id)]
    # The private space and its post, the followers-only post: as if they did not exist.
    casefile = people["casefile"].id
    for path in (
        f"/api/v1/spaces/{casefile}",
        f"/api/v1/spaces/{casefile}/timeline",
        f"/api/v1/statuses/{posted['casefile'].id}",
        f"/api/v1/statuses/{posted['followers'].id}",
        "/api/v1/accounts/lookup?acct=casefile",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert SECRET not in (await response.get_data()).decode(), path


async def test_the_setting_off_closes_every_read_and_keeps_federation(world: Any) -> None:
    client, people, posted = world
    await set_logged_out_reading(False)
    for path in readable_paths(people, posted):
        response = await client.get(path)
        assert response.status_code == 401, path
        assert await response.get_json() == {"error": UNAUTHENTICATED}, path
    # The HTML pages close too; the ActivityPub documents other servers fetch stay open.
    public = posted["public"]
    page = await client.get(f"/@amina/{public.id}", headers={"Accept": "text/html"})
    assert page.status_code == 401
    as2 = {"Accept": "application/activity+json"}
    assert (await client.get("/users/amina", headers=as2)).status_code == 200
    assert (await client.get(public.uri.split("example", 1)[1], headers=as2)).status_code == 200
    access = (await (await client.get("/api/v2/instance")).get_json())["configuration"]
    assert access["timelines_access"]["live_feeds"] == {
        "local": "authenticated",
        "remote": "authenticated",
    }
    # A member's token still reads everything it did.
    from clientapi.tokens import issue_token

    token, _ = await issue_token(people["amina"], "read")
    response = await client.get(
        "/api/v1/timelines/public", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and len(await response.get_json()) == 2
    await set_logged_out_reading(True)
    assert (await client.get("/api/v1/timelines/public")).status_code == 200
    access = (await (await client.get("/api/v2/instance")).get_json())["configuration"]
    assert access["timelines_access"]["hashtag_feeds"]["local"] == "public"


def _sample(match: re.Match[str]) -> str:
    """A value each URL converter accepts: the first choice of an `any(...)`, else `1`."""
    choices = re.match(r"any\(([^)]*)\)", match.group(1))
    return choices.group(1).split(",")[0].strip(" '") if choices else "1"


async def test_every_other_route_is_401_json_without_a_token(world: Any) -> None:
    """Elk and Phanpy logged out: whatever they call that needs an account, a 401 they can read."""
    client, _people, _posted = world
    app = client.app
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if anonymous_access(method, rule.endpoint) != "token" or rule.websocket:
                continue
            path = re.sub(r"<([^>]+)>", _sample, rule.rule)
            response = await client.open(path, method=method)
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            assert await response.get_json() == {"error": UNAUTHENTICATED}, (method, rule.rule)
            checked += 1
    assert checked > 50


async def test_the_cli_sets_it(tmp_path: Any) -> None:
    from tests.baraza.test_cli import run

    assert run(tmp_path, "init").returncode == 0
    shown = run(tmp_path, "settings", "logged-out-reading")
    assert shown.returncode == 0 and shown.stdout.strip() == "logged-out-reading: on"
    turned = run(tmp_path, "settings", "logged-out-reading", "off")
    assert turned.returncode == 0 and turned.stdout.strip() == "logged-out-reading: off"
    assert "logged-out-reading: off" in run(tmp_path, "settings", "show").stdout
    wrong = run(tmp_path, "settings", "logged-out-reading", "maybe")
    assert wrong.returncode != 0 and "invalid choice" in wrong.stderr


async def test_sockets_want_a_token(world: Any) -> None:
    """Streaming needs an account, as on Mastodon: a logged-out socket is refused with a 401
    before the upgrade, whatever the stream it names."""
    import asyncio

    from quart.testing import WebsocketResponseError

    client, _people, _posted = world
    for path in ("/api/v1/streaming?stream=public", "/api/v1/streaming?stream=user"):
        with pytest.raises(WebsocketResponseError) as refused:
            async with client.websocket(path) as socket:
                await asyncio.wait_for(socket.receive(), 5)
        assert refused.value.response.status_code == 401, path
        assert await refused.value.response.get_json() == {"error": UNAUTHENTICATED}
