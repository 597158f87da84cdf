"""A private space does not exist for outsiders, on any door (issue 13, deliverable 3).

Every door that names an account or counts something is asked about a private space by
those who may not know it (anonymous, a local outsider, an admin outside it) and must answer
byte for byte what it answers for an id that was never used, never say the space's name, and
leave it out of lists and counts. Its members keep seeing it. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member, create_space, join_space
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox import actions
from storage.models import Actor, Block, Follow, Post

CANARY = "zanzibarvault"  # the space's name: no outsider response may hold it
CANARY_TITLE = "Zanzibar Ledger"
UNUSED_ID = "999999"  # never a row here
AS2 = {"Accept": "application/activity+json"}


@dataclass
class World:
    client: Any
    settings: Settings
    space: Actor
    owner: Actor
    carla: Actor  # a member
    dario: Actor  # a local outsider
    public_post: Post
    headers: dict[str, dict[str, str]]  # viewer name -> headers

    def outsiders(self) -> list[tuple[str, dict[str, str]]]:
        return [(n, h) for n, h in self.headers.items() if n in ("anonymous", "dario", "eve")]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def world(any_db: str, tmp_path: Path) -> AsyncIterator[World]:
    from baraza.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        owner = await create_member(settings, "owner")
        carla = await create_member(settings, "carla")
        dario = await create_member(settings, "dario")
        eve = await create_member(settings, "eve")
        eve.is_admin = True
        await eve.save(update_fields=["is_admin"])
        space = await create_space(
            settings, CANARY, private=True, owner=owner, display_name=CANARY_TITLE
        )
        await join_space(space, carla)
        public_post = await actions.create_post(settings, carla, "<p>hello world</p>")
        # A reply to a public post, made inside the private space, and a post in it.
        await actions.create_post(
            settings, owner, "<p>inside reply</p>", in_reply_to=public_post, space=space
        )
        await actions.create_post(settings, carla, "<p>inside post</p>", space=space)
        headers = {"anonymous": {}}
        for m in (owner, carla, dario, eve):
            token, _ = await issue_token(m, "read write follow")
            headers[m.username] = _bearer(token)
        yield World(
            application.test_client(), settings, space, owner, carla, dario, public_post, headers
        )


async def _body(response: Any) -> bytes:
    return await response.get_data()


def _assert_no_canary(body: bytes, where: str) -> None:
    text = body.decode("utf-8", "replace").lower()
    assert CANARY not in text and CANARY_TITLE.lower() not in text, where


async def _same_as_unused(world: World, method: str, path: str, headers: dict[str, str]) -> None:
    """The answer for the private space is the answer for an id nobody ever had."""
    call = getattr(world.client, method)
    secret = await call(path.format(id=world.space.id), headers=headers)
    unused = await call(path.format(id=UNUSED_ID), headers=headers)
    secret_body = await _body(secret)
    assert secret.status_code == 404, (path, secret.status_code, secret_body)
    assert (secret.status_code, secret_body) == (unused.status_code, await _body(unused)), path
    assert secret.headers.get("Content-Type") == unused.headers.get("Content-Type"), path
    _assert_no_canary(secret_body, path)


async def test_account_show_is_the_404_of_an_unused_id(world: World) -> None:
    for _who, headers in world.outsiders():
        await _same_as_unused(world, "get", "/api/v1/accounts/{id}", headers)
        await _same_as_unused(world, "get", "/api/v1/accounts/{id}/followers", headers)
        await _same_as_unused(world, "get", "/api/v1/accounts/{id}/following", headers)
    shown = await world.client.get(
        f"/api/v1/accounts/{world.space.id}", headers=world.headers["carla"]
    )
    assert shown.status_code == 200 and (await shown.get_json())["username"] == CANARY


async def test_lookup_is_the_404_of_an_unused_name(world: World) -> None:
    for who, headers in world.outsiders():
        for acct in (CANARY, f"{CANARY}@testserver.example", f"@{CANARY}"):
            secret = await world.client.get(f"/api/v1/accounts/lookup?acct={acct}", headers=headers)
            unused = await world.client.get(
                "/api/v1/accounts/lookup?acct=nobodyhere", headers=headers
            )
            assert secret.status_code == 404, (who, acct)
            assert await _body(secret) == await _body(unused), (who, acct)
    found = await world.client.get(
        f"/api/v1/accounts/lookup?acct={CANARY}", headers=world.headers["carla"]
    )
    assert found.status_code == 200


@pytest.mark.parametrize("action", ["follow", "unfollow", "block", "unblock", "mute", "unmute"])
async def test_account_actions_answer_as_for_an_unused_id(world: World, action: str) -> None:
    await _same_as_unused(
        world, "post", f"/api/v1/accounts/{{id}}/{action}", world.headers["dario"]
    )
    assert not await Follow.exists(follower=world.dario, target=world.space)
    assert not await Block.exists(actor=world.dario, target=world.space)


async def test_relationships_leave_the_space_out_as_an_unused_id(world: World) -> None:
    for name in ("dario", "eve"):
        answer = await world.client.get(
            f"/api/v1/accounts/relationships?id[]={world.space.id}&id[]={UNUSED_ID}",
            headers=world.headers[name],
        )
        assert await answer.get_json() == [], name
    mine = await world.client.get(
        f"/api/v1/accounts/relationships?id[]={world.space.id}", headers=world.headers["carla"]
    )
    assert [r["id"] for r in await mine.get_json()] == [str(world.space.id)]


async def test_join_and_leave_answer_as_for_an_unused_id_and_keep_the_request(
    world: World,
) -> None:
    dario = world.headers["dario"]
    await _same_as_unused(world, "post", "/api/v1/spaces/{id}/join", dario)
    # The request is recorded for the moderators, and listed to nobody else.
    assert await Follow.exists(follower=world.dario, target=world.space, accepted=False)
    mine = await world.client.get("/api/v1/spaces", headers=dario)
    assert await mine.get_json() == []
    requests = await world.client.get(
        f"/api/v1/spaces/{world.space.id}/requests", headers=world.headers["owner"]
    )
    assert [a["username"] for a in await requests.get_json()] == ["dario"]
    # Leaving withdraws it, with the same answer again.
    await _same_as_unused(world, "post", "/api/v1/spaces/{id}/leave", dario)
    assert not await Follow.exists(follower=world.dario, target=world.space)
    # Once admitted, the space is there.
    await world.client.post(f"/api/v1/spaces/{world.space.id}/join", headers=dario)
    approved = await world.client.post(
        f"/api/v1/spaces/{world.space.id}/requests/{world.dario.id}/approve",
        headers=world.headers["owner"],
    )
    assert approved.status_code == 200
    shown = await world.client.get(f"/api/v1/spaces/{world.space.id}", headers=dario)
    assert (await shown.get_json())["membership"] == "member"


async def test_a_banned_outsider_gets_the_unused_id_answer_not_403(world: World) -> None:
    await Block.create(actor=world.space, target=world.dario)
    await _same_as_unused(world, "post", "/api/v1/spaces/{id}/join", world.headers["dario"])
    assert not await Follow.exists(follower=world.dario, target=world.space)


async def test_a_members_following_list_hides_the_space_from_outsiders(world: World) -> None:
    carla = world.carla
    for who, headers in world.outsiders():
        listed = await world.client.get(f"/api/v1/accounts/{carla.id}/following", headers=headers)
        assert listed.status_code == 200 and await listed.get_json() == [], who
    owner = world.headers["owner"]
    listed = await world.client.get(f"/api/v1/accounts/{carla.id}/following", headers=owner)
    assert [a["username"] for a in await listed.get_json()] == [CANARY]


async def test_a_members_following_count_leaves_the_space_out(world: World) -> None:
    url = f"/api/v1/accounts/{world.carla.id}"
    for who, headers in world.outsiders():
        entity = await (await world.client.get(url, headers=headers)).get_json()
        assert entity["following_count"] == 0, who
    entity = await (await world.client.get(url, headers=world.headers["owner"])).get_json()
    assert entity["following_count"] == 1


async def test_a_members_as2_following_collection_hides_the_space(world: World) -> None:
    for who, headers in world.outsiders():
        for url in ("/users/carla/following", "/users/carla/following?page=1"):
            doc = await world.client.get(url, headers={**AS2, **headers})
            _assert_no_canary(await _body(doc), url)
            assert (await doc.get_json())["totalItems"] == 0, (who, url)
    page = await world.client.get(
        "/users/carla/following?page=1", headers={**AS2, **world.headers["owner"]}
    )
    assert (await page.get_json())["orderedItems"] == [world.space.uri]


async def test_search_finds_no_private_space_even_by_resolving_its_handle(world: World) -> None:
    queries = [
        f"/api/v2/search?q={CANARY}",
        f"/api/v2/search?q={CANARY}@testserver.example&resolve=true",
        f"/api/v2/search?q={world.space.uri}&resolve=true",
        f"/api/v1/accounts/search?q={CANARY}@testserver.example&resolve=true",
        f"/api/v1/accounts/search?q={CANARY[:4]}",
    ]
    for url in queries:
        for who in ("dario", "eve"):
            answer = await world.client.get(url, headers=world.headers[who])
            assert answer.status_code == 200, (url, who)
            _assert_no_canary(await _body(answer), f"{who} {url}")
    found = await world.client.get(
        f"/api/v2/search?q={CANARY}@testserver.example&resolve=true",
        headers=world.headers["carla"],
    )
    assert [a["username"] for a in (await found.get_json())["accounts"]] == [CANARY]


async def test_instance_status_count_leaves_private_space_posts_out(world: World) -> None:
    instance = await (await world.client.get("/api/v1/instance")).get_json()
    assert instance["stats"]["status_count"] == 1  # the public post only


async def test_nodeinfo_local_posts_leave_private_space_posts_out(world: World) -> None:
    nodeinfo = await (await world.client.get("/nodeinfo/2.1")).get_json()
    assert nodeinfo["usage"]["localPosts"] == 1


async def test_replies_inside_a_private_space_count_only_for_its_members(world: World) -> None:
    url = f"/api/v1/statuses/{world.public_post.id}"
    for who in ("dario", "eve"):
        seen = await (await world.client.get(url, headers=world.headers[who])).get_json()
        assert seen.get("replies_count") == 0, (who, seen)
    member_view = await (await world.client.get(url, headers=world.headers["owner"])).get_json()
    assert member_view["replies_count"] == 1


async def test_a_mention_of_the_space_in_a_public_post_names_nothing_to_outsiders(
    world: World,
) -> None:
    """A member's status naming the private space goes into it (`spaces.destination`), so
    outsiders cannot read it at all; its members read it with the mention."""
    post = await actions.create_post(
        world.settings, world.owner, "<p>see the ledger</p>", mentions=[world.space]
    )
    assert post.space_id == world.space.id and post.visibility == "space"
    url = f"/api/v1/statuses/{post.id}"
    for who in ("dario", "eve"):
        seen = await world.client.get(url, headers=world.headers[who])
        assert seen.status_code == 404, who
        _assert_no_canary(await _body(seen), who)
    member_view = await (await world.client.get(url, headers=world.headers["carla"])).get_json()
    assert [m["username"] for m in member_view["mentions"]] == [CANARY]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/accounts/{id}/statuses", None),
        ("post", "/api/v1/reports", {"account_id": "{id}", "comment": "x"}),
    ],
)
async def test_account_statuses_and_reports_answer_as_for_an_unused_id(
    world: World, method: str, path: str, body: dict[str, str] | None
) -> None:
    for who in ("dario", "eve"):
        answers = []
        for target in (str(world.space.id), UNUSED_ID):
            call = getattr(world.client, method)
            if body is None:
                response = await call(path.format(id=target), headers=world.headers[who])
            else:
                sent = {k: v.format(id=target) for k, v in body.items()}
                response = await call(path, headers=world.headers[who], json=sent)
            answers.append((response.status_code, await _body(response)))
        assert answers[0][0] == 404 and answers[0] == answers[1], (who, path)


async def test_the_space_inbox_answers_as_an_unused_name(world: World) -> None:
    """Anyone can POST to an inbox: a private space's must not confirm the name exists."""
    headers = {"Content-Type": "application/activity+json"}
    body = b'{"type": "Follow"}'
    secret = await world.client.post(f"/spaces/{CANARY}/inbox", headers=headers, data=body)
    unused = await world.client.post("/spaces/nobodyhere/inbox", headers=headers, data=body)
    assert secret.status_code == 404
    assert (secret.status_code, await _body(secret)) == (unused.status_code, await _body(unused))


async def test_reporting_a_post_one_cannot_see_answers_as_an_unused_post(world: World) -> None:
    """A report naming a private-space post of its author must not tell an outsider that the
    post exists: the answer is the one for a post id nobody ever had."""
    hidden = await Post.get(space_id=world.space.id, actor_id=world.carla.id)
    answers = []
    for status_id in (str(hidden.id), UNUSED_ID):
        response = await world.client.post(
            "/api/v1/reports",
            headers=world.headers["dario"],
            json={"account_id": str(world.carla.id), "status_ids": [status_id], "comment": "x"},
        )
        answers.append((response.status_code, await _body(response)))
    assert answers[0][0] == 404 and answers[0] == answers[1], answers
    from storage.models import Report

    assert await Report.filter(target=world.carla).count() == 0
