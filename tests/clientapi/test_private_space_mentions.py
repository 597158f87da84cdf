"""Mentioning a private space from outside it is plain text (issue 13, deliverable 3).

A non-member who types `@space` (or `@space@this-host`) gets no link, no Mention tag, no
notification for the space and nothing about it in the activity that federates: the same as
for a name nobody has. A member mentioning the space still links it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from actors.accounts import create_member, create_space
from clientapi.tokens import issue_token
from storage.models import Activity, Notification, Post

CANARY = "zanzibarvault"


@pytest.fixture
async def people(any_db: str, tmp_path: Any) -> Any:
    from baraza.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(any_db, tmp_path)
    application = create_app(settings, manage_database=False)
    async with application.test_app():
        owner = await create_member(settings, "owner")
        dario = await create_member(settings, "dario")
        space = await create_space(settings, CANARY, private=True, owner=owner)
        tokens = {}
        for m in (owner, dario):
            token, _ = await issue_token(m, "read write follow")
            tokens[m.username] = {"Authorization": f"Bearer {token}"}
        yield application.test_client(), space, owner, dario, tokens


def _without_ids(status: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in status.items()
        if k in ("content", "mentions", "tags", "visibility", "spoiler_text")
    }


@pytest.mark.parametrize("typed", [f"@{CANARY}", f"@{CANARY}@testserver.example"])
async def test_a_non_member_mention_of_a_private_space_is_plain_text(people, typed) -> None:
    client, space, _owner, _dario, tokens = people
    posted = await client.post(
        "/api/v1/statuses", headers=tokens["dario"], json={"status": f"hi {typed} there"}
    )
    nobody = await client.post(
        "/api/v1/statuses",
        headers=tokens["dario"],
        json={"status": f"hi {typed.replace(CANARY, 'nobodyhasit')} there"},
    )
    status = await posted.get_json()
    other = await nobody.get_json()
    assert posted.status_code == 200, status
    assert status["mentions"] == [] and "href" not in status["content"]
    # Exactly what a name nobody has gives, the name aside.
    assert json.dumps(_without_ids(status)).replace(CANARY, "nobodyhasit") == json.dumps(
        _without_ids(other)
    )
    post = await Post.get(id=int(status["id"]))
    assert not [t for t in post.tags if t.get("type") == "Mention"]
    assert space.uri not in post.to + post.cc
    assert not await Notification.exists(recipient=space)
    for doc in await Activity.filter(local=True).values_list("document", flat=True):
        assert space.uri not in json.dumps(doc)


async def test_a_non_member_edit_cannot_add_the_mention_either(people) -> None:
    client, _space, _owner, _dario, tokens = people
    posted = await (
        await client.post("/api/v1/statuses", headers=tokens["dario"], json={"status": "hi"})
    ).get_json()
    edited = await client.put(
        f"/api/v1/statuses/{posted['id']}",
        headers=tokens["dario"],
        json={"status": f"hi @{CANARY}"},
    )
    assert (await edited.get_json())["mentions"] == []
    post = await Post.get(id=int(posted["id"]))
    assert not [t for t in post.tags if t.get("type") == "Mention"]


async def test_a_member_still_mentions_the_space(people) -> None:
    client, _space, _owner, _dario, tokens = people
    posted = await client.post(
        "/api/v1/statuses", headers=tokens["owner"], json={"status": f"hi @{CANARY}"}
    )
    status = await posted.get_json()
    assert [m["username"] for m in status["mentions"]] == [CANARY]
