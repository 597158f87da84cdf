"""Accounts: own profile, lookup, follow (local and remote), blocks, mutes, requests, search."""

from __future__ import annotations

from typing import Any

import pytest

from actors.accounts import create_member, create_space
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Activity, Actor, Block, Delivery, Follow, Mute


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def amina(settings: Settings) -> Actor:
    return await create_member(settings, "amina")


@pytest.fixture
async def bruno(settings: Settings) -> Actor:
    return await create_member(settings, "bruno")


@pytest.fixture
async def token(amina: Actor) -> str:
    return (await issue_token(amina, "read write follow"))[0]


async def remote_actor(name: str = "zed", domain: str = "remote.example", **extra: Any) -> Actor:
    return await Actor.create(
        uri=f"https://{domain}/users/{name}",
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"https://{domain}/users/{name}/inbox",
        shared_inbox_url=f"https://{domain}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_key_pem="-",
        **extra,
    )


# --- authentication and scopes for every endpoint --------------------------------------------

ENDPOINTS = [
    ("GET", "/api/v1/accounts/verify_credentials", "read:accounts", "write"),
    ("PATCH", "/api/v1/accounts/update_credentials", "write:accounts", "read"),
    ("GET", "/api/v1/accounts/relationships?id[]={bruno}", "read:follows", "write"),
    ("GET", "/api/v1/accounts/search?q=bru", "read:accounts", "write"),
    ("POST", "/api/v1/accounts/{bruno}/follow", "write:follows", "read"),
    ("POST", "/api/v1/accounts/{bruno}/unfollow", "write:follows", "read"),
    ("POST", "/api/v1/accounts/{bruno}/block", "write:blocks", "read"),
    ("POST", "/api/v1/accounts/{bruno}/unblock", "write:blocks", "read"),
    ("POST", "/api/v1/accounts/{bruno}/mute", "write:mutes", "read"),
    ("POST", "/api/v1/accounts/{bruno}/unmute", "write:mutes", "read"),
    ("GET", "/api/v1/follow_requests", "read:follows", "write"),
    ("POST", "/api/v1/follow_requests/{bruno}/authorize", "write:follows", "read"),
    ("POST", "/api/v1/follow_requests/{bruno}/reject", "write:follows", "read"),
]


@pytest.mark.parametrize(("method", "path", "scope", "wrong"), ENDPOINTS)
async def test_each_endpoint_needs_a_token_and_its_scope(
    client: Any, amina: Actor, bruno: Actor, method: str, path: str, scope: str, wrong: str
) -> None:
    url = path.format(bruno=bruno.id)
    assert (await client.open(url, method=method)).status_code == 401
    weak, _ = await issue_token(amina, wrong)
    assert (await client.open(url, method=method, headers=bearer(weak))).status_code == 403
    strong, _ = await issue_token(amina, scope)
    assert (await client.open(url, method=method, headers=bearer(strong))).status_code != 403


# --- own profile -----------------------------------------------------------------------------


async def test_verify_credentials_has_source(client: Any, token: str) -> None:
    me = await (
        await client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    ).get_json()
    assert me["username"] == "amina" and me["acct"] == "amina"
    assert "source" in me and me["avatar"].endswith("/static/avatar.png")


async def test_update_credentials_from_form_and_json(client: Any, token: str, amina: Actor) -> None:
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        form={"display_name": "Amina K.", "note": "Lawyer <b>&</b>\nNairobi", "locked": "true",
              "source[language]": "sw"},
        headers=bearer(token),
    )  # fmt: skip
    body = await response.get_json()
    assert response.status_code == 200
    assert body["display_name"] == "Amina K."
    assert body["note"] == "<p>Lawyer &lt;b&gt;&amp;&lt;/b&gt;<br>Nairobi</p>"
    assert body["locked"] is True and body["source"]["language"] == "sw"
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        json={"discoverable": False, "source": {"language": "fr"}},
        headers=bearer(token),
    )
    stored = await Actor.get(id=amina.id)
    assert stored.discoverable is False and stored.language == "fr"
    assert stored.display_name == "Amina K."


