"""The notification policy (Mastodon 4.3): whether a notification reaches a member, waits in a
request for them to accept its sender, or is dropped. The decision is pure and table-tested;
`gather` reads the facts it needs once.

Each condition that holds for the sender brings the member's choice for it (accept, filter or
drop) and the strictest wins: someone the member does not follow, someone who does not follow
the member (or only for less than three days), an account younger than thirty days, a private
mention that answers nothing of the member's from someone they do not follow. A sender the
member accepted passes, and so do the notifications about the member's own acts (a poll they
voted in ended, a post they boosted was edited). A silenced domain's accounts already reach a
member only when the member follows them (`outbox.surface`), so `for_limited_accounts` is kept
for apps and never needed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.models import Actor, Follow, NotificationPermission, NotificationPolicy, Post

CHOICES = ("accept", "filter", "drop")
FIELDS = (
    "for_not_following",
    "for_not_followers",
    "for_new_accounts",
    "for_private_mentions",
    "for_limited_accounts",
)
NOT_FILTERED = frozenset({"poll", "update"})
NEW_ACCOUNT = timedelta(days=30)
NEW_FOLLOWER = timedelta(days=3)
_RANK = {"accept": 0, "filter": 1, "drop": 2}


@dataclass(frozen=True)
class Policy:
    for_not_following: str = "accept"
    for_not_followers: str = "accept"
    for_new_accounts: str = "accept"
    for_private_mentions: str = "filter"
    for_limited_accounts: str = "filter"


@dataclass(frozen=True)
class SenderFacts:
    type: str
    permitted: bool  # the member accepted this sender's request earlier
    member_follows_sender: bool
    sender_follows_since: datetime | None  # when the sender's follow of the member began
    sender_created_at: datetime
    private_mention: bool  # a direct post that mentions the member
    answers_member: bool  # ... in reply to a post of the member's


def decision(policy: Policy, facts: SenderFacts, now: datetime) -> str:
    """Pure: accept, filter or drop. Table-tested in tests/outbox/test_notification_policy.py."""
    if facts.type in NOT_FILTERED or facts.permitted:
        return "accept"
    applies = []
    if not facts.member_follows_sender:
        applies.append(policy.for_not_following)
    since = facts.sender_follows_since
    if since is None or now - since < NEW_FOLLOWER:
        applies.append(policy.for_not_followers)
    if now - facts.sender_created_at < NEW_ACCOUNT:
        applies.append(policy.for_new_accounts)
    if facts.private_mention and not facts.answers_member and not facts.member_follows_sender:
        applies.append(policy.for_private_mentions)
    return max(applies, key=lambda c: _RANK[c], default="accept")


async def policy_of(member: Actor) -> Policy:
    row = await NotificationPolicy.get_or_none(owner=member)
    if row is None:
        return Policy()
    return Policy(*(getattr(row, name) for name in FIELDS))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def gather(member: Actor, type: str, sender: Actor, post: Post | None) -> SenderFacts:
    follow = await Follow.get_or_none(follower=sender, target=member, accepted=True)
    answers = False
    if post is not None and post.in_reply_to_uri:
        answers = await Post.exists(uri=post.in_reply_to_uri, actor=member)
    return SenderFacts(
        type=type,
        permitted=await NotificationPermission.exists(recipient=member, account=sender),
        member_follows_sender=await Follow.exists(follower=member, target=sender, accepted=True),
        sender_follows_since=_aware(follow.created_at) if follow is not None else None,
        sender_created_at=_aware(sender.created_at),
        private_mention=type == "mention" and post is not None and post.visibility == "direct",
        answers_member=answers,
    )


async def decide_for(member: Actor, type: str, sender: Actor, post: Post | None) -> str:
    policy = await policy_of(member)
    if policy == Policy(**{f: "accept" for f in FIELDS}) and type != "mention":
        return "accept"  # nothing to look up: every condition accepts
    return decision(policy, await gather(member, type, sender, post), datetime.now(UTC))
