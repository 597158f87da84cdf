"""A member's own domain blocks: the actions, and the facts the rules need.

Blocking a domain (Mastodon's user domain block) hides its accounts' posts from the member's
timelines and their notifications (unless the member follows the account), removes the
member's followers there (each of their servers is told with a Reject, as Mastodon does), and
refuses new follows from it (`outbox.graph` asks `blocks_domain`). The member's own follows of
accounts there stay, as Mastodon documents. Rules: `outbox.choices`.
"""

from __future__ import annotations

from baraza.settings import Settings
from federation.errors import Unprocessable
from outbox.choices import domain_block_refusal, hidden_by_domain, normal_domain
from outbox.commit import action
from outbox.lists import unfollowed
from outbox.replies import send_reject
from storage.models import Actor, Follow, Post, UserDomainBlock


async def blocked_domains(member: Actor | None) -> frozenset[str]:
    if member is None:
        return frozenset()
    return frozenset(await UserDomainBlock.filter(actor=member).values_list("domain", flat=True))


async def blocks_domain(member: Actor, other: Actor) -> bool:
    """Does local `member` block the domain of (remote) `other`?"""
    if other.local or not member.local:
        return False
    return hidden_by_domain(await blocked_domains(member), other.domain, other.local)


async def block_domain(settings: Settings, member: Actor, value: object) -> str:
    """Stored once (blocking again is no error); the member's followers there removed."""
    domain = normal_domain(value)
    reason = domain_block_refusal(domain, settings.host)
    if reason is not None:
        raise Unprocessable(reason)
    assert domain is not None
    blocked = frozenset({domain})
    async with action():
        await UserDomainBlock.get_or_create(actor=member, domain=domain)
        followers = await Follow.filter(target=member, follower__local=False).prefetch_related(
            "follower"
        )
        for record in followers:
            follower = record.follower
            if not hidden_by_domain(blocked, follower.domain, follower.local):
                continue
            await record.delete()
            await unfollowed(follower, member)
            if record.uri:
                doc = {
                    "id": record.uri,
                    "type": "Follow",
                    "actor": follower.uri,
                    "object": member.uri,
                }
                await send_reject(settings, member, follower, doc)
    return domain


async def unblock_domain(member: Actor, value: object) -> None:
    """Lifting a block that does not exist is no error (Mastodon answers 200 {})."""
    domain = normal_domain(value)
    if domain is None:
        raise Unprocessable("Validation failed: domain must be a host name such as example.org")
    async with action():
        await UserDomainBlock.filter(actor=member, domain=domain).delete()


async def hidden_domain_accounts(member: Actor | None) -> set[int]:
    """The known remote accounts whose domain `member` blocks (for timelines to drop)."""
    blocked = await blocked_domains(member)
    if not blocked:
        return set()
    domains = await Actor.filter(local=False).distinct().values_list("domain", flat=True)
    hit = [d for d in domains if hidden_by_domain(blocked, d, author_local=False)]
    if not hit:
        return set()
    return set(await Actor.filter(local=False, domain__in=hit).values_list("id", flat=True))


async def hides_post(member: Actor, post: Post) -> bool:
    """Does `member`'s domain block hide this post (or the post a boost carries) from their
    streams, as it does from their timelines?"""
    if post.local:
        return False
    blocked = await blocked_domains(member)
    if not blocked:
        return False
    author = await Actor.get_or_none(id=post.actor_id)  # type: ignore[attr-defined]
    return author is not None and hidden_by_domain(blocked, author.domain, author.local)
