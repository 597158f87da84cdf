"""Likes and boosts: one action for every door, its deliveries in its own transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from actors.accounts import create_member
from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.errors import NotFound
from outbox import actions, interactions
from outbox.commit import action
from outbox.documents import wrap_activity
from outbox.interactions import may_boost, may_interact
from outbox.publish import publish
from outbox.received import Received
from storage.models import Activity, Block, Delivery, Like, Notification
from tests.conftest import make_settings
from tests.inbox.signed import remote_peer


@pytest.mark.parametrize(
    ("visible", "blocked", "expected", "why"),
    [
        (True, False, True, "a post one may see, by an author who does not block one"),
        (False, False, False, "a hidden post is as good as absent"),
        (True, True, False, "a blocker's posts are absent for the blocked"),
        (False, True, False, "both"),
    ],
)
def test_may_interact_table(visible: bool, blocked: bool, expected: bool, why: str) -> None:
    assert may_interact(visible=visible, blocked_by_author=blocked) is expected, why


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("public", True),
        ("unlisted", True),
        ("followers", False),
        ("direct", False),
        ("space", False),
    ],
)
def test_may_boost_table(visibility: str, expected: bool) -> None:
    assert may_boost(visibility) is expected


@pytest.fixture
def both(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


@pytest.fixture
async def both_app(both: Settings) -> AsyncIterator[object]:
    from baraza.app import create_app

    application = create_app(both, manage_database=False)
    async with application.test_app():
        yield application


async def _like_doc(settings: Settings, member, target) -> tuple[int, dict]:
    activity_id = new_id()
    uri = activity_url(settings, activity_id)
    return activity_id, wrap_activity(uri, "Like", member, target.uri, to=[target.uri], cc=[])


@pytest.mark.parametrize("opener", ["in_transaction", "action"])
async def test_publish_inside_an_action_rolls_back_with_it(both_app, both, opener) -> None:
    """`publish` opens its own transaction; inside an action's it must nest (a SAVEPOINT on
    SQLite, a nested asyncpg transaction on PostgreSQL), so a failure after it loses the
    state change and the deliveries together, and a success commits both."""
    member = await create_member(both, "amina")
    peer = await remote_peer()
    post = await actions.create_post(both, member, "<p>hi</p>")
    opened = in_transaction if opener == "in_transaction" else action
    with pytest.raises(RuntimeError):
        async with opened():
            await Like.create(actor=member, post=post, uri="https://testserver.example/l/1")
            activity_id, doc = await _like_doc(both, member, peer.actor)
            await publish(both, member, doc, [peer.actor], activity_id=activity_id)
            raise RuntimeError("crash after the deliveries were written")
    assert not await Like.exists(actor=member, post=post)
    assert not await Activity.exists(type="Like")
    assert await Delivery.filter(host=peer.host).count() == 0
    async with opened():
        await Like.create(actor=member, post=post, uri="https://testserver.example/l/2")
        activity_id, doc = await _like_doc(both, member, peer.actor)
        await publish(both, member, doc, [peer.actor], activity_id=activity_id)
    assert await Like.exists(actor=member, post=post)
    assert await Delivery.filter(host=peer.host).count() == 1


async def test_remote_and_local_likes_have_the_same_effects(both_app, both) -> None:
    amina = await create_member(both, "amina")
    bruno = await create_member(both, "bruno")
    peer = await remote_peer()
    post = await actions.create_post(both, amina, "<p>like me</p>")
    await interactions.like(both, bruno, post)
    received = Received("https://remote.example/likes/1", {"type": "Like"})
    await interactions.like(both, peer.actor, post, received)
    await interactions.like(both, peer.actor, post, received)  # a redelivery changes nothing
    notes = await Notification.filter(recipient=amina, type="favourite").order_by("id")
    assert [n.account_id for n in notes] == [bruno.id, peer.actor.id]
    assert await Like.filter(post=post).count() == 2


async def test_a_remote_like_of_a_post_its_actor_may_not_see_is_refused(both_app, both) -> None:
    """A Like of a followers-only post from a server with no follower there used to count."""
    amina = await create_member(both, "amina")
    peer = await remote_peer()
    post = await actions.create_post(both, amina, "<p>friends only</p>", visibility="followers")
    with pytest.raises(NotFound):
        await interactions.like(both, peer.actor, post, Received("https://r/l/1", {}))
    assert not await Like.exists(post=post)
    assert not await Notification.exists(recipient=amina)


async def test_a_blocked_member_cannot_like(both_app, both) -> None:
    amina = await create_member(both, "amina")
    bruno = await create_member(both, "bruno")
    post = await actions.create_post(both, amina, "<p>public</p>")
    await Block.create(actor=amina, target=bruno)
    with pytest.raises(NotFound):
        await interactions.like(both, bruno, post)
    assert not await Like.exists(post=post)
