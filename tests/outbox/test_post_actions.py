"""The post lifecycle as actions: each commits its state and its deliveries together, then
surfaces itself the same way from every door (API, C2S, inbox).

Finding 5 of issue 13: a post was committed, then its deliveries in a second transaction, so a
crash in between left a post that never federated; an inbound Create handled twice notified
twice; a C2S post notified nobody it mentioned.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from actors.accounts import create_member, create_space, join_space
from baraza.ids import new_id
from federation.activities import PUBLIC, parse_activity
from inbox import processor
from outbox import actions, stream_bus
from outbox.edits import edit_post
from outbox.polls import new_poll
from outbox.surface import notify
from outbox.votes import vote
from storage.models import (
    Activity,
    Actor,
    Announce,
    Delivery,
    Follow,
    MediaAttachment,
    Notification,
    Post,
)
from tests.clientapi.helpers import member_with_token
from tests.conftest import make_settings
from tests.inbox.signed import remote_peer


class DeliveryInsertFailed(Exception):
    """Stands for any failure while the delivery rows are written (disk full, a crash...)."""


@pytest.fixture
def settings_any(any_db: str, tmp_path: Path):
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def app_any(settings_any) -> AsyncIterator[object]:
    from baraza.app import create_app

    application = create_app(settings_any, manage_database=False)
    async with application.test_app():
        yield application


@pytest.fixture
def failing_deliveries(monkeypatch: pytest.MonkeyPatch) -> None:
    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)


async def _followed_member(settings, name: str = "amina") -> tuple[Actor, Actor]:
    """A member with one remote follower, so every post of theirs has a delivery row."""
    member = await create_member(settings, name)
    peer = await remote_peer()
    await Follow.create(follower=peer.actor, target=member, accepted=True, uri=f"{peer.uri}/f/1")
    return member, peer.actor


# (a) atomicity: a failure while writing the deliveries leaves nothing of the action behind


async def test_a_post_whose_deliveries_fail_is_not_stored(
    settings_any, failing_deliveries: None
) -> None:
    member, _ = await _followed_member(settings_any)
    with pytest.raises(DeliveryInsertFailed):
        await actions.create_post(settings_any, member, "<p>never half-stored</p>")
    assert await Post.all().count() == 0
    assert await Activity.all().count() == 0


@pytest.mark.parametrize("kind", ["reply", "poll", "talk"])
async def test_every_kind_of_post_is_stored_with_its_deliveries_or_not_at_all(
    settings_any, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from spaces.talks import Talk, publish_talk

    member, rita = await _followed_member(settings_any)
    space = await create_space(settings_any, "climate", private=False, owner=member)
    await join_space(space, member)
    parent = await Post.create(
        id=new_id(),
        uri=f"{rita.uri}/notes/1",
        actor=rita,
        local=False,
        content="<p>parent</p>",
        visibility="public",
        to=[PUBLIC],
        cc=[],
        published=datetime.now(UTC),
    )

    async def make() -> Post:
        if kind == "reply":
            return await actions.create_post(settings_any, member, "<p>re</p>", in_reply_to=parent)
        if kind == "poll":
            poll = new_poll(["a", "b"], 3600, False, False, datetime.now(UTC))
            return await actions.create_post(
                settings_any, member, "<p>?</p>", post_type="Question", poll=poll
            )
        talk = Talk("Court date", "<p>All welcome</p>", datetime.now(UTC), None, "")
        return await publish_talk(settings_any, member, space, talk)

    real = Delivery.bulk_create

    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)
    with pytest.raises(DeliveryInsertFailed):
        await make()
    assert await Post.filter(local=True).count() == 0
    assert await Activity.all().count() == 0
    monkeypatch.setattr(Delivery, "bulk_create", real)
    post = await make()
    create = await Activity.get(type="Create", object_uri=post.uri)
    assert await Delivery.filter(activity=create).count() == 1  # rita, the author's follower


async def test_a_post_in_a_public_space_is_stored_with_the_spaces_relay(
    settings_any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = await create_member(settings_any, "amina")
    space = await create_space(settings_any, "climate", private=False, owner=member)
    await join_space(space, member)
    peer = await remote_peer()
    await Follow.create(follower=peer.actor, target=space, accepted=True, uri=f"{peer.uri}/f/2")
    real = Delivery.bulk_create
    calls: list[int] = []

    async def fail_on_the_relay(objs: list[Delivery], **kwargs: object) -> object:
        calls.append(len(objs))
        if objs[0].signer_id == space.id:
            raise DeliveryInsertFailed
        return await real(objs, **kwargs)

    monkeypatch.setattr(Delivery, "bulk_create", fail_on_the_relay)
    with pytest.raises(DeliveryInsertFailed):
        await actions.create_post(settings_any, member, "<p>relayed or nothing</p>", space=space)
    assert calls, "the relay's deliveries were attempted inside the action"
    assert await Post.all().count() == 0
    assert await Announce.all().count() == 0
    assert await Activity.all().count() == 0

    monkeypatch.setattr(Delivery, "bulk_create", real)
    post = await actions.create_post(settings_any, member, "<p>relayed</p>", space=space)
    assert await Announce.exists(actor=space, post=post)
    assert await Delivery.filter(signer=space).count() == 1


async def test_a_delete_whose_deliveries_fail_keeps_the_post(
    settings_any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member, _ = await _followed_member(settings_any)
    post = await actions.create_post(settings_any, member, "<p>still here</p>")

    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)
    with pytest.raises(DeliveryInsertFailed):
        await actions.delete_post(settings_any, member, await Post.get(id=post.id))
    assert (await Post.get(id=post.id)).deleted_at is None
    assert await Activity.filter(type="Delete").count() == 0


async def test_an_edit_whose_deliveries_fail_keeps_the_old_text(
    settings_any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member, _ = await _followed_member(settings_any)
    post = await actions.create_post(settings_any, member, "<p>first</p>")

    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)
    with pytest.raises(DeliveryInsertFailed):
        await edit_post(
            settings_any,
            member,
            await Post.get(id=post.id),
            content_html="<p>second</p>",
            summary="",
            sensitive=False,
            language="en",
        )
    stored = await Post.get(id=post.id)
    assert stored.content == "<p>first</p>" and stored.edited_at is None
    assert await Activity.filter(type="Update").count() == 0


async def test_a_vote_whose_delivery_fails_is_not_counted(
    settings_any, monkeypatch: pytest.MonkeyPatch
) -> None:
    member = await create_member(settings_any, "amina")
    peer = await remote_peer()
    poll = new_poll(["yes", "no"], 3600, False, False, datetime.now(UTC))
    question = await Post.create(
        id=new_id(),
        uri=f"{peer.uri}/questions/1",
        actor=peer.actor,
        local=False,
        type="Question",
        content="<p>?</p>",
        visibility="public",
        to=[PUBLIC],
        cc=[],
        poll=poll,
        published=datetime.now(UTC),
    )

    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)
    with pytest.raises(DeliveryInsertFailed):
        await vote(settings_any, member, question, [0])
    stored = await Post.get(id=question.id)
    assert stored.poll["votes"] == {} and stored.poll["options"][0]["votes"] == 0
    assert await Activity.all().count() == 0


async def test_through_the_api_a_failed_delivery_insert_leaves_no_post_and_no_media_claimed(
    app_any, settings_any, failing_deliveries: None
) -> None:
    member, auth = await member_with_token(settings_any, "amina")
    peer = await remote_peer()
    await Follow.create(follower=peer.actor, target=member, accepted=True, uri=f"{peer.uri}/f/1")
    media = await MediaAttachment.create(
        id=new_id(), owner=member, sha256="0" * 64, content_type="image/png", size=1
    )
    client = app_any.test_client()  # type: ignore[attr-defined]
    response = await client.post(
        "/api/v1/statuses", json={"status": "hello", "media_ids": [str(media.id)]}, headers=auth
    )
    assert response.status_code == 500
    assert await Post.all().count() == 0
    assert await Activity.all().count() == 0
    assert (await MediaAttachment.get(id=media.id)).post_id is None, "free to use again"


async def test_a_post_retried_with_its_idempotency_key_after_a_failure_is_made_once(
    app_any, settings_any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key is stored with the post: a retry after a failure (or a crash) neither finds a
    key without its post nor a post without its key, so it posts exactly once."""
    member, auth = await member_with_token(settings_any, "amina")
    peer = await remote_peer()
    await Follow.create(follower=peer.actor, target=member, accepted=True, uri=f"{peer.uri}/f/1")
    client = app_any.test_client()  # type: ignore[attr-defined]
    headers = {**auth, "Idempotency-Key": "retry-me"}
    real = Delivery.bulk_create

    async def fail(*_args: object, **_kwargs: object) -> None:
        raise DeliveryInsertFailed

    monkeypatch.setattr(Delivery, "bulk_create", fail)
    failed = await client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
    assert failed.status_code == 500
    monkeypatch.setattr(Delivery, "bulk_create", real)
    answers = await asyncio.gather(
        *(
            client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
            for _ in range(3)
        )
    )
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({(await a.get_json())["id"] for a in answers}) == 1
    assert await Post.all().count() == 1
    assert await Activity.filter(type="Create").count() == 1


