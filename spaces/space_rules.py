"""What a space's state allows: posting, joining and changing things in it, as pure functions
of the facts, so that every door (the Mastodon API, the web app, C2S, the inbox) gets the same
answer from `spaces.destination`, `spaces.relay` and `spaces.membership`.

Two states come from the admin console (and `baraza space ...`): a space *restricted to
moderators* (FEP-1b12's `postingRestrictedToMods`: only its owner and moderators post), and an
*archived* space (read-only: nobody posts, joins or edits; its members still read it; an admin
can bring it back). Table-tested in tests/spaces/test_space_rules.py.
"""

from __future__ import annotations

from typing import Literal

Refusal = Literal["archived", "not_member", "moderators_only"]

# What each refusal tells the member whose post, join or edit was refused.
REASONS: dict[str, str] = {
    "archived": "this space is archived: it is read-only",
    "not_member": "only members of this space may post in it",
    "moderators_only": "only the space's moderators may post in it",
}


def posting_refusal(
    *, archived: bool, member: bool, moderator: bool, restricted: bool
) -> Refusal | None:
    """Pure: why an author may not post in a space (a new post or a reply), or None when
    they may. `moderator` is the owner or a moderator. An archived space takes nothing, not
    even from its moderators; a restricted one takes its moderators' posts only (an outsider
    is told so too: the restriction is on the space's public actor document)."""
    if archived:
        return "archived"
    if restricted and not moderator:
        return "moderators_only"
    if not member:
        return "not_member"
    return None


def join_refusal(*, archived: bool) -> Refusal | None:
    """Pure: an archived space admits nobody (no join, no answer to a pending request)."""
    return "archived" if archived else None


def edit_refusal(*, archived: bool) -> Refusal | None:
    """Pure: nothing in an archived space changes (posts, documents), whoever asks."""
    return "archived" if archived else None


def role_refusal(
    kind: str, *, candidate_local_member: bool, candidate_suspended: bool, current_role: str | None
) -> str | None:
    """Pure: why an admin may not give (or take) a role in a space to this member, or None.
    `kind` is `owner` (make them the owner), `moderator` (appoint) or `unmoderator` (remove);
    `current_role` is their role in the space now (`owner`, `moderator` or None)."""
    if kind not in ("owner", "moderator", "unmoderator"):
        return "unknown role change"
    if kind == "unmoderator":
        return None if current_role == "moderator" else "they are not a moderator of this space"
    if not candidate_local_member:
        return "only this server's members can own or moderate its spaces"
    if candidate_suspended:
        return "a suspended member cannot own or moderate a space"
    if current_role == "owner":
        return "they already own this space"
    if kind == "moderator" and current_role == "moderator":
        return "they already moderate this space"
    return None
