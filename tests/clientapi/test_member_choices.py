"""Blocks, mutes and domain blocks lists; pins; muted threads; accounts and statuses by id.

Through the real client API, as an app calls it; each test fails if its feature broke.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from baraza.ids import new_id
from baraza.settings import Settings
from outbox import graph
from outbox.received import Received
from outbox.surface import notify
from storage.models import (
    Activity,
    Actor,
    Block,
    Delivery,
    Follow,
    Mute,
    Notification,
    Post,
    UserDomainBlock,
)
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    """These tests run on SQLite and, when configured, PostgreSQL."""
    return make_settings(any_db, tmp_path)


async def _post(client: Any, auth: dict, text: str, **extra: Any) -> dict:
    response = await client.post("/api/v1/statuses", headers=auth, json={"status": text, **extra})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def _remote(name: str, domain: str) -> Actor:
    return await Actor.create(
        uri=f"https://{domain}/users/{name}",
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"https://{domain}/users/{name}/inbox",
        shared_inbox_url=f"https://{domain}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_key_pem="x",
    )


async def _remote_post(author: Actor, text: str, **extra: Any) -> Post:
    post_id = new_id()
    return await Post.create(
        id=post_id,
        uri=f"{author.uri}/statuses/{post_id}",
        actor=author,
        content=f"<p>{text}</p>",
        visibility="public",
        to=["https://www.w3.org/ns/activitystreams#Public"],
        published=datetime.now(UTC),
        **extra,
    )


async def test_blocks_and_mutes_are_listed_and_paged(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    others = [(await member_with_token(settings, f"p{i}"))[0] for i in range(3)]
    for other in others:
        await client.post(f"/api/v1/accounts/{other.id}/block", headers=auth)
    await client.post(f"/api/v1/accounts/{others[0].id}/mute", headers=auth)
    blocks = await client.get("/api/v1/blocks?limit=2", headers=auth)
    assert blocks.status_code == 200
    assert [a["username"] for a in await blocks.get_json()] == ["p2", "p1"]
    assert 'rel="next"' in blocks.headers["Link"]
    next_url = blocks.headers["Link"].split(";")[0].strip("<>")
    rest = await client.get(next_url.replace("https://testserver.example", ""), headers=auth)
    assert [a["username"] for a in await rest.get_json()] == ["p0"]
    mutes = await (await client.get("/api/v1/mutes", headers=auth)).get_json()
    assert [a["username"] for a in mutes] == ["p0"]
    assert await Block.filter(actor=amina).count() == 3
    _, no_scope = await member_with_token(settings, "reader", "read:statuses")
    assert (await client.get("/api/v1/blocks", headers=no_scope)).status_code == 403
    assert (await client.get("/api/v1/mutes")).status_code == 401


async def test_domain_block_hides_posts_and_notifications_and_removes_followers(
    client, settings
) -> None:
    amina, auth = await member_with_token(settings, "amina")
    troll = await _remote("troll", "bad.example")
    friend = await _remote("friend", "eu.bad.example")
    other = await _remote("other", "good.example")
    for author in (troll, friend, other):
        await Follow.create(follower=amina, target=author, accepted=True)
    await Follow.create(follower=troll, target=amina, accepted=True, uri=f"{troll.uri}#follow")
    await Follow.create(follower=other, target=amina, accepted=True, uri=f"{other.uri}#follow")
    await _remote_post(troll, "troll post")
    await _remote_post(friend, "subdomain post")
    kept = await _remote_post(other, "good post")

    response = await client.post(
        "/api/v1/domain_blocks", headers=auth, form={"domain": "Bad.Example"}
    )
    assert response.status_code == 200 and await response.get_json() == {}
    listed = await (await client.get("/api/v1/domain_blocks", headers=auth)).get_json()
    assert listed == ["bad.example"]

    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert [s["id"] for s in home] == [str(kept.id)]
    relations = await (
        await client.get(
            f"/api/v1/accounts/relationships?id[]={friend.id}&id[]={other.id}", headers=auth
        )
    ).get_json()
    assert [r["domain_blocking"] for r in relations] == [True, False]
    # Followers there are removed and their server told with a Reject; ours stay, as Mastodon.
    assert not await Follow.exists(follower=troll, target=amina)
    assert await Follow.exists(follower=other, target=amina)
    assert await Follow.exists(follower=amina, target=troll)
    reject = await Activity.get(type="Reject")
    assert reject.document["object"]["id"] == f"{troll.uri}#follow"
    assert await Delivery.filter(activity=reject, host="bad.example").exists()
    # Notifications from the domain stop, except from an account the member follows.
    stranger = await _remote("stranger", "bad.example")
    assert await notify(amina, "follow", stranger) is None
    assert await notify(amina, "follow", troll) is not None  # followed: still heard
    assert await notify(amina, "follow", other) is not None
    # New follows from the domain are refused (a Reject goes back).
    await graph.follow(
        settings,
        stranger,
        amina,
        received=Received(f"{stranger.uri}#f2", {"id": f"{stranger.uri}#f2", "type": "Follow"}),
    )
    assert not await Follow.exists(follower=stranger, target=amina)

    response = await client.delete("/api/v1/domain_blocks?domain=bad.example", headers=auth)
    assert response.status_code == 200
    assert await UserDomainBlock.filter(actor=amina).count() == 0
    home = await (await client.get("/api/v1/timelines/home", headers=auth)).get_json()
    assert len(home) == 3


async def test_domain_block_refuses_nonsense_and_our_own_server(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    for body in ({"domain": ""}, {"domain": "not a domain"}, {}, {"domain": ["x.org"]}):
        response = await client.post("/api/v1/domain_blocks", headers=auth, json=body)
        assert response.status_code == 422, body
        assert "error" in await response.get_json()
    response = await client.post(
        "/api/v1/domain_blocks", headers=auth, json={"domain": settings.host}
    )
    assert response.status_code == 422
    assert await UserDomainBlock.all().count() == 0


async def test_pins(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    _, bruno_auth = await member_with_token(settings, "bruno")
    posts = [await _post(client, auth, f"post {i}") for i in range(6)]
    for post in posts[:5]:
        response = await client.post(f"/api/v1/statuses/{post['id']}/pin", headers=auth)
        assert response.status_code == 200
        assert (await response.get_json())["pinned"] is True
    sixth = await client.post(f"/api/v1/statuses/{posts[5]['id']}/pin", headers=auth)
    assert sixth.status_code == 422
    assert "at most 5" in (await sixth.get_json())["error"]
    again = await client.post(f"/api/v1/statuses/{posts[0]['id']}/pin", headers=auth)
    assert again.status_code == 200  # already pinned: no change, no error
    pinned = await (
        await client.get(f"/api/v1/accounts/{amina.id}/statuses?pinned=true", headers=bruno_auth)
    ).get_json()
    assert {s["id"] for s in pinned} == {p["id"] for p in posts[:5]}
    assert "pinned" not in pinned[0]  # `pinned` is told to the author only
    # Not someone else's, not a followers-only post.
    theirs = await client.post(f"/api/v1/statuses/{posts[5]['id']}/pin", headers=bruno_auth)
    assert theirs.status_code == 422
    await client.post(f"/api/v1/statuses/{posts[0]['id']}/unpin", headers=auth)
    private = await _post(client, auth, "friends only", visibility="private")
    refused = await client.post(f"/api/v1/statuses/{private['id']}/pin", headers=auth)
    assert refused.status_code == 422
    assert await Post.filter(actor=amina, pinned=True).count() == 4
    unpinned = await client.post(f"/api/v1/statuses/{posts[1]['id']}/unpin", headers=auth)
    assert (await unpinned.get_json())["pinned"] is False
    _, no_scope = await member_with_token(settings, "carla", "read write:statuses")
    response = await client.post(f"/api/v1/statuses/{posts[2]['id']}/unpin", headers=no_scope)
    assert response.status_code == 403  # pinning needs write:accounts, as in Mastodon


async def test_muting_a_thread_silences_its_notifications(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    root = await _post(client, auth, "a thread")
    reply = await _post(client, bruno_auth, "@amina first", in_reply_to_id=root["id"])
    assert await Notification.filter(recipient=amina, type="mention").count() == 1
    muted = await client.post(f"/api/v1/statuses/{reply['id']}/mute", headers=auth)
    assert muted.status_code == 200
    assert (await muted.get_json())["muted"] is True
    shown = await (await client.get(f"/api/v1/statuses/{root['id']}", headers=auth)).get_json()
    assert shown["muted"] is True  # the whole thread, from any post in it
    deeper = await _post(client, bruno_auth, "@amina second", in_reply_to_id=reply["id"])
    await client.post(f"/api/v1/statuses/{root['id']}/favourite", headers=bruno_auth)
    assert await Notification.filter(recipient=amina).count() == 1
    elsewhere = await _post(client, auth, "another thread")
    await client.post(f"/api/v1/statuses/{elsewhere['id']}/favourite", headers=bruno_auth)
    assert await Notification.filter(recipient=amina, type="favourite").count() == 1
    await client.post(f"/api/v1/statuses/{deeper['id']}/unmute", headers=auth)
    await _post(client, bruno_auth, "@amina third", in_reply_to_id=deeper["id"])
    assert await Notification.filter(recipient=amina, type="mention").count() == 2
    shown = await (await client.get(f"/api/v1/statuses/{root['id']}", headers=auth)).get_json()
    assert shown["muted"] is False
    assert bruno.id  # bruno's own view is untouched
    his = await (await client.get(f"/api/v1/statuses/{root['id']}", headers=bruno_auth)).get_json()
    assert his["muted"] is False


async def test_statuses_by_id_answer_only_what_the_caller_may_see(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    _, bruno_auth = await member_with_token(settings, "bruno")
    public = await _post(client, auth, "for all")
    secret = await _post(client, auth, "just friends", visibility="private")
    direct = await _post(client, auth, "@bruno hi", visibility="direct")
    query = f"id[]={secret['id']}&id[]={public['id']}&id[]={direct['id']}&id[]=999999"
    mine = await (await client.get(f"/api/v1/statuses?{query}", headers=auth)).get_json()
    assert [s["id"] for s in mine] == [secret["id"], public["id"], direct["id"]]
    his = await (await client.get(f"/api/v1/statuses?{query}", headers=bruno_auth)).get_json()
    assert [s["id"] for s in his] == [public["id"], direct["id"]]
    bad = await client.get("/api/v1/statuses?id[]=x", headers=auth)
    assert bad.status_code == 422
    many = "&".join(f"id[]={i}" for i in range(1, 90))
    assert (await client.get(f"/api/v1/statuses?{many}", headers=auth)).status_code == 422


async def test_accounts_by_id_and_familiar_followers(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, _ = await member_with_token(settings, "bruno")
    carla, _ = await member_with_token(settings, "carla")
    dario, _ = await member_with_token(settings, "dario")
    from actors.accounts import create_space

    hidden = await create_space(settings, "casefiles", private=True)
    query = f"id[]={carla.id}&id[]={hidden.id}&id[]={bruno.id}&id[]=424242"
    found = await (await client.get(f"/api/v1/accounts?{query}", headers=auth)).get_json()
    assert [a["username"] for a in found] == ["carla", "bruno"]  # a private space: absent
    for follower in (bruno, dario):
        await Follow.create(follower=amina, target=follower, accepted=True)
        await Follow.create(follower=follower, target=carla, accepted=True)
    await Follow.create(follower=dario, target=bruno, accepted=True)
    familiar = await (
        await client.get(
            f"/api/v1/accounts/familiar_followers?id[]={carla.id}&id[]={bruno.id}", headers=auth
        )
    ).get_json()
    assert familiar[0]["id"] == str(carla.id)
    assert sorted(a["username"] for a in familiar[0]["accounts"]) == ["bruno", "dario"]
    assert [a["username"] for a in familiar[1]["accounts"]] == ["dario"]
    assert (await client.get("/api/v1/accounts/familiar_followers")).status_code == 401


async def test_mutes_list_leaves_out_mutes_of_others(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    bruno, bruno_auth = await member_with_token(settings, "bruno")
    await Mute.create(actor=bruno, target=amina)
    assert await (await client.get("/api/v1/mutes", headers=auth)).get_json() == []
    listed = await (await client.get("/api/v1/mutes", headers=bruno_auth)).get_json()
    assert [a["id"] for a in listed] == [str(amina.id)]


async def test_batches_read_logged_out_like_any_public_read(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    public = await _post(client, auth, "for all")
    secret = await _post(client, auth, "just friends", visibility="private")
    anon = await client.get(f"/api/v1/statuses?id[]={public['id']}&id[]={secret['id']}")
    assert anon.status_code == 200
    assert [s["id"] for s in await anon.get_json()] == [public["id"]]
    accounts = await (await client.get(f"/api/v1/accounts?id[]={amina.id}")).get_json()
    assert [a["username"] for a in accounts] == ["amina"]


async def test_pins_are_the_actors_featured_collection(client, settings) -> None:
    _, auth = await member_with_token(settings, "amina")
    first = await _post(client, auth, "pin me")
    await _post(client, auth, "not pinned")
    await client.post(f"/api/v1/statuses/{first['id']}/pin", headers=auth)
    as2 = {"Accept": "application/activity+json"}
    actor = await (await client.get("/users/amina", headers=as2)).get_json()
    assert actor["featured"] == "https://testserver.example/users/amina/collections/featured"
    featured = await (await client.get("/users/amina/collections/featured", headers=as2)).get_json()
    assert featured["type"] == "OrderedCollection" and featured["totalItems"] == 1
    assert [n["id"] for n in featured["orderedItems"]] == [first["uri"]]
    await client.post(f"/api/v1/statuses/{first['id']}/unpin", headers=auth)
    featured = await (await client.get("/users/amina/collections/featured", headers=as2)).get_json()
    assert featured["orderedItems"] == []
    assert (await client.get("/users/nobody/collections/featured", headers=as2)).status_code == 404


async def test_a_blocked_domain_stays_off_the_streams(client, settings) -> None:
    import asyncio
    import json

    from clientapi.tokens import issue_token
    from inbox import processor
    from tests.inbox.signed import body_of, remote_peer

    bilal, auth = await member_with_token(settings, "bilal")
    token, _ = await issue_token(bilal, "read write follow")
    rita = await remote_peer("bad.example", "rita")
    zoe = await remote_peer("good.example", "zoe")
    for peer in (rita, zoe):  # followed, so their posts are wanted here at all
        await Follow.create(follower=bilal, target=peer.actor, accepted=True)
    await client.post("/api/v1/domain_blocks", headers=auth, json={"domain": "bad.example"})

    async def deliver(peer: Any, number: int) -> None:
        note = {
            "id": f"https://{peer.host}/notes/{number}",
            "type": "Note",
            "attributedTo": peer.uri,
            "content": f"<p>note {number} from {peer.host}</p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [],
        }
        body = body_of(
            {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"https://{peer.host}/create/{number}",
                "type": "Create",
                "actor": peer.uri,
                "object": note,
            }
        )
        answer = await client.post("/inbox", data=body, headers=peer.signed_headers("/inbox", body))
        assert answer.status_code == 202, await answer.get_data()
        await processor.drain()

    async with client.websocket(
        "/api/v1/streaming", query_string={"stream": "user", "access_token": token}
    ) as ws:
        await asyncio.sleep(0.2)
        await deliver(rita, 1)
        await deliver(zoe, 2)
        frame = json.loads(await asyncio.wait_for(ws.receive(), 5))
        assert "good.example" in json.loads(frame["payload"])["content"]
        try:
            extra = json.loads(await asyncio.wait_for(ws.receive(), 0.5))
        except TimeoutError:
            extra = None
        assert extra is None, extra


async def test_a_pin_is_told_to_remote_followers_as_add_and_remove(client, settings) -> None:
    amina, auth = await member_with_token(settings, "amina")
    fan = await _remote("fan", "fans.example")
    await Follow.create(follower=fan, target=amina, accepted=True, uri=f"{fan.uri}#f")
    post = await _post(client, auth, "pinned news")
    await client.post(f"/api/v1/statuses/{post['id']}/pin", headers=auth)
    add = await Activity.get(type="Add")
    featured = f"{amina.uri}/collections/featured"
    assert (add.document["object"], add.document["target"]) == (post["uri"], featured)
    assert await Delivery.filter(activity=add, host="fans.example").exists()
    await client.post(f"/api/v1/statuses/{post['id']}/pin", headers=auth)  # no change
    assert await Activity.filter(type="Add").count() == 1
    await client.post(f"/api/v1/statuses/{post['id']}/unpin", headers=auth)
    remove = await Activity.get(type="Remove")
    assert remove.document["object"] == post["uri"] and remove.document["target"] == featured
    assert await Delivery.filter(activity=remove, host="fans.example").exists()