# (c) an inbound Create handled twice (the sweeper re-runs it after a crash) notifies once


def _create_mentioning(peer_uri: str, member: Actor, n: int = 1) -> dict:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{peer_uri}/creates/{n}",
        "type": "Create",
        "actor": peer_uri,
        "to": [PUBLIC],
        "object": {
            "id": f"{peer_uri}/notes/{n}",
            "type": "Note",
            "attributedTo": peer_uri,
            "content": f"<p>@{member.username} hello</p>",
            "to": [PUBLIC],
            "cc": [member.uri],
            "tag": [{"type": "Mention", "href": member.uri, "name": f"@{member.username}"}],
        },
    }


async def test_an_inbound_create_handled_twice_notifies_the_mentioned_member_once(
    app_any, settings_any
) -> None:
    member = await create_member(settings_any, "amina")
    peer = await remote_peer()
    doc = _create_mentioning(peer.uri, member)
    row = await Activity.create(
        id=new_id(), uri=doc["id"], type="Create", actor_uri=peer.uri, document=doc
    )
    processor.bind(app_any.extensions["baraza"])  # type: ignore[attr-defined]
    events = stream_bus.subscribe()
    try:
        await processor.process(row.id)
        assert (await Activity.get(id=row.id)).state == "handled"
        # A crash after the handler's commit, before the row was marked handled: the sweeper
        # claims it again once the lease has run out.
        await Activity.filter(id=row.id).update(state="received", next_try_at=None)
        await processor.process(row.id)
        assert (await Activity.get(id=row.id)).state == "handled"
    finally:
        stream_bus.unsubscribe(events)
    assert await Post.filter(uri=doc["object"]["id"]).count() == 1
    assert await Notification.filter(recipient=member, type="mention").count() == 1
    kinds = []
    while not events.empty():
        kinds.append(events.get_nowait().kind)
    assert kinds.count("update") == 1, "the post is streamed once, when it is new"


