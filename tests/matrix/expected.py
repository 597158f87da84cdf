"""The one table of who may see what, for the confidentiality matrix.

Pure: a viewer's facts and an object's kind, visibility and place decide "visible" or
"hidden". It mirrors `outbox.visibility.may_see` and issue 13's rules, written out again on
purpose: the matrix checks the server against this table, not against the server's own code.

- A private space's content is for local members of the space who read with a `read` token:
  not admins, not remote servers, not members who were removed.
- Suspended members and revoked tokens see nothing private; nor do tokens without `read`
  (`profile`, `write:media`): a scope that does not read unlocks nothing.
- Public and unlisted posts (outside private spaces) are for everyone; followers-only posts
  for followers and those addressed; direct posts for those addressed.
- A media upload's own record (`/api/v1/media/:id`) is its uploader's alone; the file follows
  the post it is attached to.
- Co-editing a document is for members of its space holding a `write` token.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

VISIBLE = "visible"
HIDDEN = "hidden"


class Who(Enum):
    ANONYMOUS = "anonymous"
    LOCAL = "local"  # a local member with an OAuth token
    REMOTE = "remote"  # another server, by HTTP-signed GET


class Kind(Enum):
    POST = "post"
    TALK = "talk"  # a space's Event: a post, so every post door reads it too
    SPACE = "space"
    DOCUMENT = "document"
    VERSION = "version"
    COEDIT = "co-edited document"
    FEED = "letter feed"
    MEDIA = "media file"
    MEDIA_RECORD = "media record"


# Where an object lives.
NO_SPACE = "no space"
PUBLIC_SPACE = "public space"
PRIVATE_SPACE = "private space"
PLACES = (NO_SPACE, PUBLIC_SPACE, PRIVATE_SPACE)
VISIBILITIES = ("public", "unlisted", "private", "direct")  # Mastodon's names; private = followers


@dataclass(frozen=True)
class Viewer:
    """What matters about a viewer; every flag is a fact set up in the matrix's world."""

    name: str
    who: Who
    reads: bool = False  # holds a live token with `read` (remote: its signature speaks)
    writes: bool = False  # that token also has `write`
    member: bool = False  # a member of both spaces now
    follows: bool = False  # follows the author (accepted)
    addressed: bool = False  # named in the author's direct posts
    refusable: bool = False  # has a token the server may refuse outright (401/403)


VIEWERS: tuple[Viewer, ...] = (
    Viewer("anonymous", Who.ANONYMOUS),
    Viewer("outsider", Who.LOCAL, reads=True, writes=True),
    Viewer("scope:profile", Who.LOCAL, member=True, follows=True, addressed=True, refusable=True),
    Viewer(
        "scope:write:media", Who.LOCAL, member=True, follows=True, addressed=True, refusable=True
    ),
    Viewer("scope:read", Who.LOCAL, reads=True, member=True, follows=True, addressed=True),
    Viewer(
        "scope:read write",
        Who.LOCAL,
        reads=True,
        writes=True,
        member=True,
        follows=True,
        addressed=True,
    ),
    Viewer(
        "space member",
        Who.LOCAL,
        reads=True,
        writes=True,
        member=True,
        follows=True,
        addressed=True,
    ),
    Viewer("removed member", Who.LOCAL, reads=True, writes=True),
    Viewer("suspended member", Who.LOCAL, refusable=True),
    Viewer("revoked token", Who.LOCAL, refusable=True),
    Viewer("remote signer", Who.REMOTE, reads=True, member=True, follows=True),
    Viewer("admin", Who.LOCAL, reads=True, writes=True),
)
BY_NAME = {v.name: v for v in VIEWERS}
ANONYMOUS = BY_NAME["anonymous"]


def expected(viewer: Viewer, kind: Kind, visibility: str, place: str) -> str:
    """The one answer: may this viewer see this object?"""
    if kind is Kind.MEDIA_RECORD:
        return HIDDEN  # the uploader's own record; no viewer here uploaded it
    if kind is Kind.COEDIT:
        live = viewer.who is Who.LOCAL and viewer.reads and viewer.writes and viewer.member
        return VISIBLE if live else HIDDEN
    if place == PRIVATE_SPACE:
        inside = viewer.who is Who.LOCAL and viewer.reads and viewer.member
        return VISIBLE if inside else HIDDEN
    if visibility in ("public", "unlisted"):
        return VISIBLE
    if not viewer.reads:
        return HIDDEN
    if visibility == "private":
        return VISIBLE if viewer.follows or viewer.addressed else HIDDEN
    if visibility == "direct":
        return VISIBLE if viewer.addressed else HIDDEN
    raise ValueError(f"unknown visibility {visibility!r}")
