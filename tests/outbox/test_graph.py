"""The social graph's one follow action: the pure decision, and the same effects from every door."""

from __future__ import annotations

import pytest

from actors.accounts import create_member
from outbox import graph
from outbox.graph import FollowFacts, FollowOutcome, follow_outcome
from storage.models import Follow, Notification

BASE = FollowFacts(
    follower_local=True,
    is_self=False,
    target_local=True,
    target_type="Person",
    target_private_space=False,
    target_suspended=False,
    blocked=False,
    approves_by_hand=False,
)


def facts(**changes: object) -> FollowFacts:
    return FollowFacts(**{**BASE.__dict__, **changes})


@pytest.mark.parametrize(
    ("case", "expected", "why"),
    [
        (facts(), FollowOutcome.ACCEPTED, "an open local account is followed at once"),
        (facts(approves_by_hand=True), FollowOutcome.PENDING, "a locked account decides"),
        (facts(target_local=False), FollowOutcome.PENDING, "a remote server answers later"),
        (
            facts(follower_local=False, follower_silenced=True),
            FollowOutcome.PENDING,
            "a silenced domain waits for approval, as on Mastodon",
        ),
        (facts(is_self=True), FollowOutcome.SELF, "nobody follows themselves"),
        (facts(blocked=True), FollowOutcome.BLOCKED, "a block either way forbids following"),
        (
            facts(blocked=True, target_local=False),
            FollowOutcome.BLOCKED,
            "also for a remote target the member blocked",
        ),
        (
            facts(follower_local=False, blocked=True),
            FollowOutcome.BLOCKED,
            "a remote follower the member blocked is rejected",
        ),
        (
            facts(target_type="Group", target_private_space=True),
            FollowOutcome.PRIVATE_SPACE,
            "a private space is joined by request, never by Follow",
        ),
        (
            facts(target_type="Application"),
            FollowOutcome.NOT_FOLLOWABLE,
            "a member cannot follow the instance actor",
        ),
        (
            facts(follower_local=False, target_type="Application"),
            FollowOutcome.ACCEPTED,
            "a relay may follow the instance actor",
        ),
        (
            facts(target_suspended=True, blocked=True),
            FollowOutcome.GONE,
            "a suspended account is gone, whatever else holds",
        ),
    ],
)
def test_follow_outcome_table(case: FollowFacts, expected: FollowOutcome, why: str) -> None:
    assert follow_outcome(case) is expected, why


async def test_local_follow_notifies_the_target_like_a_remote_one(app, settings) -> None:
    """The API's follow of a local member used to tell nobody; the inbox's did."""
    amina = await create_member(settings, "amina")
    bruno = await create_member(settings, "bruno")
    await graph.follow(settings, bruno, amina)
    assert await Follow.filter(follower=bruno, target=amina, accepted=True).exists()
    note = await Notification.get(recipient=amina)
    assert (note.type, note.account_id) == ("follow", bruno.id)


async def test_answering_a_request_accepts_it_once(app, settings) -> None:
    amina = await create_member(settings, "amina")
    amina.manually_approves_followers = True
    await amina.save()
    bruno = await create_member(settings, "bruno")
    request = await graph.follow(settings, bruno, amina)
    assert request is not None and request.accepted is False
    assert await Notification.filter(recipient=amina, type="follow_request").count() == 1
    assert await graph.answer_follow(settings, request, accept=True) is True
    assert await graph.answer_follow(settings, request, accept=True) is False
    assert (await Follow.get(id=request.id)).accepted is True


async def test_remote_follow_of_a_private_space_is_dropped_in_silence(app, settings) -> None:
    """A Reject signed by the space would tell the other server that the space exists."""
    from actors.accounts import create_space
    from outbox.received import Received
    from storage.models import Actor, Delivery

    amina = await create_member(settings, "amina")
    space = await create_space(settings, "casefile", private=True, owner=amina)
    zed = await Actor.create(
        uri="https://remote.example/users/zed",
        type="Person",
        username="zed",
        domain="remote.example",
        inbox_url="https://remote.example/users/zed/inbox",
        shared_inbox_url="https://remote.example/inbox",
        key_id="https://remote.example/users/zed#main-key",
        public_key_pem="-",
    )
    follow_id = "https://remote.example/follows/1"
    doc = {"id": follow_id, "type": "Follow", "actor": zed.uri, "object": space.uri}
    assert await graph.follow(settings, zed, space, Received(follow_id, doc)) is None
    assert not await Follow.filter(follower=zed, target=space).exists()
    assert await Delivery.filter(host="remote.example").count() == 0


async def test_a_late_undo_of_an_older_follow_keeps_the_newer_one(app, settings) -> None:
    """Deliveries are not ordered: an Undo of a first Follow may arrive after a second."""
    from outbox.received import Received
    from storage.models import Actor

    amina = await create_member(settings, "amina")
    zed = await Actor.create(
        uri="https://remote.example/users/zed",
        type="Person",
        username="zed",
        domain="remote.example",
        inbox_url="https://remote.example/users/zed/inbox",
        shared_inbox_url="https://remote.example/inbox",
        key_id="https://remote.example/users/zed#main-key",
        public_key_pem="-",
    )
    first, second = "https://remote.example/follows/1", "https://remote.example/follows/2"
    follow_doc = {"id": second, "type": "Follow", "actor": zed.uri, "object": amina.uri}
    await graph.follow(settings, zed, amina, Received(second, follow_doc))
    late = {"id": "https://remote.example/undo/1", "type": "Undo", "object": {"id": first}}
    await graph.unfollow(settings, zed, amina, Received(late["id"], late))
    assert await Follow.filter(follower=zed, target=amina).exists()
    current = {"id": "https://remote.example/undo/2", "type": "Undo", "object": follow_doc}
    await graph.unfollow(settings, zed, amina, Received(current["id"], current))
    assert not await Follow.filter(follower=zed, target=amina).exists()
