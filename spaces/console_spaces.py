"""The admin console's spaces list and a space's page, read in one place for the pages (and
`baraza space requests`) to render: every space of this server, public and private, with its
members, owner, moderators, state and pending join requests. Admins only (the console gate)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from storage.models import Actor, Follow, SpaceRole

LIMIT = 100


@dataclass(frozen=True)
class SpaceRow:
    """One space as the console shows it."""

    space: Actor
    members: int
    owner: Actor | None
    moderators: list[Actor]

    @property
    def state(self) -> str:
        if self.space.suspended_at is not None:
            return "suspended"
        if self.space.archived_at is not None:
            return "archived"
        return "restricted" if self.space.posting_restricted_to_mods else "open"


async def space_row(space: Actor) -> SpaceRow:
    members = await Follow.filter(target=space, accepted=True).count()
    roles = await SpaceRole.filter(space=space).order_by("id").prefetch_related("member")
    owner = next((r.member for r in roles if r.role == "owner"), None)
    moderators = [r.member for r in roles if r.role == "moderator"]
    return SpaceRow(space=space, members=members, owner=owner, moderators=moderators)


async def find_spaces(text: str = "", *, limit: int = LIMIT) -> list[SpaceRow]:
    """Spaces whose handle or display name contains `text` (all when empty), newest first."""
    rows = Actor.filter(local=True, type="Group")
    text = text.strip().lstrip("@")[:64]
    if text:
        rows = rows.filter(Q(local_username__icontains=text) | Q(display_name__icontains=text))
    return [await space_row(s) for s in await rows.order_by("-id").limit(limit)]


async def find_space(space_id: int) -> Actor | None:
    return await Actor.get_or_none(id=space_id, local=True, type="Group")


async def pending_requests(space: Actor) -> list[Follow]:
    """Join requests waiting for an answer, oldest first (their `follower` prefetched)."""
    return list(
        await Follow.filter(target=space, accepted=False)
        .order_by("id")
        .prefetch_related("follower")
    )
