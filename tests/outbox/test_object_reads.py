"""GETs of local posts ask the one visibility function; authorized fetch demands signatures."""

from __future__ import annotations

import pytest

from actors.accounts import create_member
from baraza.app import create_app
from clientapi.tokens import issue_token
from federation.keys import load_private_key
from federation.signatures import sign_request
from outbox import actions
from storage.models import Follow
from tests.inbox.signed import _KEYS, remote_peer

AS2 = {"Accept": "application/activity+json"}


def signed_get(path: str, key_id: str) -> dict[str, str]:
    headers = {"Accept": "application/activity+json", "Host": "testserver.example"}
    headers.update(
        sign_request(
            "GET",
            "https://testserver.example" + path,
            headers,
            load_private_key(_KEYS.private_pem),
            key_id,
        )
    )
    return headers


def path_of(uri: str) -> str:
    return uri.removeprefix("https://testserver.example")


@pytest.mark.parametrize(
    ("visibility", "anonymous", "follower_server", "stranger_server"),
    [
        ("public", 200, 200, 200),
        ("unlisted", 200, 200, 200),
        ("private", 404, 200, 404),
        ("direct", 404, 404, 404),
    ],
)
async def test_post_reads_follow_visibility(
    app, client, settings, visibility, anonymous, follower_server, stranger_server
) -> None:
    author = await create_member(settings, "author")
    follower = await remote_peer(host="friends.example", name="fan")
    stranger = await remote_peer(host="strangers.example", name="nosy")
    await Follow.create(follower=follower.actor, target=author, accepted=True)
    post = await actions.create_post(settings, author, "<p>note</p>", visibility=visibility)
    path = path_of(post.uri)
    assert (await client.get(path, headers=AS2)).status_code == anonymous
    assert (
        await client.get(path, headers=signed_get(path, follower.actor.key_id))
    ).status_code == follower_server
    assert (
        await client.get(path, headers=signed_get(path, stranger.actor.key_id))
    ).status_code == stranger_server


async def test_deleted_post_is_a_tombstone(app, client, settings) -> None:
    author = await create_member(settings, "author")
    post = await actions.create_post(settings, author, "<p>gone soon</p>")
    await actions.delete_post(settings, author, post)
    response = await client.get(path_of(post.uri), headers=AS2)
    assert response.status_code == 410
    assert (await response.get_json())["type"] == "Tombstone"


async def test_private_space_post_is_404_to_everyone_but_members(app, client, settings) -> None:
    from actors.accounts import create_space

    owner = await create_member(settings, "owner")
    outsider = await create_member(settings, "outsider")
    space = await create_space(settings, "casefiles", private=True, owner=owner)
    post = await actions.create_post(settings, owner, "<p>CANARY-7731</p>", space=space)
    path = path_of(post.uri)
    peer = await remote_peer()
    assert (await client.get(path, headers=AS2)).status_code == 404
    assert (await client.get(path, headers=signed_get(path, peer.actor.key_id))).status_code == 404
    outsider_token, _ = await issue_token(outsider)
    owner_token, _ = await issue_token(owner)
    assert (
        await client.get(path, headers={**AS2, "Authorization": f"Bearer {outsider_token}"})
    ).status_code == 404
    member_view = await client.get(path, headers={**AS2, "Authorization": f"Bearer {owner_token}"})
    assert member_view.status_code == 200
    assert "CANARY-7731" in await member_view.get_data(as_text=True)


@pytest.fixture
async def strict_app(settings):
    application = create_app(settings.with_overrides(authorized_fetch=True), manage_database=False)
    async with application.test_app():
        yield application


async def test_authorized_fetch_requires_signatures(strict_app, settings) -> None:
    client = strict_app.test_client()
    author = await create_member(settings, "author")
    post = await actions.create_post(settings, author, "<p>hello</p>")
    peer = await remote_peer()
    # The actor itself answers unsigned with its key only: tests/inbox/test_fetch_auth.py.
    for path in (
        "/users/author/followers",
        "/users/author/outbox",
        path_of(post.uri),
    ):
        unsigned = await client.get(path, headers=AS2)
        assert unsigned.status_code == 401, path
        assert "error" in await unsigned.get_json()
        signed = await client.get(path, headers=signed_get(path, peer.actor.key_id))
        assert signed.status_code == 200, path
    # Discovery and the instance actor stay open, or nobody could verify anybody.
    for path in (
        "/actor",
        "/.well-known/nodeinfo",
        "/nodeinfo/2.1",
        "/.well-known/webfinger?resource=acct:author@testserver.example",
    ):
        assert (await client.get(path, headers=AS2)).status_code == 200, path


async def test_outbox_lists_public_posts_only(app, client, settings) -> None:
    author = await create_member(settings, "author")
    await actions.create_post(settings, author, "<p>public</p>")
    await actions.create_post(settings, author, "<p>secret</p>", visibility="private")
    page = await (await client.get("/users/author/outbox?page=1", headers=AS2)).get_json()
    assert [item["object"]["content"] for item in page["orderedItems"]] == ["<p>public</p>"]
    assert page["orderedItems"][0]["type"] == "Create"
