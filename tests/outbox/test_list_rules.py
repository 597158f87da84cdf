"""The pure rules of lists: their fields, which replies a list timeline shows, who leaves home."""

from __future__ import annotations

import pytest

from federation.errors import Unprocessable
from outbox.lists import ListShape, home_hides, list_shape, list_shows

OWNER, AUTHOR, MEMBER, FOLLOWED, STRANGER = 1, 2, 3, 4, 5
MEMBERS = frozenset({AUTHOR, MEMBER})
FOLLOWING = frozenset({AUTHOR, MEMBER, FOLLOWED})

# policy, reply to (None: not stored here), is a reply, shown?, why
REPLIES = [
    ("none", None, False, True, "not a reply: always shown"),
    ("none", AUTHOR, True, True, "a thread of the author's own: always shown"),
    ("none", OWNER, True, True, "a reply to the list's owner: always shown"),
    ("none", MEMBER, True, False, "none: no reply to anyone else"),
    ("list", MEMBER, True, True, "list: a reply to another member"),
    ("list", FOLLOWED, True, False, "list: followed but not in the list"),
    ("followed", FOLLOWED, True, True, "followed: anyone the owner follows"),
    ("followed", STRANGER, True, False, "followed: not someone the owner follows"),
    ("list", None, True, False, "a reply to a post not stored here names no one admitted"),
    ("followed", None, True, False, "same under followed"),
]


@pytest.mark.parametrize(("policy", "reply_to", "is_reply", "shown", "why"), REPLIES)
def test_list_timeline_replies(policy, reply_to, is_reply, shown, why) -> None:
    assert (
        list_shows(
            policy,
            author_id=AUTHOR,
            reply_to_account_id=reply_to,
            is_reply=is_reply,
            owner_id=OWNER,
            members=MEMBERS,
            followed=FOLLOWING,
        )
        is shown
    ), why


def test_exclusive_members_leave_home_but_never_the_owner() -> None:
    exclusive = frozenset({AUTHOR, OWNER})
    assert home_hides(AUTHOR, OWNER, exclusive)
    assert not home_hides(OWNER, OWNER, exclusive)
    assert not home_hides(FOLLOWED, OWNER, exclusive)


def test_list_shape_defaults_keeps_and_refuses() -> None:
    assert list_shape("News", None, None) == ListShape("News", "list", False)
    current = ListShape("News", "none", True)
    assert list_shape(None, None, None, current) == current
    assert list_shape("Other", "followed", False, current) == ListShape("Other", "followed", False)
    for title, policy in (("", None), ("   ", None), (None, None), ("x", "everyone")):
        with pytest.raises(Unprocessable):
            list_shape(title, policy, None)
