"""Who may read a local activity at its id (`/activities/ID`), and whether it is gone.

Every activity we send carries an id that peers may dereference (Fedify and others do, to
check what they were sent). What an activity may show follows what it carries:

- it concerns posts (a Create, Update, Like, Announce, Delete or Undo of one): the requester
  must be allowed to see every such post (`outbox.visibility.may_see`, as if undeleted), so a
  Like of a followers-only post is as hidden as the post;
- otherwise (a Follow, Accept, Block, an actor's Update...): it is public, or addressed to the
  requester (a signed fetch speaks for its server, as in `outbox.reading`), or theirs;
- anything touching a private space is hidden from everyone: members read spaces in the app.

A readable activity that was undone, or whose post was deleted, is gone (a `Tombstone`, 410);
the `Delete` itself stays readable, since it is what tells peers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from federation.activities import host_of, is_public
from federation.errors import BadRequest
from outbox.reading import local_requester, remote_requester, space_is_private, subject_of
from outbox.visibility import may_see
from storage.models import Activity, Actor, Follow, Post

ABOUT_POSTS = frozenset(
    {"Create", "Update", "Like", "Dislike", "EmojiReact", "Announce", "Delete", "Undo"}
)
ADDRESS_FIELDS = ("to", "cc", "bto", "bcc", "audience")


class Answer(Enum):
    SHOW = "show"
    GONE = "gone"
    HIDDEN = "hidden"


@dataclass(frozen=True)
class ActivityFacts:
    """What the decision needs, gathered by `activity_facts`."""

    kind: str
    touches_private_space: bool
    posts: int  # local or cached posts the activity carries or names
    posts_visible: bool  # the requester may see every one of them (as if none were deleted)
    posts_deleted: bool
    public: bool
    addressed_or_own: bool
    undone: bool


def decide(facts: ActivityFacts) -> Answer:
    """Pure: show it, say it is gone, or answer as if it never existed."""
    if facts.touches_private_space:
        return Answer.HIDDEN
    if facts.posts and facts.kind in ABOUT_POSTS:
        if not facts.posts_visible:
            return Answer.HIDDEN
    elif not (facts.public or facts.addressed_or_own):
        return Answer.HIDDEN
    if facts.undone or (facts.posts_deleted and facts.kind != "Delete"):
        return Answer.GONE
    return Answer.SHOW


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return [value["id"]]
    if isinstance(value, list):
        return [i for v in value[:50] for i in _ids(v)]
    return []


def named_objects(doc: dict[str, Any]) -> list[str]:
    """The object's id and, for an activity wrapping another (Undo, a space's Announce of a
    Like), the inner object's id too."""
    found = _ids(doc.get("object"))
    inner = doc.get("object")
    if isinstance(inner, dict):
        found += _ids(inner.get("object"))
    return found


def recipients(doc: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for name in ADDRESS_FIELDS:
        found += _ids(doc.get(name))
    inner = doc.get("object")
    if isinstance(inner, dict):
        for name in ADDRESS_FIELDS:
            found += _ids(inner.get(name))
    return found


def _host(uri: str) -> str | None:
    try:
        return host_of(uri)
    except BadRequest:
        return None


async def _addressed(
    doc: dict[str, Any], actor_uri: str, member: Actor | None, signer: Actor | None
) -> bool:
    named = set(recipients(doc))
    if member is not None:
        if member.uri == actor_uri or member.uri in named:
            return True
        if not named:
            return False
        return await Follow.exists(follower=member, accepted=True, target__followers_url__in=named)
    if signer is not None:
        host = _host(signer.uri)
        if host is None:
            return False
        if any(_host(uri) == host for uri in named):
            return True
        if not named:
            return False
        return await Follow.exists(
            follower__domain=host, accepted=True, target__followers_url__in=named
        )
    return False


async def activity_facts(
    row: Activity, member: Actor | None, signer: Actor | None
) -> ActivityFacts:
    doc = row.document if isinstance(row.document, dict) else {}
    objects = named_objects(doc)
    named = set(recipients(doc)) | set(objects) | {row.actor_uri}
    touches_private = await Actor.filter(uri__in=list(named), type="Group", private=True).exists()
    posts = await Post.filter(uri__in=objects) if objects else []
    visible = True
    for post in posts:
        subject = subject_of(post, await space_is_private(post))
        if subject.space_private:
            touches_private = True
        subject = replace(subject, deleted=False)
        requester = await (
            local_requester(post, member) if member else remote_requester(post, signer)
        )
        visible = visible and may_see(subject, requester)
    return ActivityFacts(
        kind=row.type,
        touches_private_space=touches_private,
        posts=len(posts),
        posts_visible=visible,
        posts_deleted=any(p.deleted_at is not None for p in posts),
        public=any(is_public(uri) for uri in recipients(doc)),
        addressed_or_own=await _addressed(doc, row.actor_uri, member, signer),
        undone=await Activity.exists(type="Undo", object_uri=row.uri, local=True),
    )
