"""Which space a status goes to, and how visible it may be: posting into a space from any app.

Mastodon apps have no "post to a space" field, so a member does what Mastodon users do with
Lemmy communities and Guppe groups (FEP-1b12): they mention the space (`@climate` or
`@climate@example.org`). A reply stays where its parent lives. `destination` decides, purely,
from facts gathered beside it by `destination_for`; `outbox.actions.create_post` asks it for
every door, and the space's relay (`spaces.relay`) does the rest.

The rules, in order:

1. A reply to a post in a private space stays in that space, whatever visibility was asked:
   it is never more visible than the space, and never leaves the instance.
2. A reply to a post in a public space stays in the space when it is public or unlisted; a
   followers-only or direct reply is a reply between people, outside the space.
3. Otherwise the first space mentioned that the author may post in takes the status: a
   private one at the space's own visibility, a public one when the status is public or
   unlisted (the space announces it to its followers).
4. A direct message never enters a space by mention: it is for the people it names.
5. A space the author may not post in stays an ordinary mention (and a private space the
   author is not in was already left as plain text: `actors.existence.mentionable`).
6. A space that would take the status but refuses it (archived; restricted to moderators and
   the author is not one: `spaces.space_rules.posting_refusal`) refuses the whole status, with
   the reason: it is never quietly posted outside the space instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from federation.errors import Unprocessable
from spaces.space_rules import REASONS, posting_refusal
from storage.models import Actor, Follow, Post, SpaceRole

OPEN = ("public", "unlisted")


@dataclass(frozen=True)
class SpaceFacts:
    """What the decision needs to know about one space (named, or the parent's)."""

    space_id: int
    private: bool  # a private space of this instance; remote groups are never private here
    may_post: bool  # the author is a member (a moderator, where posting is restricted)
    # Why the space refuses the author's status although it would take it (archived, or
    # restricted to moderators and the author a member who is not one); None otherwise.
    refusal: str | None = None


@dataclass(frozen=True)
class Destination:
    """Where the status goes: `space_id` (None: no space) and the visibility to post at
    (Mastodon's names; a private space's posts are stored as `space` by the action)."""

    space_id: int | None
    visibility: str
    refused: str | None = None  # the space would take it but refuses: the status is refused


def destination(
    visibility: str, parent: SpaceFacts | None, mentioned: Sequence[SpaceFacts]
) -> Destination:
    """The space a status goes to and its visibility (the rules in the module docstring)."""
    if parent is not None:
        if parent.private:
            return Destination(parent.space_id, "private", parent.refusal)
        if visibility in OPEN:
            return Destination(parent.space_id, visibility, parent.refusal)
        return Destination(None, visibility)
    if visibility == "direct":
        return Destination(None, visibility)
    for space in mentioned:
        if space.refusal is not None and (space.private or visibility in OPEN):
            return Destination(
                space.space_id, "private" if space.private else visibility, space.refusal
            )
        if not space.may_post:
            continue
        if space.private:
            return Destination(space.space_id, "private")
        if visibility in OPEN:
            return Destination(space.space_id, visibility)
    return Destination(None, visibility)


async def posting_refusal_for(space: Actor, author: Actor) -> str | None:
    """The facts for `posting_refusal`, gathered from the rows."""
    member = await Follow.exists(follower=author, target=space, accepted=True)
    moderator = member and await SpaceRole.exists(space=space, member=author)
    return posting_refusal(
        archived=space.archived_at is not None,
        member=member,
        moderator=moderator,
        restricted=space.posting_restricted_to_mods,
    )


async def space_facts(space: Actor, author: Actor) -> SpaceFacts:
    """A remote group's refusals are its own server's to make: here it only takes or does not
    take the status (as a mention); one of this instance's spaces refuses it outright."""
    refusal = await posting_refusal_for(space, author)
    live = space.suspended_at is None
    refused_here = live and space.local and refusal not in (None, "not_member")
    return SpaceFacts(
        space_id=space.id,
        private=bool(space.private and space.local),
        may_post=live and refusal is None,
        refusal=refusal if refused_here else None,
    )


async def destination_for(
    author: Actor, visibility: str, mentions: Sequence[Actor], in_reply_to: Post | None
) -> tuple[Actor | None, str]:
    """The facts for `destination`, gathered, and its answer as the space row itself."""
    parent: SpaceFacts | None = None
    spaces: dict[int, Actor] = {}
    if in_reply_to is not None and in_reply_to.space_id is not None:
        home = await Actor.get_or_none(id=in_reply_to.space_id, type="Group")
        if home is not None:
            spaces[home.id] = home
            parent = await space_facts(home, author)
    named = [m for m in mentions if m.type == "Group"]
    for space in named:
        spaces[space.id] = space
    facts = [await space_facts(s, author) for s in named] if parent is None else []
    chosen = destination(visibility, parent, facts)
    if chosen.refused is not None:
        raise Unprocessable(REASONS[chosen.refused])
    space = spaces.get(chosen.space_id) if chosen.space_id is not None else None
    return space, chosen.visibility
