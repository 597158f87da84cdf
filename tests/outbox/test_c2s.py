"""The C2S outbox is a door like the Mastodon API: same scopes, same rules, same effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from actors.accounts import create_member, create_space
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox import actions
from outbox.c2s import scope_for
from storage.models import Actor, Block, Follow, Like, Notification, Post
from tests.conftest import make_settings

AS2 = "application/activity+json"


@pytest.mark.parametrize(
    ("kind", "inner", "scope"),
    [
        ("Create", "Note", "write:statuses"),
        ("Note", None, "write:statuses"),
        ("Question", None, "write:statuses"),
        ("Update", "Note", "write:statuses"),
        ("Delete", None, "write:statuses"),
        ("Announce", None, "write:statuses"),
        ("Like", None, "write:favourites"),
        ("Follow", None, "write:follows"),
        ("Block", None, "write:blocks"),
        ("Undo", "Like", "write:favourites"),
        ("Undo", "Announce", "write:statuses"),
        ("Undo", "Follow", "write:follows"),
        ("Undo", "Block", "write:blocks"),
        ("Undo", None, "write"),
        ("Undo", "Wiggle", "write"),
        ("Wiggle", None, "write"),
        (None, None, "write"),
        (["Like"], None, "write"),
    ],
)
def test_scope_for_each_activity(kind: Any, inner: Any, scope: str) -> None:
    assert scope_for(kind, inner) == scope


@pytest.fixture
def both(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def client(both: Settings) -> AsyncIterator[Any]:
    from baraza.app import create_app

    application = create_app(both, manage_database=False)
    async with application.test_app():
        yield application.test_client()


async def _send(client: Any, member: str, token: str, doc: dict) -> tuple[int, Any]:
    response = await client.post(
        f"/users/{member}/outbox",
        data=orjson.dumps(doc),
        headers={"Authorization": f"Bearer {token}", "Content-Type": AS2},
    )
    return response.status_code, await response.get_json()


async def test_read_only_token_cannot_write(client, both) -> None:
    amina = await create_member(both, "amina")
    bruno = await create_member(both, "bruno")
    post = await actions.create_post(both, bruno, "<p>public</p>")
    mine = await actions.create_post(both, amina, "<p>mine</p>")
    token, _ = await issue_token(amina, "read")
    for doc in (
        {"type": "Note", "content": "<p>hi</p>", "to": ["as:Public"]},
        {"type": "Like", "object": post.uri},
        {"type": "Follow", "object": bruno.uri},
        {"type": "Delete", "object": mine.uri},
    ):
        code, body = await _send(client, "amina", token, doc)
        assert code == 403, (doc["type"], body)
    assert await Post.filter(actor=amina).count() == 1
    assert (await Post.get(id=mine.id)).deleted_at is None
    assert not await Like.exists(actor=amina)
    assert not await Follow.exists(follower=amina)


async def test_like_of_a_hidden_post_is_answered_as_a_missing_one(client, both) -> None:
    owner = await create_member(both, "owner")
    outsider = await create_member(both, "outsider")
    space = await create_space(both, "casefiles", private=True, owner=owner)
    hidden = await actions.create_post(both, owner, "<p>CANARY</p>", space=space)
    token, _ = await issue_token(outsider, "read write follow")
    missing = hidden.uri.rsplit("/", 1)[0] + "/1234567"
    answers = []
    for uri in (hidden.uri, missing):
        for kind in ("Like", "Announce", "Delete"):
            answers.append(await _send(client, "outsider", token, {"type": kind, "object": uri}))
    assert answers[:3] == answers[3:]
    assert {code for code, _ in answers} == {404}
    assert not await Like.exists(post=hidden)
    assert (await Post.get(id=hidden.id)).deleted_at is None


async def test_follow_of_someone_who_blocks_you_is_refused(client, both) -> None:
    amina = await create_member(both, "amina")
    bruno = await create_member(both, "bruno")
    await Block.create(actor=bruno, target=amina)
    token, _ = await issue_token(amina, "read write follow")
    code, body = await _send(client, "amina", token, {"type": "Follow", "object": bruno.uri})
    assert code == 422, body
    assert not await Follow.exists(follower=amina, target=bruno)


async def test_like_and_follow_notify_like_the_api(client, both) -> None:
    amina = await create_member(both, "amina")
    bruno = await create_member(both, "bruno")
    post = await actions.create_post(both, amina, "<p>hello</p>")
    token, _ = await issue_token(bruno, "read write follow")
    assert (await _send(client, "bruno", token, {"type": "Like", "object": post.uri}))[0] == 201
    assert (await _send(client, "bruno", token, {"type": "Follow", "object": amina.uri}))[0] == 201
    notes = await Notification.filter(recipient=amina).order_by("id")
    assert [(n.type, n.account_id) for n in notes] == [
        ("favourite", bruno.id),
        ("follow", bruno.id),
    ]


async def test_follow_of_a_private_space_is_answered_as_a_missing_actor(client, both) -> None:
    owner = await create_member(both, "owner")
    outsider = await create_member(both, "outsider")
    space = await create_space(both, "casefiles", private=True, owner=owner)
    token, _ = await issue_token(outsider, "read write follow")
    missing = space.uri.rsplit("/", 1)[0] + "/nobody-here"
    hidden = await _send(client, "outsider", token, {"type": "Follow", "object": space.uri})
    absent = await _send(client, "outsider", token, {"type": "Follow", "object": missing})
    assert hidden == absent
    assert hidden[0] == 404
    assert not await Follow.exists(follower=outsider, target=await Actor.get(id=space.id))
