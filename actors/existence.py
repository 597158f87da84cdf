"""Who may know that an actor exists. A private space exists only for its local members.

`outbox.visibility.may_see` decides who may read a private space's posts: its local members,
whoever else asks, admins included. Knowing the space itself (its id, name, that it has
members, that someone follows it, that it holds posts that count somewhere) is decided here,
by the same rule, so that no door answers differently for a private space than for an id that
was never used: account pages, lookup, following lists and collections, relationships, join
and follow answers, search, mentions and counts.

`may_know_actor` is pure and table-tested. The helpers below it gather the facts it needs for
one actor, or the set of private spaces a viewer may know for a whole list or count at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from tortoise.expressions import Q

from storage.models import Actor, Follow, SpaceRole


class ViewerKind(Enum):
    ANONYMOUS = "anonymous"
    REMOTE = "remote"  # a signed request from, or an actor of, another server
    LOCAL = "local"  # a local member


@dataclass(frozen=True)
class ActorFacts:
    """What the decision needs to know about the actor being asked about."""

    is_group: bool
    local: bool
    private: bool


@dataclass(frozen=True)
class ViewerFacts:
    """Who asks, as far as knowing a space goes."""

    kind: ViewerKind
    member: bool = False  # an accepted follow of the space: membership
    holds_role: bool = False  # owner or moderator of the space
    is_admin: bool = False  # listed so the table says it out loud: it changes nothing


OUTSIDER = ViewerFacts(ViewerKind.ANONYMOUS)


def is_private_space(actor: ActorFacts) -> bool:
    return actor.is_group and actor.local and actor.private


def may_know_actor(actor: ActorFacts, viewer: ViewerFacts) -> bool:
    """Everyone may know every actor except a private space: only its local members may.

    Admins are not members by office: they read a private space's content no more than
    `may_see` lets them, so they do not learn it exists either. A pending join request is not
    membership; whoever asked learns nothing until a moderator admits them.
    """
    if not is_private_space(actor):
        return True
    return viewer.kind is ViewerKind.LOCAL and (viewer.member or viewer.holds_role)


def facts_of(actor: Actor) -> ActorFacts:
    return ActorFacts(is_group=actor.type == "Group", local=actor.local, private=actor.private)


async def viewer_facts(space: Actor, viewer: Actor | None) -> ViewerFacts:
    """The facts about `viewer` that matter for knowing `space` (two queries at most)."""
    if viewer is None:
        return OUTSIDER
    if not viewer.local:
        return ViewerFacts(ViewerKind.REMOTE)
    return ViewerFacts(
        ViewerKind.LOCAL,
        member=await Follow.exists(follower=viewer, target=space, accepted=True),
        holds_role=await SpaceRole.exists(space=space, member=viewer),
        is_admin=viewer.is_admin,
    )


async def may_know(actor: Actor, viewer: Actor | None) -> bool:
    """`may_know_actor` for one stored actor; no query unless it is a private space."""
    facts = facts_of(actor)
    if not is_private_space(facts):
        return True
    return may_know_actor(facts, await viewer_facts(actor, viewer))


@dataclass(frozen=True)
class Knowledge:
    """What one viewer may know of the private spaces, gathered once for a list or a count."""

    kind: ViewerKind
    private: tuple[int, ...] = ()  # every private space of this instance
    member_of: frozenset[int] = frozenset()
    roles_in: frozenset[int] = frozenset()

    def _viewer(self, space_id: int) -> ViewerFacts:
        return ViewerFacts(
            self.kind, member=space_id in self.member_of, holds_role=space_id in self.roles_in
        )

    def knows(self, actor: Actor) -> bool:
        return may_know_actor(facts_of(actor), self._viewer(actor.id))

    @property
    def hidden(self) -> list[int]:
        """The private spaces left out of whatever this viewer is shown: lists and counts.

        Ids rather than a join, so that the same `__not_in` filter reads alike on SQLite and
        PostgreSQL and never drops rows whose space column is empty.
        """
        space = ActorFacts(is_group=True, local=True, private=True)
        return [i for i in self.private if not may_know_actor(space, self._viewer(i))]

    def visible(self, actors: Iterable[Actor]) -> list[Actor]:
        return [a for a in actors if self.knows(a)]


async def knowledge(viewer: Actor | None) -> Knowledge:
    """Three queries whatever the list's length: the private spaces, memberships, roles."""
    private = tuple(
        await Actor.filter(type="Group", local=True, private=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if viewer is None:
        return Knowledge(ViewerKind.ANONYMOUS, private)
    if not viewer.local:
        return Knowledge(ViewerKind.REMOTE, private)
    if not private:
        return Knowledge(ViewerKind.LOCAL)
    members = await Follow.filter(
        follower=viewer, accepted=True, target_id__in=private
    ).values_list("target_id", flat=True)
    roles = await SpaceRole.filter(member=viewer, space_id__in=private).values_list(
        "space_id", flat=True
    )
    return Knowledge(ViewerKind.LOCAL, private, frozenset(members), frozenset(roles))


def not_in_hidden_spaces(hidden: Iterable[int]) -> Q:
    """Posts outside the spaces `hidden` from a viewer: what a count shown to them may hold.

    A post stored as `space` whose space row is gone belonged to a private space, so it is
    left out too; other posts with no space are kept (`NOT IN` alone would drop their NULL).
    """
    in_no_space = Q(space_id__isnull=True, visibility__not="space")
    return in_no_space | Q(space_id__isnull=False, space_id__not_in=list(hidden))


async def mentionable(author: Actor, found: Mapping[str, Actor]) -> dict[str, Actor]:
    """Of the actors a status names, those its author may mention.

    A private space named by someone outside it stays plain text: no Mention tag, so no
    notification and no delivery, and the rendered link would confirm the name exists.
    """
    if not any(is_private_space(facts_of(a)) for a in found.values()):
        return dict(found)
    known = await knowledge(author)
    return {handle: a for handle, a in found.items() if known.knows(a)}