@pytest.mark.parametrize(
    "form",
    [
        {"display_name": "x" * 101},
        {"locked": "maybe"},
        {"source[language]": "not a language"},
        {"note": "n" * 5001},
    ],
)
async def test_update_credentials_refuses_bad_input_and_changes_nothing(
    client: Any, token: str, amina: Actor, form: dict[str, str]
) -> None:
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        form={"display_name": "Changed", **form},
        headers=bearer(token),
    )
    assert response.status_code == 422
    assert (await response.get_json())["error"]
    assert (await Actor.get(id=amina.id)).display_name == "amina"


# --- reading accounts ------------------------------------------------------------------------


async def test_get_account_and_lookup(client: Any, amina: Actor) -> None:
    remote = await remote_actor()
    one = await (await client.get(f"/api/v1/accounts/{amina.id}")).get_json()
    assert one["id"] == str(amina.id)
    assert (await client.get("/api/v1/accounts/999999")).status_code == 404
    assert (await client.get("/api/v1/accounts/abc")).status_code == 404
    assert (await client.get("/api/v1/accounts/99999999999")).status_code == 404, "past INTEGER"
    found = await (await client.get("/api/v1/accounts/lookup?acct=amina")).get_json()
    assert found["id"] == str(amina.id)
    found = await (await client.get("/api/v1/accounts/lookup?acct=@zed@remote.example")).get_json()
    assert found["id"] == str(remote.id) and found["acct"] == "zed@remote.example"
    assert (await client.get("/api/v1/accounts/lookup?acct=nobody")).status_code == 404
    assert (await client.get("/api/v1/accounts/lookup")).status_code == 422


async def test_suspended_accounts_are_not_found(client: Any, bruno: Actor) -> None:
    from datetime import UTC, datetime

    bruno.suspended_at = datetime.now(UTC)
    await bruno.save()
    assert (await client.get(f"/api/v1/accounts/{bruno.id}")).status_code == 404


async def test_followers_and_following_page_with_link_headers(
    client: Any, settings: Settings, amina: Actor
) -> None:
    fans = [await create_member(settings, f"fan{i}") for i in range(3)]
    for fan in fans:
        await Follow.create(follower=fan, target=amina, accepted=True)
    await Follow.create(follower=await remote_actor(), target=amina, accepted=False)
    first = await client.get(f"/api/v1/accounts/{amina.id}/followers?limit=2")
    names = [a["username"] for a in await first.get_json()]
    assert names == ["fan2", "fan1"], "newest follow first, pending requests excluded"
    link = first.headers["Link"]
    assert 'rel="next"' in link
    next_url = link.split(">")[0].lstrip("<")
    second = await client.get(next_url.split("testserver.example", 1)[1])
    assert [a["username"] for a in await second.get_json()] == ["fan0"]
    following = await (await client.get(f"/api/v1/accounts/{fans[0].id}/following")).get_json()
    assert [a["username"] for a in following] == ["amina"]


async def test_private_space_members_are_not_listed_publicly(
    client: Any, settings: Settings, amina: Actor
) -> None:
    space = await create_space(settings, "casework", private=True, owner=amina)
    assert (await client.get(f"/api/v1/accounts/{space.id}/followers")).status_code == 404
    token, _ = await issue_token(amina, "read")
    seen = await client.get(f"/api/v1/accounts/{space.id}/followers", headers=bearer(token))
    assert [a["username"] for a in await seen.get_json()] == ["amina"]


# --- follows ---------------------------------------------------------------------------------


async def test_follow_local_member_and_unfollow(client: Any, token: str, bruno: Actor) -> None:
    rel = await (
        await client.post(f"/api/v1/accounts/{bruno.id}/follow", headers=bearer(token))
    ).get_json()
    assert rel["following"] is True and rel["requested"] is False
    rel = await (
        await client.post(f"/api/v1/accounts/{bruno.id}/unfollow", headers=bearer(token))
    ).get_json()
    assert rel["following"] is False
    assert await Follow.filter(target=bruno).count() == 0


