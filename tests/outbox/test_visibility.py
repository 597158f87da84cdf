"""The one visibility decision, as a table: object visibility x requester -> may see."""

from __future__ import annotations

import pytest

from outbox.visibility import (
    ANONYMOUS,
    Requester,
    RequesterKind,
    Subject,
    may_deliver_remotely,
    may_see,
    visibility_from_addressing,
)

LOCAL = RequesterKind.LOCAL
REMOTE = RequesterKind.REMOTE

MEMBER = Requester(LOCAL, actor_id=2, member_of_space=True)
NON_MEMBER = Requester(LOCAL, actor_id=3)
MODERATOR = Requester(LOCAL, actor_id=4, member_of_space=True)
ADMIN_OUTSIDER = Requester(LOCAL, actor_id=5)  # admins get no special read access
AUTHOR = Requester(LOCAL, actor_id=1, is_author=True, member_of_space=True)
FOLLOWER = Requester(LOCAL, actor_id=6, follows_author=True)
REMOTE_SIGNED = Requester(REMOTE, actor_id=7)
REMOTE_FOLLOWER = Requester(REMOTE, actor_id=8, follows_author=True)
REMOTE_ADDRESSED = Requester(REMOTE, actor_id=9, addressed=True)
REMOTE_MEMBER_CLAIM = Requester(REMOTE, actor_id=10, member_of_space=True, follows_author=True)

PUBLIC_POST = Subject("public", author_id=1)
UNLISTED_POST = Subject("unlisted", author_id=1)
FOLLOWERS_POST = Subject("followers", author_id=1)
DIRECT_POST = Subject("direct", author_id=1)
PRIVATE_SPACE_POST = Subject("space", author_id=1, space_private=True)
DELETED_POST = Subject("public", author_id=1, deleted=True)


@pytest.mark.parametrize(
    ("subject", "requester", "expected", "why"),
    [
        (PUBLIC_POST, ANONYMOUS, True, "public is public"),
        (UNLISTED_POST, ANONYMOUS, True, "unlisted is readable, just not listed"),
        (FOLLOWERS_POST, ANONYMOUS, False, "followers-only needs a follower"),
        (FOLLOWERS_POST, REMOTE_SIGNED, False, "a server with no follower of the author"),
        (FOLLOWERS_POST, REMOTE_FOLLOWER, True, "a follower's server"),
        (FOLLOWERS_POST, FOLLOWER, True, "a local follower"),
        (FOLLOWERS_POST, NON_MEMBER, False, "a local member who does not follow"),
        (FOLLOWERS_POST, AUTHOR, True, "the author"),
        (DIRECT_POST, REMOTE_FOLLOWER, False, "following is not being addressed"),
        (DIRECT_POST, REMOTE_ADDRESSED, True, "the addressee's server"),
        (DIRECT_POST, AUTHOR, True, "the author"),
        (PRIVATE_SPACE_POST, ANONYMOUS, False, "private space: anonymous"),
        (PRIVATE_SPACE_POST, REMOTE_SIGNED, False, "private space: remote signed"),
        (PRIVATE_SPACE_POST, REMOTE_MEMBER_CLAIM, False, "remote actors are never members"),
        (PRIVATE_SPACE_POST, MEMBER, True, "private space: a local member"),
        (PRIVATE_SPACE_POST, MODERATOR, True, "private space: a moderator (a member)"),
        (PRIVATE_SPACE_POST, NON_MEMBER, False, "private space: a local non-member"),
        (PRIVATE_SPACE_POST, ADMIN_OUTSIDER, False, "private space: an admin outside it"),
        (PRIVATE_SPACE_POST, FOLLOWER, False, "following the author is not membership"),
        (PRIVATE_SPACE_POST, AUTHOR, True, "the author, a member"),
        (DELETED_POST, AUTHOR, False, "deleted: a tombstone, for everyone"),
    ],
)
def test_may_see(subject: Subject, requester: Requester, expected: bool, why: str) -> None:
    assert may_see(subject, requester) is expected, why


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (PUBLIC_POST, True),
        (FOLLOWERS_POST, True),
        (DIRECT_POST, True),
        (PRIVATE_SPACE_POST, False),
        (Subject("space", author_id=1), False),
    ],
)
def test_private_space_content_is_never_delivered(subject: Subject, expected: bool) -> None:
    assert may_deliver_remotely(subject) is expected


PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = "https://a.example/users/x/followers"


@pytest.mark.parametrize(
    ("to", "cc", "expected"),
    [
        ([PUBLIC], [FOLLOWERS], "public"),
        (["as:Public"], [], "public"),
        ([FOLLOWERS], [PUBLIC], "unlisted"),
        ([FOLLOWERS], [], "followers"),
        ([], [FOLLOWERS], "followers"),
        (["https://b.example/users/y"], [], "direct"),
        ([], [], "direct"),
    ],
)
def test_visibility_from_addressing(to: list[str], cc: list[str], expected: str) -> None:
    assert visibility_from_addressing(to, cc, FOLLOWERS) == expected
