"""Moderators take posts out of spaces and remove or ban members; others may not."""

from __future__ import annotations

import pytest

from actors.accounts import add_moderator, create_member, create_space, join_space
from federation.errors import Refused
from outbox import actions
from spaces.moderation import remove_member, remove_post
from storage.models import Activity, Announce, Block, Delivery, Follow, Post
from tests.inbox.signed import remote_peer


async def _space(settings, private: bool = False):
    owner = await create_member(settings, "owner")
    mod = await create_member(settings, "mod")
    carla = await create_member(settings, "carla")
    space = await create_space(settings, "rights", private=private, owner=owner)
    await add_moderator(space, mod)
    await join_space(space, carla)
    return owner, mod, carla, space


async def test_moderator_removal_announces_delete_to_remote_followers(app, settings) -> None:
    _owner, mod, carla, space = await _space(settings)
    remote = await remote_peer(host="partner.example", name="rita")
    await Follow.create(follower=remote.actor, target=space, accepted=True)
    post = await actions.create_post(settings, carla, "<p>off topic</p>", space=space)
    assert await Announce.exists(actor=space, post=post)
    await remove_post(settings, mod, space, post)
    post = await Post.get(id=post.id)
    assert post.space_id is None
    assert not await Announce.exists(actor=space, post=post)
    sent = await Activity.filter(actor_uri=space.uri, type__in=("Announce", "Undo")).order_by("id")
    removal = sent[-2].document
    assert removal["type"] == "Announce"
    assert removal["object"]["type"] == "Delete"
    assert removal["object"]["object"] == post.uri
    assert sent[-1].document["type"] == "Undo"
    assert await Delivery.filter(activity_id=sent[-2].id, host="partner.example").exists()


async def test_members_cannot_remove_posts_or_members(app, settings) -> None:
    _owner, mod, carla, space = await _space(settings)
    post = await actions.create_post(settings, mod, "<p>agenda</p>", space=space)
    with pytest.raises(Refused):
        await remove_post(settings, carla, space, post)
    with pytest.raises(Refused):
        await remove_member(settings, carla, space, mod)
    assert (await Post.get(id=post.id)).space_id == space.id


async def test_private_space_removal_tells_no_one(app, settings) -> None:
    owner, _mod, carla, space = await _space(settings, private=True)
    post = await actions.create_post(settings, carla, "<p>secret</p>", space=space)
    before = await Activity.all().count()
    await remove_post(settings, owner, space, post)
    assert await Activity.all().count() == before
    assert await Delivery.all().count() == 0


async def test_remove_and_ban_member(app, settings) -> None:
    owner, mod, carla, space = await _space(settings)
    remote = await remote_peer(host="partner.example", name="rita")
    await Follow.create(
        follower=remote.actor, target=space, accepted=True, uri="https://partner.example/f/1"
    )
    await remove_member(settings, mod, space, remote.actor)
    assert not await Follow.exists(follower=remote.actor, target=space)
    reject = await Activity.filter(actor_uri=space.uri, type="Reject").first()
    assert reject is not None and reject.document["object"]["id"] == "https://partner.example/f/1"
    await remove_member(settings, mod, space, carla, ban=True)
    assert await Block.exists(actor=space, target=carla)
    assert not await Follow.exists(follower=carla, target=space)
    from federation.errors import Unprocessable

    with pytest.raises(Unprocessable):
        await remove_member(settings, mod, space, owner)
