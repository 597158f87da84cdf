"""Who reads a space's pages, and which space they may read: the same gate as the API.

A page of a space is read by the session's member, or by nobody signed in while the instance
allows logged-out reading (`storage.settings_store.logged_out_reading`); with the setting off
a browser that is not signed in is sent to the sign-in page, as the API answers 401. Which
space a reader may know is decided by `clientapi.spaces.spaces.find_space` (one 404 for an
unused id and for a private space of which the reader is no member: no existence oracle).
"""

from __future__ import annotations

from dataclasses import dataclass

from baraza.webapp.render import SignInRequired
from baraza.webapp.session import signed_in_member
from clientapi.spaces.spaces import find_space
from spaces.moderation import role_of
from storage.models import Actor, Follow
from storage.settings_store import logged_out_reading


async def reader() -> Actor | None:
    """The signed-in member, or None for a logged-out reader the instance allows."""
    member = await signed_in_member()
    if member is None and not await logged_out_reading():
        raise SignInRequired
    return member


@dataclass(frozen=True)
class SpaceView:
    """A space as one reader stands to it."""

    space: Actor
    reader: Actor | None
    membership: str | None  # "member", "pending" or None
    role: str | None  # "owner", "moderator" or None

    @property
    def is_member(self) -> bool:
        return self.membership == "member"

    @property
    def moderates(self) -> bool:
        return self.is_member and self.role in ("owner", "moderator")


async def view_space(space_id: str, member: Actor | None) -> SpaceView:
    """The space the reader may know, with their membership and role; 404 otherwise."""
    space = await find_space(space_id, member)
    membership = None
    if member is not None:
        follow = await Follow.get_or_none(follower=member, target=space)
        if follow is not None:
            membership = "member" if follow.accepted else "pending"
    return SpaceView(space, member, membership, await role_of(space, member))


async def read_space(space_id: str) -> SpaceView:
    """A GET page's space, for whoever may read it."""
    return await view_space(space_id, await reader())
