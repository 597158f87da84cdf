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

import contextlib

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from baraza.ids import new_id
from outbox import push, stream_bus
from outbox.choices import hears_from_domain
from outbox.commit import after_commit
from outbox.conversations import direct_post_stored
from outbox.domain_blocks import blocked_domains
from outbox.notification_policy import decide_for
from outbox.threads import thread_muted
from outbox.viewing import may_view
from storage.models import Actor, Block, Follow, Mute, Notification, NotificationRequest, Post

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
    recipient: Actor,
    type: str,
    account: Actor,
    post: Post | None = None,
    *,
    allow_self: bool = False,
) -> Notification | None:
    """`allow_self`: the one notification about one's own post, that one's poll ended."""
    if type not in TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    if not recipient.local or recipient.type != "Person":
        return None
    if recipient.id == account.id and not allow_self:
        return None
    if await Block.exists(actor=recipient, target=account) or await Mute.exists(
        actor=recipient, target=account
    ):
        return None
    if post is not None and not await may_view(post, recipient):
        return None
    if post is not None and await thread_muted(recipient, post):
        return None  # the recipient muted this thread (Mastodon's conversation mute)
    limited = not account.local or account.silenced_at is not None
    if limited and not await _hears_from(recipient, account):
        return None
    verdict = await decide_for(recipient, type, account, post)  # the member's policy
    if verdict == "drop":
        return None
    filtered = verdict == "filter"
    if post is not None and type in ONCE_PER_POST:
        async with in_transaction():
            await Post.select_for_update().get_or_none(id=post.id)
            if await Notification.exists(
                recipient=recipient, type=type, account=account, post=post
            ):
                return None
            notification = await Notification.create(
                id=new_id(),
                recipient=recipient,
                type=type,
                account=account,
                post=post,
                filtered=filtered,
            )
    else:
        notification = await Notification.create(
            id=new_id(),
            recipient=recipient,
            type=type,
            account=account,
            post=post,
            filtered=filtered,
        )
    if filtered:
        await _file_request(recipient, account, post)
        return notification  # held back: it reaches the member through its request only
    await push.enqueue_for(notification)  # Web Push rows, durable as deliveries are
    await after_commit(
        lambda: stream_bus.publish(
            stream_bus.BusEvent(
                "notification", notification_id=notification.id, recipient_id=recipient.id
            )
        )
    )
    return notification


async def _file_request(recipient: Actor, account: Actor, post: Post | None) -> None:
    """One request per sender, kept up to date with their latest held-back post."""
    request = await NotificationRequest.get_or_none(recipient=recipient, account=account)
    if request is None:
        with contextlib.suppress(IntegrityError):  # a concurrent first one won
            await NotificationRequest.create(
                id=new_id(), recipient=recipient, account=account, last_post=post
            )
        return
    if post is not None:
        request.last_post = post
    await request.save()


async def _hears_from(recipient: Actor, account: Actor) -> bool:
    """A silenced domain or account, or a domain the member blocks, reaches a member only if
    the member follows the author (Mastodon)."""
    from federation.policy import is_silenced, load_policy
    from storage.models import Follow

    follows = await Follow.exists(follower=recipient, target=account, accepted=True)
    if account.silenced_at is not None and not follows:
        return False  # a limited account (Mastodon's silence) reaches its followers only
    blocked = await blocked_domains(recipient)  # the member's own domain blocks
    if not hears_from_domain(blocked, account.domain, follows=follows):
        return False
    return follows or not is_silenced(await load_policy(), account.domain)


async def notify_stored_post(post: Post, author: Actor, *, new: bool = True) -> None:
    """A stored post, local or inbound: stream it when it is `new` here, and tell each local
    member it mentions (if they may see it), once. Called after the post's commit."""
    if post.visibility == "direct":
        # Before the stream event: the direct stream shows the member's conversation row.
        await direct_post_stored(post, author)
    if new:
        stream_bus.status_stored(post.id)
        await _notify_subscribers(post, author)
    await notify_mentioned(post, author)


async def notify_mentioned(post: Post, author: Actor) -> None:
    """Each local member the post names, if they may see it, once per post: after an edit too,
    so a member named by the edit hears of it and those named before are not told again
    (Mastodon does not tell members an edit names: its issue #20543, a known complaint)."""
    hrefs = [t.get("href") for t in post.tags if isinstance(t, dict) and t.get("type") == "Mention"]
    if hrefs:
        for member in await Actor.filter(uri__in=hrefs, local=True):
            await notify(member, "mention", author, post)


async def _notify_subscribers(post: Post, author: Actor) -> None:
    """`status` notifications for the followers who asked for them (`notify=true`): a new
    post, not a boost, and not a reply to someone else (Mastodon's rule)."""
    if post.in_reply_to_uri and not await Post.exists(uri=post.in_reply_to_uri, actor=author):
        return
    followers = await Follow.filter(
        target=author, notify=True, accepted=True, follower__local=True
    ).prefetch_related("follower")
    for follow in followers:
        await notify(follow.follower, "status", author, post)


async def poll_ended(post: Post, author: Actor, voters: list[Actor]) -> None:
    """A poll ended: its local voters and its local author hear of it, once each."""
    for member in [*voters, author]:
        if member.local:
            await notify(member, "poll", author, post, allow_self=True)


# Stream events. Streams render each event for their own viewer; access changes wake the open
# connections they concern, which then re-check (`outbox.connections`) and close.


def status_stored(post: Post) -> None:
    stream_bus.status_stored(post.id)


def notification_released(notification_id: int, recipient_id: int) -> None:
    """A notification the policy held back reaches its member now (its request accepted)."""
    stream_bus.publish(
        stream_bus.BusEvent(
            "notification", notification_id=notification_id, recipient_id=recipient_id
        )
    )


def filters_changed(owner_id: int) -> None:
    """A member's filters changed: their apps reload them (Mastodon's `filters_changed`)."""
    stream_bus.publish(stream_bus.BusEvent("filters_changed", recipient_id=owner_id))


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
