"""What an admin does to a space, from the console (`/admin/spaces`) or the CLI
(`baraza space ...`): create, rename, change the owner, appoint and remove moderators, restrict
posting to moderators, answer join requests, archive and bring back.

Each is one action (`outbox.commit.action`) that writes its audit entry in the same
transaction, so every door leaves the same trace; who may reach it is the door's gate (the
console's admins, the CLI's operator). The rules are pure, in `spaces.space_rules`. A public
space tells other servers when its actor document changes (name, restriction); a private one
tells no one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from actors.accounts import AccountError
from actors.accounts import create_space as create_space_row
from actors.names import InvalidName
from baraza.settings import Settings
from federation.domain_blocks import audit
from federation.errors import FederationError
from outbox.commit import action
from outbox.profile import publish_profile_update
from spaces import membership
from spaces.moderation import role_of
from spaces.space_rules import role_refusal
from storage.models import Actor, Follow, SpaceRole

MAX_DISPLAY_NAME = 100


class SpaceAdminError(ValueError):
    """A space action that is refused; the message says why (a 422 page or a CLI line)."""


async def _tell_peers(settings: Settings, space: Actor) -> None:
    if not space.private:
        await publish_profile_update(settings, space)


async def create_space(
    settings: Settings,
    who: str,
    name: str,
    *,
    private: bool,
    owner: Actor | None = None,
    display_name: str = "",
) -> Actor:
    if owner is not None:
        await _check_role("owner", owner, None)
    async with action():
        try:
            space = await create_space_row(
                settings, name, private=private, owner=owner, display_name=display_name.strip()
            )
        except (AccountError, InvalidName) as exc:
            raise SpaceAdminError(str(exc)) from exc
        kind = "private" if private else "public"
        await audit(who, "space.create", space.uri, kind)
    return space


async def rename(settings: Settings, who: str, space: Actor, display_name: str) -> None:
    """The display name only: the handle (`@name`) is the space's address and stays."""
    display_name = display_name.strip()
    if not display_name or len(display_name) > MAX_DISPLAY_NAME:
        raise SpaceAdminError(f"a space's name is 1 to {MAX_DISPLAY_NAME} characters")
    async with action():
        await Actor.filter(id=space.id).update(display_name=display_name)
        space.display_name = display_name
        await audit(who, "space.rename", space.uri, display_name)
        await _tell_peers(settings, space)


async def _check_role(kind: str, member: Actor, current: str | None) -> None:
    problem = role_refusal(
        kind,
        candidate_local_member=member.local and member.type == "Person",
        candidate_suspended=member.suspended_at is not None,
        current_role=current,
    )
    if problem is not None:
        raise SpaceAdminError(problem)


async def _make_member(space: Actor, member: Actor) -> None:
    follow, created = await Follow.get_or_create(
        follower=member, target=space, defaults={"accepted": True}
    )
    if not created and not follow.accepted:
        follow.accepted = True
        await follow.save(update_fields=["accepted"])


async def change_owner(who: str, space: Actor, new_owner: Actor) -> None:
    """The new owner becomes a member if they were not; the previous owner stays a moderator
    (an admin removes them from the moderators afterwards if that is meant)."""
    await _check_role("owner", new_owner, await role_of(space, new_owner))
    async with action():
        await SpaceRole.filter(space=space, role="owner").update(role="moderator")
        await _make_member(space, new_owner)
        await SpaceRole.filter(space=space, member=new_owner).delete()
        await SpaceRole.create(space=space, member=new_owner, role="owner")
        await audit(who, "space.change_owner", space.uri, new_owner.acct)


async def appoint_moderator(who: str, space: Actor, member: Actor) -> None:
    await _check_role("moderator", member, await role_of(space, member))
    async with action():
        await _make_member(space, member)
        await SpaceRole.create(space=space, member=member, role="moderator")
        await audit(who, "space.moderator_add", space.uri, member.acct)


async def remove_moderator(who: str, space: Actor, member: Actor) -> None:
    """They stay a member of the space; only the role ends."""
    await _check_role("unmoderator", member, await role_of(space, member))
    async with action():
        await SpaceRole.filter(space=space, member=member, role="moderator").delete()
        await audit(who, "space.moderator_remove", space.uri, member.acct)


async def restrict_posting(settings: Settings, who: str, space: Actor, *, on: bool) -> None:
    """Only the owner and moderators post (FEP-1b12's `postingRestrictedToMods`); members
    still read, reply nowhere in it, and may leave."""
    async with action():
        await Actor.filter(id=space.id).update(posting_restricted_to_mods=on)
        space.posting_restricted_to_mods = on
        await audit(who, "space.restrict" if on else "space.unrestrict", space.uri)
        await _tell_peers(settings, space)


async def archive(who: str, space: Actor, *, on: bool, reason: str = "") -> None:
    """Read-only while archived (`spaces.space_rules`): nobody posts, joins or edits; its
    members still read it; `on=False` brings it back as it was."""
    when = datetime.now(UTC) if on else None
    async with action():
        await Actor.filter(id=space.id).update(archived_at=when)
        space.archived_at = when
        await audit(who, "space.archive" if on else "space.unarchive", space.uri, reason)


async def answer_request(
    settings: Settings, who: str, space: Actor, follow: Follow, *, admit: bool
) -> None:
    """An admin answers a pending join request as a space moderator would."""
    if follow.target_id != space.id or follow.accepted:
        raise SpaceAdminError("no such pending request")
    follower = await follow.follower
    async with action():
        try:
            await membership.answer_request(settings, space, follow, admit=admit)
        except FederationError as exc:
            raise SpaceAdminError(exc.reason) from exc
        verb = "space.admit" if admit else "space.refuse"
        await audit(who, verb, space.uri, follower.acct)
