"""An archived or restricted space obeys the same rules from the inbox as from local apps
(`spaces.space_rules`): a remote member's reply or mention of an archived space is stored as
an ordinary post outside it, a newcomer's Follow is rejected, a restricted space relays no
ordinary member's post; and the web app's compose form and C2S refuse a local member's post."""

from __future__ import annotations

from typing import Any

from actors.accounts import create_member, join_space
from clientapi.tokens import issue_token
from federation.activities import PUBLIC
from outbox import actions
from spaces import administration
from storage.models import Announce, Delivery, Follow, Post
from tests.inbox.signed import remote_peer
from tests.inbox.test_space_relay import AS, _deliver, both, client, world
from tests.inbox.test_space_replies import _reply

__all__ = ["both", "client", "world"]


def _mention(peer: Any, number: int, space: Any) -> dict[str, Any]:
    note = {
        "id": f"https://{peer.host}/notes/{number}",
        "type": "Note",
        "attributedTo": peer.uri,
        "content": "<p>@garden hello</p>",
        "to": [PUBLIC],
        "cc": [f"{peer.uri}/followers", space.uri],
        "tag": [{"type": "Mention", "href": space.uri, "name": "@garden"}],
    }
    return {
        "@context": AS,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": peer.uri,
        "object": note,
    }


async def test_an_archived_space_takes_nothing_from_remote_members(client, both, world) -> None:
    space, rita = world["space"], world["rita"]
    parent = await actions.create_post(both, world["owner"], "<p>in the garden</p>", space=space)
    await parent.fetch_related("actor")
    await administration.archive("root@testserver.example", space, on=True)
    await _deliver(client, rita, _reply(rita, 11, parent, public=True))
    await _deliver(client, rita, _mention(rita, 12, space))
    for number in ("reply-11", "12"):
        row = await Post.get(uri=f"https://{rita.host}/notes/{number}")
        assert row.space_id is None, number  # kept, as the author's own post
        assert not await Announce.filter(post=row).exists(), number
    newcomer = await remote_peer(host="new.example", name="nia")
    follow = {
        "@context": AS,
        "id": "https://new.example/follows/1",
        "type": "Follow",
        "actor": newcomer.uri,
        "object": space.uri,
    }
    await _deliver(client, newcomer, follow)
    assert not await Follow.exists(follower=newcomer.actor, target=space)
    rejected = await Delivery.filter(host="new.example").prefetch_related("activity")
    assert [d.activity.type for d in rejected] == ["Reject"]


async def test_a_restricted_space_relays_only_its_moderators(client, both, world) -> None:
    space, rita = world["space"], world["rita"]
    await administration.restrict_posting(both, "root@testserver.example", space, on=True)
    await _deliver(client, rita, _mention(rita, 21, space))
    row = await Post.get(uri=f"https://{rita.host}/notes/21")
    assert not await Announce.filter(post=row).exists()


async def test_compose_and_c2s_refuse_a_post_into_an_archived_space(client, both, world) -> None:
    from tests.webapp.browser import page, sign_in, submit

    space = world["space"]
    carla = await create_member(both, "carla", password="battery staple horse")
    await join_space(space, carla)
    await administration.archive("root@testserver.example", space, on=True)
    token, _refresh = await issue_token(carla, "read write follow")
    note = {"type": "Note", "content": "<p>hello</p>", "to": [PUBLIC, space.uri]}
    c2s = await client.post(
        carla.outbox_url.split("testserver.example", 1)[1],
        json=note,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/activity+json"},
    )
    assert c2s.status_code == 422, await c2s.get_data()
    assert "archived" in (await c2s.get_json())["error"]
    await sign_in(client, "carla", "battery staple horse")
    status, _html = await page(client, "/compose")
    assert status == 200
    form = {"status": "hello", "visibility": "public", "space": str(space.id)}
    composed = await submit(client, "/compose", form, from_page="/compose")
    assert composed.status_code == 422
    assert "archived" in await composed.get_data(as_text=True)
    assert not await Post.filter(actor=carla).exists()


async def test_a_remote_edit_leaves_an_archived_spaces_post_as_it_was(client, both, world) -> None:
    space, rita = world["space"], world["rita"]
    create = _mention(rita, 31, space)
    await _deliver(client, rita, create)
    row = await Post.get(uri=create["object"]["id"])
    assert row.space_id == space.id
    await administration.archive("root@testserver.example", space, on=True)
    edited = {**create["object"], "content": "<p>rewritten later</p>"}
    update = {
        "@context": AS,
        "id": f"{edited['id']}/update",
        "type": "Update",
        "actor": rita.uri,
        "object": edited,
    }
    await _deliver(client, rita, update)
    assert "rewritten" not in (await Post.get(id=row.id)).content
