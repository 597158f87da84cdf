"""Who may know an actor exists, as a table: actor x viewer -> may know, and why."""

from __future__ import annotations

import pytest

from actors.existence import (
    OUTSIDER,
    ActorFacts,
    Knowledge,
    ViewerFacts,
    ViewerKind,
    may_know_actor,
)

LOCAL = ViewerKind.LOCAL
REMOTE = ViewerKind.REMOTE

PRIVATE_SPACE = ActorFacts(is_group=True, local=True, private=True)
PUBLIC_SPACE = ActorFacts(is_group=True, local=True, private=False)
MEMBER_ACTOR = ActorFacts(is_group=False, local=True, private=False)
REMOTE_GROUP = ActorFacts(is_group=True, local=False, private=False)
# `private` is a column of every actor; only a local Group is a private space.
ODD_PRIVATE_PERSON = ActorFacts(is_group=False, local=True, private=True)
ODD_REMOTE_PRIVATE_GROUP = ActorFacts(is_group=True, local=False, private=True)

MEMBER = ViewerFacts(LOCAL, member=True)
MODERATOR = ViewerFacts(LOCAL, member=True, holds_role=True)
ROLE_WITHOUT_MEMBERSHIP = ViewerFacts(LOCAL, holds_role=True)
LOCAL_OUTSIDER = ViewerFacts(LOCAL)
ADMIN_OUTSIDER = ViewerFacts(LOCAL, is_admin=True)
REMOTE_SIGNER = ViewerFacts(REMOTE)
REMOTE_CLAIMING_MEMBERSHIP = ViewerFacts(REMOTE, member=True)


@pytest.mark.parametrize(
    ("actor", "viewer", "expected", "why"),
    [
        (MEMBER_ACTOR, OUTSIDER, True, "members are public"),
        (PUBLIC_SPACE, OUTSIDER, True, "a public space is public"),
        (PUBLIC_SPACE, REMOTE_SIGNER, True, "a public space federates"),
        (REMOTE_GROUP, OUTSIDER, True, "remote groups are another server's business"),
        (ODD_REMOTE_PRIVATE_GROUP, OUTSIDER, True, "only local spaces are hidden here"),
        (ODD_PRIVATE_PERSON, OUTSIDER, True, "`private` means nothing on a person"),
        (PRIVATE_SPACE, OUTSIDER, False, "anonymous"),
        (PRIVATE_SPACE, REMOTE_SIGNER, False, "another server"),
        (PRIVATE_SPACE, REMOTE_CLAIMING_MEMBERSHIP, False, "remote actors are never members"),
        (PRIVATE_SPACE, LOCAL_OUTSIDER, False, "a local member outside it"),
        (PRIVATE_SPACE, ADMIN_OUTSIDER, False, "admins read no private space: may_see agrees"),
        (PRIVATE_SPACE, MEMBER, True, "its member"),
        (PRIVATE_SPACE, MODERATOR, True, "its moderator"),
        (PRIVATE_SPACE, ROLE_WITHOUT_MEMBERSHIP, True, "its owner, even with the row gone"),
    ],
)
def test_may_know_actor(actor: ActorFacts, viewer: ViewerFacts, expected: bool, why: str) -> None:
    assert may_know_actor(actor, viewer) is expected, why


def test_knowledge_hides_exactly_the_spaces_the_viewer_is_not_in() -> None:
    local = Knowledge(LOCAL, private=(1, 2, 3), member_of=frozenset({1}), roles_in=frozenset({3}))
    assert local.hidden == [2]
    # Memberships claimed for another server's actor count for nothing.
    remote = Knowledge(REMOTE, private=(1, 2), member_of=frozenset({1, 2}))
    assert remote.hidden == [1, 2]
    assert Knowledge(ViewerKind.ANONYMOUS, private=(5,)).hidden == [5]
