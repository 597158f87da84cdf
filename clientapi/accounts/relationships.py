"""Mastodon's Relationship entity: what a member and other accounts are to each other.

Read in a fixed number of queries for any number of accounts, since apps ask for a whole
page of them at once (`/api/v1/accounts/relationships?id[]=...`).
"""

from __future__ import annotations

from typing import Any

from outbox import domain_blocks
from outbox.choices import hidden_by_domain
from storage.models import Actor, Block, Follow, Mute


async def relationships(viewer: Actor, targets: list[Actor]) -> list[dict[str, Any]]:
    ids = [t.id for t in targets]
    rows = await Follow.filter(follower=viewer, target_id__in=ids)
    outgoing = {f.target_id: f.accepted for f in rows}
    notifying = {f.target_id for f in rows if f.accepted and f.notify}
    incoming = {
        f.follower_id: f.accepted for f in await Follow.filter(target=viewer, follower_id__in=ids)
    }
    blocking = set(
        await Block.filter(actor=viewer, target_id__in=ids).values_list("target_id", flat=True)
    )
    blocked_by = set(
        await Block.filter(target=viewer, actor_id__in=ids).values_list("actor_id", flat=True)
    )
    muting = set(
        await Mute.filter(actor=viewer, target_id__in=ids).values_list("target_id", flat=True)
    )
    blocked_domains = await domain_blocks.blocked_domains(viewer)
    return [
        relationship_entity(
            target,
            following=outgoing.get(target.id) is True,
            requested=outgoing.get(target.id) is False,
            followed_by=incoming.get(target.id) is True,
            requested_by=incoming.get(target.id) is False,
            blocking=target.id in blocking,
            blocked_by=target.id in blocked_by,
            muting=target.id in muting,
            notifying=target.id in notifying,
            domain_blocking=hidden_by_domain(blocked_domains, target.domain, target.local),
        )
        for target in targets
    ]


async def relationship(viewer: Actor, target: Actor) -> dict[str, Any]:
    return (await relationships(viewer, [target]))[0]


def relationship_entity(
    target: Actor,
    *,
    following: bool,
    requested: bool,
    followed_by: bool,
    requested_by: bool,
    blocking: bool,
    blocked_by: bool,
    muting: bool,
    notifying: bool = False,
    domain_blocking: bool = False,
) -> dict[str, Any]:
    return {
        "id": str(target.id),
        "following": following,
        "showing_reblogs": following,
        "notifying": notifying,
        "languages": None,
        "followed_by": followed_by,
        "blocking": blocking,
        "blocked_by": blocked_by,
        "muting": muting,
        "muting_notifications": muting,
        "requested": requested,
        "requested_by": requested_by,
        "domain_blocking": domain_blocking,
        "endorsed": False,
        "note": "",
    }
