"""The social graph: follow, unfollow, answering follow requests, block and mute.

One function per change, called by every door: the Mastodon API, the C2S outbox and the inbox
(for a remote actor's Follow, Accept, Reject, Block and Undo). Who may follow whom is decided
by the pure `follow_outcome`, from facts gathered once; the change and the activities it
sends commit in one transaction (`outbox.commit.action`); the target hears of a new
follower after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from actors.urls import activity_url
from baraza.ids import new_id
from baraza.settings import Settings
from federation.errors import FederationError, NotFound, Unprocessable
from outbox.commit import AfterCommit, action
from outbox.documents import wrap_activity
from outbox.domain_blocks import blocks_domain
from outbox.lists import unfollowed
from outbox.publish import publish
from outbox.received import Received
from outbox.replies import send_accept, send_reject
from outbox.surface import notify
from storage.models import Actor, Block, Follow, Mute


class FollowOutcome(Enum):
    ACCEPTED = "accepted"
    PENDING = "pending"  # awaiting the target's (or its server's) answer
    SELF = "self"
    NOT_FOLLOWABLE = "not followable"  # the instance actor, for a member
    BLOCKED = "blocked"  # either side blocks the other
    PRIVATE_SPACE = "private space"  # joined by request to its moderators, never by Follow
    GONE = "gone"  # the target is suspended
    ARCHIVED = "archived"  # an archived space admits no new member (`spaces.space_rules`)


@dataclass(frozen=True)
class FollowFacts:
    follower_local: bool
    is_self: bool
    target_local: bool
    target_type: str
    target_private_space: bool
    target_suspended: bool
    blocked: bool
    approves_by_hand: bool
    follower_silenced: bool = False
    target_archived: bool = False  # an archived space, and the follower not yet a member


def follow_outcome(facts: FollowFacts) -> FollowOutcome:
    """Pure: what becomes of a Follow. Table-tested in tests/outbox/test_graph.py."""
    if facts.is_self:
        return FollowOutcome.SELF
    if facts.target_suspended:
        return FollowOutcome.GONE
    if facts.follower_local and facts.target_type == "Application":
        return FollowOutcome.NOT_FOLLOWABLE
    if facts.blocked:
        return FollowOutcome.BLOCKED
    if facts.target_private_space:
        return FollowOutcome.PRIVATE_SPACE
    if facts.target_archived:
        return FollowOutcome.ARCHIVED
    if not facts.target_local or facts.approves_by_hand or facts.follower_silenced:
        return FollowOutcome.PENDING
    return FollowOutcome.ACCEPTED


# What a local member is told when the outcome is a refusal. A private space and a suspended
# account answer like an id that names nothing: to an outsider they do not exist.
_REFUSALS: dict[FollowOutcome, tuple[type[FederationError], str]] = {
    FollowOutcome.SELF: (Unprocessable, "you cannot follow yourself"),
    FollowOutcome.NOT_FOLLOWABLE: (Unprocessable, "this account cannot be followed"),
    FollowOutcome.BLOCKED: (
        Unprocessable,
        "you cannot follow an account you blocked or that blocked you",
    ),
    FollowOutcome.PRIVATE_SPACE: (NotFound, "Record not found"),
    FollowOutcome.GONE: (NotFound, "Record not found"),
    FollowOutcome.ARCHIVED: (Unprocessable, "this space is archived: it is read-only"),
}


async def _facts(follower: Actor, target: Actor) -> FollowFacts:
    from federation.policy import is_silenced, load_policy

    blocked = (
        await Block.exists(actor=target, target=follower)
        or await Block.exists(actor=follower, target=target)
        or await blocks_domain(target, follower)  # the target's own block of the domain
    )
    silenced = not follower.local and is_silenced(await load_policy(), follower.domain)
    archived = target.type == "Group" and target.archived_at is not None
    if archived:
        archived = not await Follow.exists(follower=follower, target=target, accepted=True)
    return FollowFacts(
        follower_local=follower.local,
        is_self=follower.id == target.id,
        target_local=target.local,
        target_type=target.type,
        target_private_space=target.local and target.type == "Group" and target.private,
        target_suspended=target.suspended_at is not None,
        blocked=blocked,
        approves_by_hand=target.manually_approves_followers,
        follower_silenced=silenced,
        target_archived=archived,
    )


def _follow_doc(uri: str | None, follower: Actor, target: Actor) -> dict[str, Any]:
    return {"id": uri, "type": "Follow", "actor": follower.uri, "object": target.uri}


async def follow(
    settings: Settings,
    follower: Actor,
    target: Actor,
    received: Received | None = None,
    *,
    notify_posts: bool | None = None,
) -> Follow | None:
    """`follower` follows `target` (or asks to). A local member's refusal is an error; a
    remote actor's is a Reject sent back, and `None`. `notify_posts` (Mastodon's `notify`)
    asks for a `status` notification at each of the target's posts; None keeps it as it is."""
    activity_id = new_id()
    uri = activity_url(settings, activity_id)
    async with action() as after:
        if received is None:
            existing = await Follow.get_or_none(follower=follower, target=target)
            if existing is not None:
                if notify_posts is not None and existing.notify != notify_posts:
                    existing.notify = notify_posts
                    await existing.save(update_fields=["notify"])
                return existing
        outcome = follow_outcome(await _facts(follower, target))
        if received is not None:
            return await _remote_follow(settings, follower, target, received, outcome, after)
        refusal = _REFUSALS.get(outcome)
        if refusal is not None:
            error, reason = refusal
            raise error(reason)
        record, created = await Follow.get_or_create(
            follower=follower,
            target=target,
            defaults={
                "uri": uri,
                "accepted": outcome is FollowOutcome.ACCEPTED,
                "notify": bool(notify_posts),
            },
        )
        if created and not target.local:
            doc = wrap_activity(uri, "Follow", follower, target.uri, to=[target.uri], cc=[])
            await publish(settings, follower, doc, [target], activity_id=activity_id)
        if created:
            kind = "follow" if record.accepted else "follow_request"
            after.add(lambda: notify(target, kind, follower))
    return record


