"""The one decision of who may see an object. Every read path and the fan-out ask it.

Pure: the caller gathers the facts (is the requester a member of the space, a follower of the
author, addressed by the post) and this decides. Private spaces are decided first and
strictest: only local members of the space, whoever else asks — admins included.
"""

from __future__ import annotations

from dataclasses import dataclass

from actors.existence import ViewerKind

# One vocabulary of who asks for both pure decisions: knowing an actor and seeing a post.
RequesterKind = ViewerKind


@dataclass(frozen=True)
class Subject:
    """What is being looked at."""

    visibility: str  # public | unlisted | followers | direct | space
    author_id: int
    space_private: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class Requester:
    kind: RequesterKind
    actor_id: int | None = None
    is_author: bool = False
    follows_author: bool = False  # a local member following, or a remote actor following
    member_of_space: bool = False
    addressed: bool = False  # named in to/cc/mentions


ANONYMOUS = Requester(RequesterKind.ANONYMOUS)


def may_see(subject: Subject, requester: Requester) -> bool:
    if subject.deleted:
        return False
    if subject.space_private or subject.visibility == "space":
        return requester.kind is RequesterKind.LOCAL and requester.member_of_space
    if subject.visibility in ("public", "unlisted"):
        return True
    if requester.is_author:
        return True
    if subject.visibility == "followers":
        return requester.follows_author or requester.addressed
    if subject.visibility == "direct":
        return requester.addressed
    return False


def may_deliver_remotely(subject: Subject) -> bool:
    """Content of a private space never leaves the instance, whoever it is addressed to."""
    return not (subject.space_private or subject.visibility == "space")


def visibility_from_addressing(
    to: tuple[str, ...] | list[str], cc: tuple[str, ...] | list[str], followers_url: str | None
) -> str:
    """Mastodon's reading of to/cc: Public in `to` is public, in `cc` unlisted, and so on."""
    from federation.activities import is_public

    if any(is_public(a) for a in to):
        return "public"
    if any(is_public(a) for a in cc):
        return "unlisted"
    if followers_url and (followers_url in to or followers_url in cc):
        return "followers"
    return "direct"
