"""`spaces.space_rules`: what an archived space, or one restricted to moderators, allows —
and how `spaces.destination` turns a refusal into a refused status instead of a quiet
ordinary mention."""

from __future__ import annotations

import pytest

from outbox.graph import FollowFacts, FollowOutcome, follow_outcome
from spaces.coediting import EditorFacts, may_edit_facts
from spaces.destination import Destination, SpaceFacts, destination
from spaces.space_rules import edit_refusal, join_refusal, posting_refusal, role_refusal


@pytest.mark.parametrize(
    ("archived", "member", "moderator", "restricted", "expected", "why"),
    [
        (False, True, False, False, None, "a member posts in an open space"),
        (False, False, False, False, "not_member", "an outsider does not post in it"),
        (False, True, False, True, "moderators_only", "restricted: members read only"),
        (False, True, True, True, None, "restricted: the owner and moderators post"),
        (False, False, False, True, "moderators_only", "restricted: an outsider is told so"),
        (True, True, True, False, "archived", "archived: not even a moderator posts"),
        (True, True, False, True, "archived", "archived outranks restricted"),
        (True, False, False, False, "archived", "archived: an outsider is told it is read-only"),
    ],
)
def test_posting_refusal(
    archived: bool, member: bool, moderator: bool, restricted: bool, expected: str, why: str
) -> None:
    answer = posting_refusal(
        archived=archived, member=member, moderator=moderator, restricted=restricted
    )
    assert answer == expected, why


def test_archived_space_admits_and_changes_nothing() -> None:
    assert join_refusal(archived=True) == "archived"
    assert join_refusal(archived=False) is None
    assert edit_refusal(archived=True) == "archived"
    assert edit_refusal(archived=False) is None


ARCHIVED_PUBLIC = SpaceFacts(space_id=1, private=False, may_post=False, refusal="archived")
RESTRICTED_PRIVATE = SpaceFacts(space_id=2, private=True, may_post=False, refusal="moderators_only")
OPEN_PUBLIC = SpaceFacts(space_id=3, private=False, may_post=True)


@pytest.mark.parametrize(
    ("visibility", "parent", "mentioned", "expected", "why"),
    [
        (
            "public",
            None,
            [ARCHIVED_PUBLIC],
            Destination(1, "public", "archived"),
            "a public post naming an archived space is refused, not posted outside it",
        ),
        (
            "private",
            None,
            [ARCHIVED_PUBLIC],
            Destination(None, "private"),
            "a followers-only post never went into a public space: an ordinary mention",
        ),
        (
            "private",
            None,
            [RESTRICTED_PRIVATE],
            Destination(2, "private", "moderators_only"),
            "a private restricted space refuses a member who is not a moderator",
        ),
        (
            "direct",
            None,
            [RESTRICTED_PRIVATE],
            Destination(None, "direct"),
            "a direct message names people, never a space",
        ),
        (
            "public",
            ARCHIVED_PUBLIC,
            [],
            Destination(1, "public", "archived"),
            "a public reply in an archived space's thread is refused",
        ),
        (
            "private",
            ARCHIVED_PUBLIC,
            [],
            Destination(None, "private"),
            "a followers-only reply is between people, outside the space",
        ),
        (
            "unlisted",
            RESTRICTED_PRIVATE,
            [],
            Destination(2, "private", "moderators_only"),
            "a reply in a private restricted space cannot leave it: refused",
        ),
        (
            "public",
            None,
            [OPEN_PUBLIC, ARCHIVED_PUBLIC],
            Destination(3, "public"),
            "the first space that takes it takes it",
        ),
    ],
)
def test_destination_refuses_what_a_space_refuses(
    visibility: str,
    parent: SpaceFacts | None,
    mentioned: list[SpaceFacts],
    expected: Destination,
    why: str,
) -> None:
    assert destination(visibility, parent, mentioned) == expected, why


@pytest.mark.parametrize(
    ("kind", "local", "suspended", "current", "refused", "why"),
    [
        ("owner", True, False, None, False, "a local member becomes owner"),
        ("owner", True, False, "moderator", False, "a moderator is promoted to owner"),
        ("owner", True, False, "owner", True, "already the owner"),
        ("owner", False, False, None, True, "a remote account owns nothing here"),
        ("moderator", True, True, None, True, "a suspended member moderates nothing"),
        ("moderator", True, False, None, False, "a member is appointed"),
        ("moderator", True, False, "moderator", True, "already a moderator"),
        ("moderator", True, False, "owner", True, "the owner is more than a moderator"),
        ("unmoderator", True, False, "moderator", False, "a moderator is removed"),
        ("unmoderator", True, False, "owner", True, "the owner is changed, not removed"),
        ("unmoderator", True, False, None, True, "not a moderator"),
        ("admin", True, False, None, True, "no such role change"),
    ],
)
def test_role_refusal(
    kind: str, local: bool, suspended: bool, current: str | None, refused: bool, why: str
) -> None:
    answer = role_refusal(
        kind, candidate_local_member=local, candidate_suspended=suspended, current_role=current
    )
    assert (answer is not None) == refused, why


def test_archived_public_space_refuses_new_followers_but_not_its_members() -> None:
    facts = FollowFacts(
        follower_local=False,
        is_self=False,
        target_local=True,
        target_type="Group",
        target_private_space=False,
        target_suspended=False,
        blocked=False,
        approves_by_hand=False,
        target_archived=True,
    )
    assert follow_outcome(facts) is FollowOutcome.ARCHIVED
    member_again = FollowFacts(**{**facts.__dict__, "target_archived": False})
    assert follow_outcome(member_again) is FollowOutcome.ACCEPTED


def test_nobody_coedits_in_an_archived_space() -> None:
    live = EditorFacts(True, True, True, False, True, False)
    assert may_edit_facts(live)
    assert not may_edit_facts(EditorFacts(True, True, True, False, True, False, True))
