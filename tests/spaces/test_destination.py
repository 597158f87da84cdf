"""`spaces.destination.destination`: which space a status goes to, at which visibility."""

from __future__ import annotations

import pytest

from spaces.destination import Destination, SpaceFacts, destination

PUBLIC_MEMBER = SpaceFacts(space_id=1, private=False, may_post=True)
PUBLIC_OUTSIDER = SpaceFacts(space_id=2, private=False, may_post=False)
PRIVATE_MEMBER = SpaceFacts(space_id=3, private=True, may_post=True)
PRIVATE_OUTSIDER = SpaceFacts(space_id=4, private=True, may_post=False)
OTHER_PUBLIC_MEMBER = SpaceFacts(space_id=5, private=False, may_post=True)


@pytest.mark.parametrize(
    ("visibility", "parent", "mentioned", "expected", "why"),
    [
        ("public", None, [], Destination(None, "public"), "no space named: an ordinary post"),
        ("public", None, [PUBLIC_MEMBER], Destination(1, "public"), "a member posts by mention"),
        ("unlisted", None, [PUBLIC_MEMBER], Destination(1, "unlisted"), "unlisted is open too"),
        (
            "private",
            None,
            [PUBLIC_MEMBER],
            Destination(None, "private"),
            "a public space announces to the world: a followers-only post stays a mention",
        ),
        ("direct", None, [PUBLIC_MEMBER], Destination(None, "direct"), "a DM names people"),
        ("direct", None, [PRIVATE_MEMBER], Destination(None, "direct"), "a DM names people"),
        (
            "public",
            None,
            [PRIVATE_MEMBER],
            Destination(3, "private"),
            "never more visible than the private space",
        ),
        ("private", None, [PRIVATE_MEMBER], Destination(3, "private"), "followers-only too"),
        (
            "public",
            None,
            [PUBLIC_OUTSIDER],
            Destination(None, "public"),
            "not a member: an ordinary mention",
        ),
        (
            "public",
            None,
            [PRIVATE_OUTSIDER],
            Destination(None, "public"),
            "not a member: the private space takes nothing",
        ),
        (
            "public",
            None,
            [PUBLIC_OUTSIDER, OTHER_PUBLIC_MEMBER],
            Destination(5, "public"),
            "the first space the author may post in",
        ),
        (
            "public",
            None,
            [PUBLIC_MEMBER, PRIVATE_MEMBER],
            Destination(1, "public"),
            "the first one named wins, in the order written",
        ),
        (
            "public",
            PRIVATE_MEMBER,
            [],
            Destination(3, "private"),
            "a reply in a private space stays in it",
        ),
        (
            "direct",
            PRIVATE_MEMBER,
            [],
            Destination(3, "private"),
            "even a direct reply: it may not leave the instance",
        ),
        (
            "public",
            PRIVATE_MEMBER,
            [PUBLIC_MEMBER],
            Destination(3, "private"),
            "a reply stays where its parent lives, whatever else it names",
        ),
        ("public", PUBLIC_MEMBER, [], Destination(1, "public"), "a reply in a public space"),
        (
            "public",
            PUBLIC_OUTSIDER,
            [],
            Destination(2, "public"),
            "anyone's public reply joins the thread; the relay announces members' only",
        ),
        (
            "private",
            PUBLIC_MEMBER,
            [OTHER_PUBLIC_MEMBER],
            Destination(None, "private"),
            "a followers-only reply is between people, outside the space",
        ),
        ("direct", PUBLIC_MEMBER, [], Destination(None, "direct"), "a direct reply too"),
    ],
)
def test_destination(
    visibility: str,
    parent: SpaceFacts | None,
    mentioned: list[SpaceFacts],
    expected: Destination,
    why: str,
) -> None:
    assert destination(visibility, parent, mentioned) == expected, why