async def test_a_post_fetched_before_its_create_still_notifies_when_the_create_arrives(
    app_any, settings_any
) -> None:
    """Why notifications are made idempotent rather than skipped for known posts."""
    from inbox.handlers import dispatch
    from inbox.ingest import store_remote_post

    member = await create_member(settings_any, "amina")
    peer = await remote_peer()
    doc = _create_mentioning(peer.uri, member, 2)
    await store_remote_post(doc["object"], peer.actor, settings_any.base_url)  # e.g. a fetch
    row = await Activity.create(
        id=new_id(), uri=doc["id"], type="Create", actor_uri=peer.uri, document=doc
    )
    await dispatch(app_any.extensions["baraza"], row, parse_activity(doc))  # type: ignore[attr-defined]
    assert await Notification.filter(recipient=member, type="mention").count() == 1


async def test_two_notifications_of_one_mention_at_once_make_one(settings_any) -> None:
    member = await create_member(settings_any, "amina")
    author = await create_member(settings_any, "bruno")
    post = await actions.create_post(settings_any, author, "<p>hi</p>")
    made = await asyncio.gather(*(notify(member, "mention", author, post) for _ in range(4)))
    assert sum(1 for n in made if n is not None) == 1
    assert await Notification.filter(recipient=member, type="mention").count() == 1
    # Favourites may repeat (a like after an unlike): they are not deduplicated.
    await notify(member, "favourite", author, post)
    await notify(member, "favourite", author, post)
    assert await Notification.filter(recipient=member, type="favourite").count() == 2


