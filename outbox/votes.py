"""Voting: a member's vote counted and carried to the poll's author in one transaction.

A poll lives in `Post.poll` as JSON (options with counts, who voted for what), so a vote is
one row update under `select_for_update`: two voters at once cannot lose each other's vote.
Votes travel as Mastodon sends them: a `Create` of a nameless-content `Note` whose `name` is
the option title and whose `inReplyTo` is the `Question`. What a poll is: `outbox.polls`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from baraza.settings import Settings
from federation.errors import Unprocessable
from outbox.commit import action
from outbox.polls import expired, with_vote
from storage.models import Actor, Post


async def vote(settings: Settings, member: Actor, post: Post, choices: list[Any]) -> Post:
    """A local member's vote; on a remote poll, also sent to its author. The counted vote and
    the `Create`s carrying it to the author commit together: a crash cannot count a vote here
    that the poll's server never hears of."""
    if post.actor_id == member.id:
        raise Unprocessable("Validation failed: You cannot vote on your own poll")
    async with action():
        row = await Post.select_for_update().get(id=post.id)
        if not isinstance(row.poll, dict):
            raise Unprocessable("Validation failed: this status has no poll")
        row.poll = with_vote(row.poll, member.uri, choices, datetime.now(UTC))
        await row.save(update_fields=["poll"])
        if not row.local:
            await _send_vote(settings, member, row)
    return row


async def _send_vote(settings: Settings, member: Actor, post: Post) -> None:
    from actors.urls import activity_url
    from baraza.ids import new_id
    from outbox.documents import wrap_activity
    from outbox.publish import publish

    author = await Actor.get(id=post.actor_id)
    assert isinstance(post.poll, dict)
    for index in post.poll["votes"][member.uri]:
        activity_id = new_id()
        uri = activity_url(settings, activity_id)
        note = {
            "id": f"{uri}#vote",
            "type": "Note",
            "name": post.poll["options"][index]["title"],
            "inReplyTo": post.uri,
            "attributedTo": member.uri,
            "to": [author.uri],
        }
        doc = wrap_activity(uri, "Create", member, note, to=[author.uri], cc=[])
        await publish(settings, member, doc, [author], activity_id=activity_id)


async def record_remote_vote(post: Post, voter: Actor, title: str) -> bool:
    """Count a remote vote once; False (and nothing changed) when it does not count."""
    async with in_transaction() as conn:
        row = await Post.select_for_update().using_db(conn).get(id=post.id)
        poll = row.poll
        if not isinstance(poll, dict):
            return False
        titles = [o.get("title") for o in poll.get("options", [])]
        if title not in titles:
            return False
        index = titles.index(title)
        earlier = list(poll.get("votes", {}).get(voter.uri, []))
        if index in earlier or (earlier and not poll.get("multiple")):
            return False
        if expired(poll, datetime.now(UTC)):
            return False
        options = [dict(o) for o in poll["options"]]
        options[index]["votes"] = int(options[index].get("votes", 0)) + 1
        voters = poll.get("voters", [])
        row.poll = {
            **poll,
            "options": options,
            "voters": voters if voter.uri in voters else [*voters, voter.uri],
            "votes": {**poll.get("votes", {}), voter.uri: [*earlier, index]},
        }
        await row.save(using_db=conn, update_fields=["poll"])
    return True
