"""A remote reply stays in its parent's space (issue 14), though Mastodon addresses a reply to
the parent's author only, never to the group: a public reply joins the public space's thread
(announced when its author is a member); a followers-only reply stays outside it."""

from __future__ import annotations

from typing import Any

from federation.activities import PUBLIC
from outbox import actions
from storage.models import Announce, Post
from tests.inbox.test_space_relay import AS, _deliver, both, client, world

__all__ = ["both", "client", "world"]


def _reply(peer: Any, number: int, parent: Post, *, public: bool) -> dict[str, Any]:
    """A reply as Mastodon sends one: to the public (or followers), cc the parent's author."""
    note = {
        "id": f"https://{peer.host}/notes/reply-{number}",
        "type": "Note",
        "attributedTo": peer.uri,
        "inReplyTo": parent.uri,
        "content": "<p>a reply</p>",
        "to": [PUBLIC] if public else [f"{peer.uri}/followers"],
        "cc": [f"{peer.uri}/followers", parent.actor.uri] if public else [parent.actor.uri],
    }
    return {
        "@context": AS,
        "id": f"{note['id']}/activity",
        "type": "Create",
        "actor": peer.uri,
        "object": note,
    }


async def test_a_remote_members_public_reply_joins_the_space_and_is_announced(
    client: Any,
    both: Any,
    world: dict[str, Any],
) -> None:
    space, rita = world["space"], world["rita"]
    parent = await actions.create_post(both, world["owner"], "<p>in the garden</p>", space=space)
    await parent.fetch_related("actor")
    await _deliver(client, rita, _reply(rita, 1, parent, public=True))
    reply = await Post.get(uri=f"https://{rita.host}/notes/reply-1")
    assert reply.space_id == space.id and reply.audience == space.uri
    assert await Announce.exists(actor=space, post=reply)  # rita follows the space: a member


async def test_a_followers_only_reply_stays_outside_the_space(
    client: Any,
    both: Any,
    world: dict[str, Any],
) -> None:
    space, rita = world["space"], world["rita"]
    parent = await actions.create_post(both, world["owner"], "<p>in the garden</p>", space=space)
    await parent.fetch_related("actor")
    await _deliver(client, rita, _reply(rita, 2, parent, public=False))
    reply = await Post.get(uri=f"https://{rita.host}/notes/reply-2")
    assert reply.space_id is None
    assert not await Announce.filter(post=reply).exists()


async def test_a_post_naming_the_space_enters_it_only_from_a_member(
    client: Any,
    both: Any,
    world: dict[str, Any],
) -> None:
    """As for a local author (`spaces.destination`): a stranger's mention of the space is an
    ordinary mention; a member's is a post in the space."""
    from tests.inbox.signed import remote_peer

    space, rita = world["space"], world["rita"]
    stranger = await remote_peer(host="stranger.example", name="sam")
    for peer, number in ((stranger, 3), (rita, 4)):
        note = {
            "id": f"https://{peer.host}/notes/{number}",
            "type": "Note",
            "attributedTo": peer.uri,
            "content": "<p>@garden hello</p>",
            "to": [PUBLIC],
            "cc": [f"{peer.uri}/followers", space.uri],
            "tag": [{"type": "Mention", "href": space.uri, "name": "@garden"}],
        }
        create = {"@context": AS, "id": f"{note['id']}/activity", "type": "Create"}
        await _deliver(client, peer, {**create, "actor": peer.uri, "object": note})
    theirs = await Post.get(uri=f"https://{stranger.host}/notes/3")
    assert theirs.space_id is None and not await Announce.filter(post=theirs).exists()
    member = await Post.get(uri=f"https://{rita.host}/notes/4")
    assert member.space_id == space.id and await Announce.exists(actor=space, post=member)