# (d) every door gets the same surface: C2S like the API


async def test_a_c2s_post_notifies_the_local_member_it_mentions(app_any, settings_any) -> None:
    _, auth = await member_with_token(settings_any, "amina")
    bruno = await create_member(settings_any, "bruno")
    client = app_any.test_client()  # type: ignore[attr-defined]
    events = stream_bus.subscribe()
    try:
        response = await client.post(
            "/users/amina/outbox",
            data=orjson.dumps(
                {
                    "type": "Note",
                    "content": "<p>hello bruno</p>",
                    "to": [PUBLIC],
                    "cc": [bruno.uri],
                }
            ),
            headers={**auth, "Content-Type": "application/activity+json"},
        )
        assert response.status_code == 201, await response.get_data()
        post = await Post.get(uri=(await response.get_json())["id"])
        notification = await Notification.get(recipient=bruno, type="mention")
        assert notification.post_id == post.id
        response = await client.post(
            "/users/amina/outbox",
            data=orjson.dumps({"type": "Delete", "object": post.uri}),
            headers={**auth, "Content-Type": "application/activity+json"},
        )
        assert response.status_code == 201
    finally:
        stream_bus.unsubscribe(events)
    seen = []
    while not events.empty():
        event = events.get_nowait()
        seen.append((event.kind, event.post_id))
    assert ("update", post.id) in seen and ("delete", post.id) in seen


async def test_the_api_still_notifies_and_streams_once(app_any, settings_any) -> None:
    _, auth = await member_with_token(settings_any, "amina")
    bruno = await create_member(settings_any, "bruno")
    client = app_any.test_client()  # type: ignore[attr-defined]
    events = stream_bus.subscribe()
    try:
        response = await client.post("/api/v1/statuses", json={"status": "hi @bruno"}, headers=auth)
        assert response.status_code == 200, await response.get_data()
        status_id = int((await response.get_json())["id"])
        edited = await client.put(
            f"/api/v1/statuses/{status_id}", json={"status": "hi again @bruno"}, headers=auth
        )
        assert edited.status_code == 200
    finally:
        stream_bus.unsubscribe(events)
    assert await Notification.filter(recipient=bruno, type="mention").count() == 1
    seen = []
    while not events.empty():
        event = events.get_nowait()
        seen.append((event.kind, event.post_id))
    assert seen.count(("update", status_id)) == 1
    assert seen.count(("status.update", status_id)) == 1
    post = await Post.get(id=status_id)
    assert [v["text"] for v in post.edits] == ["hi @bruno", "hi again @bruno"]


async def test_deleting_is_decided_by_the_core_for_every_door(app, settings) -> None:
    """Someone else's visible post is refused; a hidden one is answered as missing."""
    from actors.accounts import create_member as member
    from federation.errors import NotFound, Refused
    from outbox import actions as core

    amina = await member(settings, "amina")
    bruno = await member(settings, "bruno")
    public = await core.create_post(settings, amina, "<p>hearing moved</p>")
    direct = await core.create_post(settings, amina, "<p>for me</p>", visibility="direct")
    with pytest.raises(Refused):
        await core.delete_post(settings, bruno, public)
    with pytest.raises(NotFound):
        await core.delete_post(settings, bruno, direct)
    assert await Post.filter(deleted_at=None, id__in=[public.id, direct.id]).count() == 2