async def _remote_follow(
    settings: Settings,
    follower: Actor,
    target: Actor,
    received: Received,
    outcome: FollowOutcome,
    after: AfterCommit,
) -> Follow | None:
    """The remote half of `follow`, inside its action: a refusal is answered with Reject.

    A private space and a suspended account are dropped in silence instead: a Reject signed by
    them would tell another server that they exist."""
    follow_doc = _follow_doc(received.uri, follower, target)
    if outcome in (FollowOutcome.GONE, FollowOutcome.PRIVATE_SPACE):
        return None
    if outcome not in (FollowOutcome.ACCEPTED, FollowOutcome.PENDING):
        await send_reject(settings, target, follower, follow_doc)
        return None
    record, created = await Follow.get_or_create(
        follower=follower,
        target=target,
        defaults={"uri": received.uri, "accepted": outcome is FollowOutcome.ACCEPTED},
    )
    if not created and record.uri != received.uri:
        record.uri = received.uri
        await record.save(update_fields=["uri"])
    if record.accepted:
        # Sent again for a repeated Follow: the first Accept may have been lost.
        await send_accept(settings, target, follower, follow_doc)
    if created:
        kind = "follow" if record.accepted else "follow_request"
        after.add(lambda: notify(target, kind, follower))
    return record


async def unfollow(
    settings: Settings, follower: Actor, target: Actor, received: Received | None = None
) -> None:
    """The follow (or request) ends; a remote target's server is told with an Undo.

    A remote Undo that names the Follow it withdraws ends only that one: delivered after a
    newer Follow of the same target (deliveries are not ordered), it must not end the newer."""
    async with action():
        record = await Follow.get_or_none(follower=follower, target=target)
        if record is None:
            return
        withdrawn = _undone_id(received)
        if withdrawn is not None and record.uri and withdrawn != record.uri:
            return
        await record.delete()
        await unfollowed(follower, target)
        if received is None and not target.local:
            await _send_undo(settings, follower, target, _follow_doc(record.uri, follower, target))


