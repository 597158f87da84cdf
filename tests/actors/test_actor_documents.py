"""Actor documents and collections as served by the app."""

from __future__ import annotations

from actors.accounts import AccountError, add_moderator, create_member, create_space
from actors.collections import PAGE_SIZE
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Actor, Follow

AS2 = {"Accept": "application/activity+json"}


async def test_member_document_has_mastodon_shape(app, client, settings: Settings) -> None:
    await create_member(settings, "amina", display_name="Amina")
    response = await client.get("/users/amina", headers=AS2)
    assert response.status_code == 200
    doc = await response.get_json()
    for key in (
        "id",
        "type",
        "preferredUsername",
        "name",
        "summary",
        "url",
        "inbox",
        "outbox",
        "followers",
        "following",
        "endpoints",
        "publicKey",
        "manuallyApprovesFollowers",
        "discoverable",
        "published",
    ):
        assert key in doc, key
    assert doc["@context"][0] == "https://www.w3.org/ns/activitystreams"
    assert doc["@context"][1] == "https://w3id.org/security/v1"
    assert doc["endpoints"]["sharedInbox"] == "https://testserver.example/inbox"
    assert doc["publicKey"]["id"] == doc["id"] + "#main-key"
    assert "PRIVATE KEY" not in (await response.get_data(as_text=True))


async def test_space_names_moderators_and_posting_restriction(app, client, settings) -> None:
    owner = await create_member(settings, "owner")
    mod = await create_member(settings, "mod")
    space = await create_space(settings, "climate", private=False, owner=owner)
    await add_moderator(space, mod)
    doc = await (await client.get("/spaces/climate", headers=AS2)).get_json()
    assert doc["type"] == "Group"
    assert (
        doc["attributedTo"]
        == doc["moderators"]
        == "https://testserver.example/spaces/climate/moderators"
    )
    assert doc["postingRestrictedToMods"] is False
    mods = await (await client.get("/spaces/climate/moderators", headers=AS2)).get_json()
    assert mods["orderedItems"] == [owner.uri, mod.uri]


async def test_instance_actor_is_an_application(app, client) -> None:
    doc = await (await client.get("/actor", headers=AS2)).get_json()
    assert doc["type"] == "Application"
    assert doc["publicKey"]["owner"] == doc["id"]


async def test_followers_are_paged(app, client, settings) -> None:
    star = await create_member(settings, "star")
    for i in range(PAGE_SIZE + 5):
        fan = await Actor.create(
            uri=f"https://remote.example/u/{i}",
            type="Person",
            username=f"f{i}",
            domain="remote.example",
            inbox_url="https://remote.example/inbox",
            key_id="k",
            public_key_pem="pem",
        )
        await Follow.create(follower=fan, target=star, accepted=True)
    await Follow.create(
        follower=await Actor.get(uri="https://remote.example/u/0"),
        target=await create_member(settings, "other"),
        accepted=False,
    )
    collection = await (await client.get("/users/star/followers", headers=AS2)).get_json()
    assert collection["totalItems"] == PAGE_SIZE + 5
    first = await (
        await client.get(
            collection["first"].removeprefix("https://testserver.example"), headers=AS2
        )
    ).get_json()
    assert len(first["orderedItems"]) == PAGE_SIZE
    assert first["next"].endswith("page=2")
    assert "prev" not in first
    second = await (await client.get("/users/star/followers?page=2", headers=AS2)).get_json()
    assert len(second["orderedItems"]) == 5
    assert "next" not in second and second["prev"].endswith("page=1")


async def test_private_space_is_visible_only_to_its_members(app, client, settings) -> None:
    owner = await create_member(settings, "owner")
    outsider = await create_member(settings, "outsider")
    await create_space(settings, "casefiles", private=True, owner=owner)
    owner_token, _ = await issue_token(owner)
    outsider_token, _ = await issue_token(outsider)
    assert (await client.get("/spaces/casefiles", headers=AS2)).status_code == 404
    assert (await client.get("/@casefiles", headers={"Accept": "text/html"})).status_code == 404
    outsider_view = await client.get(
        "/spaces/casefiles", headers={**AS2, "Authorization": f"Bearer {outsider_token}"}
    )
    assert outsider_view.status_code == 404
    member_view = await client.get(
        "/spaces/casefiles", headers={**AS2, "Authorization": f"Bearer {owner_token}"}
    )
    assert member_view.status_code == 200


async def test_names_are_validated_and_unique(app, settings) -> None:
    await create_member(settings, "amina")
    for bad in ("Amina", "a" * 31, "", "amina!", "ámina"):
        try:
            await create_member(settings, bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")
    try:
        await create_space(settings, "amina", private=False)
    except AccountError as exc:
        assert "taken" in str(exc)
    else:
        raise AssertionError("a space took a member's name")
