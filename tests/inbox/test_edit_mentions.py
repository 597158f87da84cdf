"""An edit that names a member tells them, local or inbound, once; an inbound edit tells what a
local one tells (streams, likers and boosters).

Mastodon does not notify members an edit newly mentions (its issue #20543, reported as a bug),
and an inbound Update used to tell nobody here: not those who liked the post, not a member the
new text names."""

from __future__ import annotations

from typing import Any

from actors.accounts import create_member
from federation.activities import PUBLIC
from outbox import actions
from outbox.edits import edit_post
from outbox.interactions import like
from storage.models import Follow, Notification, Post
from tests.inbox.test_space_relay import AS, _deliver, both, client, world

__all__ = ["both", "client", "world"]


def _note(peer: Any, text: str, mentions: list[Any]) -> dict[str, Any]:
    return {
        "id": f"https://{peer.host}/notes/edited",
        "type": "Note",
        "attributedTo": peer.uri,
        "content": f"<p>{text}</p>",
        "to": [PUBLIC],
        "cc": [f"{peer.uri}/followers", *(m.uri for m in mentions)],
        "tag": [{"type": "Mention", "href": m.uri, "name": f"@{m.username}"} for m in mentions],
    }


def _activity(peer: Any, kind: str, note: dict[str, Any], n: int) -> dict[str, Any]:
    return {"@context": AS, "id": f"{note['id']}/{kind}/{n}", "type": kind, "actor": peer.uri,
            "object": note}  # fmt: skip


async def _mentions_of(member: Any) -> int:
    return await Notification.filter(recipient=member, type="mention").count()


async def test_a_local_edit_tells_the_member_it_names_once(client, both, world) -> None:
    amina, carla = world["owner"], await create_member(both, "carla")
    post = await actions.create_post(both, amina, "<p>minutes</p>")
    assert await _mentions_of(carla) == 0
    mention = [{"type": "Mention", "href": carla.uri, "name": "@carla"}]
    for text in ("<p>minutes, @carla</p>", "<p>minutes, @carla, corrected</p>"):
        await edit_post(
            both, amina, await Post.get(id=post.id), content_html=text, summary="",
            sensitive=False, language="en", tags=mention,
        )  # fmt: skip
    assert await _mentions_of(carla) == 1  # named by the first edit, not told again


async def test_an_inbound_edit_tells_likers_and_newly_named_members(client, both, world) -> None:
    rita, amina = world["rita"], world["owner"]
    carla = await create_member(both, "carla")
    await Follow.create(follower=amina, target=rita.actor, accepted=True)  # so it is stored
    note = _note(rita, "a witness statement", [])
    await _deliver(client, rita, _activity(rita, "Create", note, 1))
    post = await Post.get(uri=note["id"])
    await like(both, amina, post)
    await _deliver(
        client, rita, _activity(rita, "Update", _note(rita, "@carla please", [carla]), 2)
    )
    assert await Notification.filter(recipient=amina, type="update", post=post).count() == 1
    assert await _mentions_of(carla) == 1
    await _deliver(
        client, rita, _activity(rita, "Update", _note(rita, "@carla, again", [carla]), 3)
    )
    assert await _mentions_of(carla) == 1
