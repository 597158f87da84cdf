"""The one surface of the core: notifications and stream events, after an action commits.

Every action (local or applying a remote activity) surfaces what it did through here: the
notifications below, and the stream events at the end of this module, which open streams and
co-editing sockets receive through `outbox.stream_bus` (the in-process transport). No door
makes a notification or publishes an event itself.

Making notifications, from wherever the event happens (local actions and inbound handlers).

One function decides whether a member hears about something: only local members, never
about their own actions, never from an account they block or mute, and never about a post
they may not see (a mention inside a private space they are not in tells them nothing).

A post's arrival notifies each member once, however often it is handled: an inbound Create
runs again after a crash (the inbox processor's lease runs out, the sweeper picks it up), and
a post fetched earlier for another reason may be Created later. So `notify` makes a
notification of a type in `ONCE_PER_POST` only when the same one does not exist yet, checked
and written in one transaction that first locks the post's row, so two runs at once (on
PostgreSQL; SQLite serialises writers anyway) cannot both write it.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from baraza.ids import new_id
from outbox import stream_bus
from outbox.commit import after_commit
from outbox.viewing import may_view
from storage.models import Actor, Block, Mute, Notification, Post

TYPES = (
    "mention",
    "status",
    "reblog",
    "follow",
    "follow_request",
    "favourite",
    "update",
    "poll",
)

# Types about a post as such (it mentions you, it was posted, its poll ended): one each.
# Favourites, boosts and edits may rightly notify again (a like after an unlike, a 2nd edit).
ONCE_PER_POST = frozenset({"mention", "status", "poll"})


async def notify(
    recipient: Actor, type: str, account: Actor, post: Post | None = None
) -> Notification | None:
    if type not in TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    if not recipient.local or recipient.type != "Person" or recipient.id == account.id:
        return None
    if await Block.exists(actor=recipient, target=account) or await Mute.exists(
        actor=recipient, target=account
    ):
        return None
    if post is not None and not await may_view(post, recipient):
        return None
    if not account.local and not await _hears_from(recipient, account):
        return None
    if post is not None and type in ONCE_PER_POST:
        async with in_transaction():
            await Post.select_for_update().get_or_none(id=post.id)
            if await Notification.exists(
                recipient=recipient, type=type, account=account, post=post
            ):
                return None
            notification = await Notification.create(
                id=new_id(), recipient=recipient, type=type, account=account, post=post
            )
    else:
        notification = await Notification.create(
            id=new_id(), recipient=recipient, type=type, account=account, post=post
        )
    await after_commit(
        lambda: stream_bus.publish(
            stream_bus.BusEvent(
                "notification", notification_id=notification.id, recipient_id=recipient.id
            )
        )
    )
    return notification


async def _hears_from(recipient: Actor, account: Actor) -> bool:
    """A silenced domain reaches a member only if the member follows the author (Mastodon)."""
    from federation.policy import is_silenced, load_policy
    from storage.models import Follow

    if not is_silenced(await load_policy(), account.domain):
        return True
    return await Follow.exists(follower=recipient, target=account, accepted=True)


async def notify_stored_post(post: Post, author: Actor, *, new: bool = True) -> None:
    """A stored post, local or inbound: stream it when it is `new` here, and tell each local
    member it mentions (if they may see it), once. Called after the post's commit."""
    if new:
        stream_bus.status_stored(post.id)
    hrefs = [t.get("href") for t in post.tags if isinstance(t, dict) and t.get("type") == "Mention"]
    if hrefs:
        for member in await Actor.filter(uri__in=hrefs, local=True):
            await notify(member, "mention", author, post)


# Stream events. Streams render each event for their own viewer; access changes wake the open
# connections they concern, which then re-check (`outbox.connections`) and close.


def status_stored(post: Post) -> None:
    stream_bus.status_stored(post.id)


def status_updated(post: Post) -> None:
    stream_bus.publish(stream_bus.BusEvent("status.update", post_id=post.id))


def status_deleted(post: Post) -> None:
    stream_bus.status_deleted(post.id)


def token_revoked(token_id: int) -> None:
    stream_bus.token_revoked(token_id)


def actor_suspended(actor: Actor) -> None:
    stream_bus.actor_suspended(actor.id)


def membership_ended(member: Actor, space: Actor) -> None:
    stream_bus.membership_ended(member.id, space.id)