async def test_follow_remote_account_publishes_a_follow(
    client: Any, token: str, amina: Actor
) -> None:
    zed = await remote_actor()
    rel = await (
        await client.post(f"/api/v1/accounts/{zed.id}/follow", headers=bearer(token))
    ).get_json()
    assert rel["requested"] is True and rel["following"] is False
    activity = await Activity.get(type="Follow")
    assert activity.document["object"] == zed.uri
    assert await Delivery.filter(activity=activity, host="remote.example").exists()


async def test_follow_refusals_store_nothing(client: Any, token: str, amina: Actor) -> None:
    self_follow = await client.post(f"/api/v1/accounts/{amina.id}/follow", headers=bearer(token))
    assert self_follow.status_code == 422
    missing = await client.post("/api/v1/accounts/424242/follow", headers=bearer(token))
    assert missing.status_code == 404
    assert await Follow.all().count() == 0


async def test_relationships_for_several_ids(
    client: Any, token: str, amina: Actor, bruno: Actor
) -> None:
    zed = await remote_actor()
    await Follow.create(follower=amina, target=bruno, accepted=True)
    await Follow.create(follower=bruno, target=amina, accepted=True)
    await Follow.create(follower=amina, target=zed, accepted=False)
    await Mute.create(actor=amina, target=zed)
    response = await client.get(
        f"/api/v1/accounts/relationships?id[]={bruno.id}&id[]={zed.id}&id[]=777",
        headers=bearer(token),
    )
    rels = {r["id"]: r for r in await response.get_json()}
    assert set(rels) == {str(bruno.id), str(zed.id)}
    assert rels[str(bruno.id)]["following"] and rels[str(bruno.id)]["followed_by"]
    assert rels[str(zed.id)]["requested"] and rels[str(zed.id)]["muting"]
    bad = await client.get("/api/v1/accounts/relationships?id[]=x", headers=bearer(token))
    assert bad.status_code == 422


# --- blocks and mutes ------------------------------------------------------------------------


async def test_block_severs_follows_and_federates_to_remote(
    client: Any, token: str, amina: Actor
) -> None:
    zed = await remote_actor()
    await Follow.create(follower=amina, target=zed, accepted=True)
    await Follow.create(follower=zed, target=amina, accepted=True)
    rel = await (
        await client.post(f"/api/v1/accounts/{zed.id}/block", headers=bearer(token))
    ).get_json()
    assert rel["blocking"] is True and rel["following"] is False and rel["followed_by"] is False
    assert await Follow.all().count() == 0
    block = await Activity.get(type="Block")
    assert block.document["object"] == zed.uri
    await client.post(f"/api/v1/accounts/{zed.id}/unblock", headers=bearer(token))
    undo = await Activity.get(type="Undo")
    assert undo.document["object"]["type"] == "Block"
    assert await Block.all().count() == 0
    refused = await client.post(f"/api/v1/accounts/{zed.id}/follow", headers=bearer(token))
    assert refused.status_code == 200, "after unblocking, following works again"


async def test_blocked_member_cannot_follow(client: Any, amina: Actor, bruno: Actor) -> None:
    await Block.create(actor=bruno, target=amina)
    token, _ = await issue_token(amina, "follow")
    response = await client.post(f"/api/v1/accounts/{bruno.id}/follow", headers=bearer(token))
    assert response.status_code == 422
    assert await Follow.all().count() == 0


async def test_local_block_sends_nothing(client: Any, token: str, bruno: Actor) -> None:
    await client.post(f"/api/v1/accounts/{bruno.id}/block", headers=bearer(token))
    assert await Block.all().count() == 1
    assert await Activity.all().count() == 0


