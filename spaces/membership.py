"""Joining, leaving and admitting members of a space: one action each, for every door.

A public space is followed like any account (`outbox.graph.follow`, which federates and
notifies). A private space is joined by request to its moderators; an outsider's request is
recorded but answered exactly as an unused id is (`actors.existence`), so the asker learns
nothing until a moderator admits them. Admission and refusal go through
`outbox.graph.answer_follow`, the same path a member's own follow requests take.
"""

from __future__ import annotations

from baraza.settings import Settings
from federation.errors import NotFound, Refused, Unprocessable
from outbox import graph, surface
from outbox.commit import action
from spaces.moderation import role_of
from spaces.space_rules import REASONS, join_refusal
from storage.models import Actor, Block, Follow, SpaceRole

NO_SUCH_SPACE = "Record not found"


async def join(settings: Settings, member: Actor, space: Actor) -> None:
    from actors.existence import may_know

    banned = await Block.exists(actor=space, target=member)
    if not await may_know(space, member):
        # The request is still recorded, so that whoever a member gave the id to can be
        # admitted by its moderators (they list and approve requests).
        if not banned:
            await Follow.get_or_create(follower=member, target=space, defaults={"accepted": False})
        raise NotFound(NO_SUCH_SPACE)
    if banned:
        raise Refused("you are banned from this space")
    refusal = join_refusal(archived=space.archived_at is not None)
    if refusal is not None:
        raise Unprocessable(REASONS[refusal])
    if not space.private:
        await graph.follow(settings, member, space)


async def leave(member: Actor, space: Actor) -> None:
    """Membership and roles end together; open streams and co-editing sockets close at once."""
    from actors.existence import may_know

    if not await may_know(space, member):
        # Withdrawing a pending request to a private space answers as an unused id does.
        await Follow.filter(follower=member, target=space, accepted=False).delete()
        raise NotFound(NO_SUCH_SPACE)
    if await role_of(space, member) == "owner":
        raise Unprocessable("the owner cannot leave the space")
    async with action() as after:
        await Follow.filter(follower=member, target=space).delete()
        await SpaceRole.filter(space=space, member=member).delete()
        after.add(lambda: surface.membership_ended(member, space))


async def answer_request(settings: Settings, space: Actor, follow: Follow, *, admit: bool) -> None:
    """A moderator's answer to a pending request (the moderator's role is checked by the
    caller through `spaces.moderation.require_moderator`)."""
    follower = await follow.follower
    refusal = join_refusal(archived=space.archived_at is not None)
    if admit and refusal is not None:
        raise Unprocessable(REASONS[refusal])
    if admit and space.private and not follower.local:
        raise Unprocessable("private spaces admit local members only")
    if not await graph.answer_follow(settings, follow, accept=admit):
        raise NotFound(NO_SUCH_SPACE)
