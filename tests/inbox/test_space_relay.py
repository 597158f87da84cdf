"""A public space relays a remote member's Like, edit and delete as it does a local member's.

FEP-1b12: the space Announces the activity to its followers. Before the inbox applied remote
activities through the core's actions, only local likes, edits and deletes were relayed, so a
space's remote followers never saw a remote member's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from actors.accounts import create_member, create_space
from baraza.settings import Settings
from federation.activities import PUBLIC
from inbox import processor
from outbox import actions, interactions
from storage.models import Activity, Actor, Delivery, Follow, Post
from tests.conftest import make_settings
from tests.inbox.signed import RemotePeer, body_of, remote_peer

AS = "https://www.w3.org/ns/activitystreams"


@pytest.fixture
def both(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def client(both: Settings) -> AsyncIterator[Any]:
    from baraza.app import create_app

    application = create_app(both, manage_database=False)
    async with application.test_app():
        yield application.test_client()


async def _deliver(client: Any, peer: RemotePeer, doc: dict) -> Activity:
    body = body_of(doc)
    response = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
    assert response.status_code == 202, await response.get_data()
    await processor.drain()
    row = await Activity.get(uri=doc["id"])
    assert row.state == "handled", row.error
    return row


async def _relayed_to(space: Actor, kind: str, object_id: str, host: str) -> bool:
    """Did the space Announce the `kind` activity about `object_id` to `host`'s inbox?"""
    for row in await Activity.filter(actor_uri=space.uri, type="Announce", local=True):
        inner = row.document.get("object")
        if not isinstance(inner, dict) or inner.get("type") != kind:
            continue
        target = inner.get("object")
        target = target.get("id") if isinstance(target, dict) else target
        if target == object_id and await Delivery.exists(activity_id=row.id, host=host):
            return True
    return False


def _inner_id(row: Activity) -> object:
    inner = row.document.get("object")
    return inner.get("id") if isinstance(inner, dict) else None


@pytest.fixture
async def world(client, both) -> dict[str, Any]:
    owner = await create_member(both, "amina")
    space = await create_space(both, "garden", private=False, owner=owner)
    fan = await remote_peer(host="other.example", name="fan")
    rita = await remote_peer(host="remote.example", name="rita")
    for peer in (fan, rita):
        await Follow.create(follower=peer.actor, target=space, accepted=True)
    return {"owner": owner, "space": space, "fan": fan, "rita": rita}


async def test_remote_like_is_relayed_like_a_local_one(client, both, world) -> None:
    space, rita = world["space"], world["rita"]
    post = await actions.create_post(both, world["owner"], "<p>in the garden</p>", space=space)
    local_fan = await create_member(both, "bruno")
    await interactions.like(both, local_fan, post)
    assert await _relayed_to(space, "Like", post.uri, "other.example")
    like = {
        "@context": AS,
        "id": "https://remote.example/likes/1",
        "type": "Like",
        "actor": rita.uri,
        "object": post.uri,
    }
    await _deliver(client, rita, like)
    announces = await Activity.filter(actor_uri=space.uri, type="Announce").all()
    relayed = [a for a in announces if _inner_id(a) == like["id"]]
    assert len(relayed) == 1
    assert await Delivery.exists(activity_id=relayed[0].id, host="other.example")


async def test_remote_edit_and_delete_are_relayed(client, both, world) -> None:
    space, rita = world["space"], world["rita"]
    note = {
        "id": "https://remote.example/notes/1",
        "type": "Note",
        "attributedTo": rita.uri,
        "content": "<p>first words</p>",
        "to": [PUBLIC, space.uri],
        "cc": [],
    }
    create = {"@context": AS, "id": "https://remote.example/c/1", "type": "Create"}
    await _deliver(client, rita, {**create, "actor": rita.uri, "object": note})
    post = await Post.get(uri=note["id"])
    assert post.space_id == space.id
    update = {
        "@context": AS,
        "id": "https://remote.example/u/1",
        "type": "Update",
        "actor": rita.uri,
        "object": {**note, "content": "<p>second words</p>"},
    }
    await _deliver(client, rita, update)
    assert await _relayed_to(space, "Update", note["id"], "other.example")
    delete = {
        "@context": AS,
        "id": "https://remote.example/d/1",
        "type": "Delete",
        "actor": rita.uri,
        "object": {"id": note["id"], "type": "Tombstone"},
    }
    await _deliver(client, rita, delete)
    assert await _relayed_to(space, "Delete", note["id"], "other.example")
    assert (await Post.get(id=post.id)).deleted_at is not None