async def test_mute_and_unmute(client: Any, token: str, amina: Actor, bruno: Actor) -> None:
    rel = await (
        await client.post(f"/api/v1/accounts/{bruno.id}/mute", headers=bearer(token))
    ).get_json()
    assert rel["muting"] is True
    assert (
        await client.post(f"/api/v1/accounts/{amina.id}/mute", headers=bearer(token))
    ).status_code == 422
    rel = await (
        await client.post(f"/api/v1/accounts/{bruno.id}/unmute", headers=bearer(token))
    ).get_json()
    assert rel["muting"] is False
    assert await Mute.all().count() == 0


# --- follow requests -------------------------------------------------------------------------


async def test_authorize_remote_request_sends_accept(client: Any, token: str, amina: Actor) -> None:
    zed = await remote_actor()
    await Follow.create(follower=zed, target=amina, accepted=False, uri=f"{zed.uri}#follow/1")
    listed = await (await client.get("/api/v1/follow_requests", headers=bearer(token))).get_json()
    assert [a["acct"] for a in listed] == ["zed@remote.example"]
    rel = await (
        await client.post(f"/api/v1/follow_requests/{zed.id}/authorize", headers=bearer(token))
    ).get_json()
    assert rel["followed_by"] is True
    accept = await Activity.get(type="Accept")
    assert accept.document["object"]["id"] == f"{zed.uri}#follow/1"
    again = await client.post(f"/api/v1/follow_requests/{zed.id}/authorize", headers=bearer(token))
    assert again.status_code == 404
    assert await Activity.filter(type="Accept").count() == 1


async def test_reject_remote_request_sends_reject(client: Any, token: str, amina: Actor) -> None:
    zed = await remote_actor()
    await Follow.create(follower=zed, target=amina, accepted=False, uri=f"{zed.uri}#follow/2")
    await client.post(f"/api/v1/follow_requests/{zed.id}/reject", headers=bearer(token))
    assert await Follow.all().count() == 0
    assert await Activity.filter(type="Reject").exists()


# --- search ----------------------------------------------------------------------------------


async def test_search_finds_local_names_and_refuses_empty(
    client: Any, token: str, bruno: Actor
) -> None:
    await remote_actor("brunette")
    found = await (
        await client.get("/api/v1/accounts/search?q=bru", headers=bearer(token))
    ).get_json()
    assert [a["acct"] for a in found] == ["bruno", "brunette@remote.example"]
    empty = await client.get("/api/v1/accounts/search?q=", headers=bearer(token))
    assert empty.status_code == 422


async def test_search_resolve_local_handle(client: Any, token: str, bruno: Actor) -> None:
    found = await (
        await client.get(
            "/api/v1/accounts/search?q=bruno@testserver.example&resolve=true",
            headers=bearer(token),
        )
    ).get_json()
    assert [a["id"] for a in found] == [str(bruno.id)]


async def test_profile_change_federates_an_update_to_remote_followers(app, client, settings):
    from actors.accounts import create_member
    from clientapi.tokens import issue_token
    from storage.models import Activity, Delivery, Follow
    from tests.inbox.signed import remote_peer

    member = await create_member(settings, "profiled")
    fan = await remote_peer(host="fans.example", name="fan")
    await Follow.create(follower=fan.actor, target=member, accepted=True)
    token, _ = await issue_token(member, "read write")
    response = await client.patch(
        "/api/v1/accounts/update_credentials",
        json={"display_name": "New Name"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    update = await Activity.get(type="Update", actor_uri=member.uri)
    assert update.document["object"]["name"] == "New Name"
    assert await Delivery.filter(activity=update, host="fans.example").count() == 1


async def test_account_search_hides_private_spaces_from_outsiders(app, client, settings):
    from actors.accounts import create_member, create_space
    from clientapi.tokens import issue_token

    owner = await create_member(settings, "caseowner")
    outsider = await create_member(settings, "casefan")
    await create_space(settings, "casefiles", private=True, owner=owner)
    for who, expected in ((outsider, []), (owner, ["casefiles"])):
        token, _ = await issue_token(who, "read")
        response = await client.get(
            "/api/v1/accounts/search?q=casefiles", headers={"Authorization": f"Bearer {token}"}
        )
        assert [a["username"] for a in await response.get_json()] == expected
