"""Direct conversations: each local participant's view of each direct thread.

Whenever a direct post is stored (posted here or received), every local participant who may
see it (its author, the members it mentions) has that thread's conversation moved to the top
with the post as its last, unread for all but the author. Members mark one read or remove it
from their list; a later post in the thread brings it back, as in Mastodon.
"""

from __future__ import annotations

from baraza.ids import new_id
from outbox.commit import action
from outbox.threads import root_of
from outbox.viewing import may_view
from storage.models import Actor, Conversation, Post


def _mentioned_uris(post: Post) -> list[str]:
    return [
        t["href"]
        for t in post.tags
        if isinstance(t, dict) and t.get("type") == "Mention" and isinstance(t.get("href"), str)
    ]


async def direct_post_stored(post: Post, author: Actor) -> None:
    """After a direct post's commit: the conversations of its local participants."""
    if post.visibility != "direct" or post.deleted_at is not None:
        return
    members = await Actor.filter(uri__in=_mentioned_uris(post), local=True, type="Person")
    participants = [m for m in members if m.id != author.id and await may_view(post, m)]
    if author.local:
        participants.append(author)
    if not participants:
        return
    root = await root_of(post)
    async with action():
        for member in participants:
            unread = member.id != author.id
            row = await Conversation.get_or_none(owner=member, root_uri=root)
            if row is None:
                await Conversation.create(
                    id=new_id(), owner=member, root_uri=root, last_post=post, unread=unread
                )
            elif (row.last_post_id or 0) <= post.id:  # type: ignore[attr-defined]
                row.last_post = post
                row.unread = unread
                await row.save(update_fields=["last_post_id", "unread", "updated_at"])


async def owned(member: Actor, conversation_id: int) -> Conversation | None:
    return await Conversation.get_or_none(id=conversation_id, owner=member)


async def mark_read(conversation: Conversation) -> None:
    async with action():
        conversation.unread = False
        await conversation.save(update_fields=["unread", "updated_at"])


async def remove(conversation: Conversation) -> None:
    async with action():
        await conversation.delete()
