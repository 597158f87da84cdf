"""The notification policy's decision and the group keys of grouped notifications, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outbox.notification_groups import key_for
from outbox.notification_policy import Policy, SenderFacts, decision

NOW = datetime(2030, 6, 1, tzinfo=UTC)
OLD = NOW - timedelta(days=400)


def facts(**changes) -> SenderFacts:
    base = dict(
        type="mention",
        permitted=False,
        member_follows_sender=True,
        sender_follows_since=OLD,
        sender_created_at=OLD,
        private_mention=False,
        answers_member=False,
    )
    return SenderFacts(**{**base, **changes})


DEFAULT = Policy()
STRICT = Policy("filter", "filter", "filter", "filter", "filter")
DROPPING = Policy(for_not_following="drop", for_new_accounts="filter")

# policy, facts, expected, why
CASES = [
    (DEFAULT, facts(), "accept", "a mutual, old account: accepted"),
    (DEFAULT, facts(member_follows_sender=False), "accept", "defaults accept strangers"),
    (
        DEFAULT,
        facts(member_follows_sender=False, private_mention=True),
        "filter",
        "defaults filter a stranger's private mention",
    ),
    (
        DEFAULT,
        facts(member_follows_sender=False, private_mention=True, answers_member=True),
        "accept",
        "a private mention answering the member's own post is a conversation",
    ),
    (DEFAULT, facts(private_mention=True), "accept", "a private mention from someone followed"),
    (STRICT, facts(sender_follows_since=None), "filter", "not a follower"),
    (
        STRICT,
        facts(sender_follows_since=NOW - timedelta(days=1)),
        "filter",
        "a follower of one day counts as none",
    ),
    (STRICT, facts(sender_created_at=NOW - timedelta(days=2)), "filter", "a new account"),
    (STRICT, facts(), "accept", "no condition holds"),
    (
        DROPPING,
        facts(member_follows_sender=False, sender_created_at=NOW),
        "drop",
        "the strictest choice of those that hold wins",
    ),
    (
        DROPPING,
        facts(member_follows_sender=False, permitted=True),
        "accept",
        "an accepted request lets the sender through",
    ),
    (
        DROPPING,
        facts(type="poll", member_follows_sender=False),
        "accept",
        "a poll's end is about the member's own vote: never filtered",
    ),
    (
        DROPPING,
        facts(type="update", member_follows_sender=False),
        "accept",
        "an edit of a post the member boosted: never filtered",
    ),
]


@pytest.mark.parametrize(("policy", "sender", "expected", "why"), CASES)
def test_policy_decision(policy, sender, expected, why) -> None:
    assert decision(policy, sender, NOW) == expected, why


AT = datetime(2030, 6, 1, 10, 15, tzinfo=UTC)
SAME_HOUR = AT + timedelta(minutes=30)
NEXT_HOUR = AT + timedelta(hours=1)


def test_group_keys() -> None:
    fav = key_for(1, "favourite", 7, AT)
    assert fav.startswith("favourite-7-")
    assert key_for(2, "favourite", 7, SAME_HOUR) == fav, "same post, same hour: one group"
    assert key_for(3, "favourite", 7, NEXT_HOUR) != fav, "the next hour starts a new group"
    assert key_for(4, "favourite", 8, AT) != fav, "another post"
    assert key_for(5, "reblog", 7, AT) != fav, "another type"
    assert key_for(6, "follow", None, AT) == key_for(7, "follow", None, SAME_HOUR)
    assert key_for(8, "mention", 7, AT) == "ungrouped-8", "mentions are never grouped"
    assert key_for(9, "favourite", 7, AT, frozenset({"follow"})) == "ungrouped-9", (
        "a type the client does not group"
    )