def _undone_id(received: Received | None) -> str | None:
    """The id of the activity a received Undo withdraws, when it names one."""
    if received is None:
        return None
    inner = received.document.get("object")
    inner_id = inner.get("id") if isinstance(inner, dict) else inner
    return inner_id if isinstance(inner_id, str) else None


async def unfollow_by_uri(
    settings: Settings, follower: Actor, inner_uri: str, received: Received
) -> None:
    """A remote Undo that names only the id of the Follow it withdraws."""
    record = await Follow.get_or_none(follower=follower, uri=inner_uri).prefetch_related("target")
    if record is not None:
        await unfollow(settings, follower, record.target, received)


async def answer_follow(settings: Settings, record: Follow, *, accept: bool) -> bool:
    """A follow request is accepted or rejected by its target: a local member answering one
    (its remote requester is told), or a remote server answering ours (from the inbox). A
    Reject also ends a follow already accepted, as Mastodon sends when removing a follower."""
    follower = await record.follower
    target = await record.target
    async with action():
        pending = Follow.filter(id=record.id, accepted=False)
        if accept:
            changed = await pending.update(accepted=True)
        else:
            # A member rejects only a request (an accepted follower is not one any more);
            # a remote server may end an accepted follow of ours.
            changed = await (pending if target.local else Follow.filter(id=record.id)).delete()
        if changed and target.local and not follower.local and record.uri:
            answer = send_accept if accept else send_reject
            await answer(settings, target, follower, _follow_doc(record.uri, follower, target))
    return bool(changed)


async def block(
    settings: Settings, actor: Actor, target: Actor, received: Received | None = None
) -> Block:
    """Stored, follows both ways severed; a remote target's own server is told (as Mastodon
    does, so it can drop the follow and hide the member's posts); a local one needs nothing."""
    if target.id == actor.id:
        raise Unprocessable("you cannot block yourself")
    activity_id = new_id()
    uri = received.uri if received else activity_url(settings, activity_id)
    async with action():
        record, created = await Block.get_or_create(
            actor=actor, target=target, defaults={"uri": uri}
        )
        await Follow.filter(follower=actor, target=target).delete()
        await Follow.filter(follower=target, target=actor).delete()
        await unfollowed(actor, target)
        await unfollowed(target, actor)
        if created and received is None and not target.local:
            doc = wrap_activity(uri, "Block", actor, target.uri, to=[target.uri], cc=[])
            await publish(settings, actor, doc, [target], activity_id=activity_id)
    return record


async def unblock(
    settings: Settings, actor: Actor, target: Actor, received: Received | None = None
) -> None:
    async with action():
        record = await Block.get_or_none(actor=actor, target=target)
        if record is None:
            return
        await record.delete()
        if received is None and not target.local:
            inner = {"id": record.uri, "type": "Block", "actor": actor.uri, "object": target.uri}
            await _send_undo(settings, actor, target, inner)


async def _send_undo(
    settings: Settings, actor: Actor, target: Actor, inner: dict[str, Any]
) -> None:
    """A remote target's server hears that a follow or block of ours is over."""
    activity_id = new_id()
    doc = wrap_activity(
        activity_url(settings, activity_id), "Undo", actor, inner, to=[target.uri], cc=[]
    )
    await publish(settings, actor, doc, [target], activity_id=activity_id)


async def unblock_by_uri(
    settings: Settings, actor: Actor, inner_uri: str, received: Received
) -> None:
    """A remote Undo that names only the id of the Block it withdraws."""
    record = await Block.get_or_none(actor=actor, uri=inner_uri).prefetch_related("target")
    if record is not None:
        await unblock(settings, actor, record.target, received)


async def mute(member: Actor, target: Actor) -> Mute:
    """Only the member knows of a mute: nothing is sent."""
    if target.id == member.id:
        raise Unprocessable("you cannot mute yourself")
    record, _ = await Mute.get_or_create(actor=member, target=target)
    return record


async def unmute(member: Actor, target: Actor) -> None:
    await Mute.filter(actor=member, target=target).delete()
