"""Web Push's pure rules, as tables: alerts parsing, who causes a push, the payload's shape."""

from __future__ import annotations

import pytest

from outbox.push import InvalidSubscription, check_subscription
from outbox.push_keys import b64url
from outbox.push_rules import ALERTS, Relation, parse_alerts, payload, wants_push

STRANGER = Relation(member_follows_account=False, account_follows_member=False)
FOLLOWED = Relation(member_follows_account=True, account_follows_member=False)
FOLLOWER = Relation(member_follows_account=False, account_follows_member=True)
ON = {name: True for name in ALERTS}


@pytest.mark.parametrize(
    ("alerts", "policy", "type", "relation", "expected", "why"),
    [
        (ON, "all", "mention", STRANGER, True, "all: anyone may cause a push"),
        ({**ON, "mention": False}, "all", "mention", STRANGER, False, "alert off"),
        ({}, "all", "follow", STRANGER, False, "alerts default to off"),
        (ON, "followed", "favourite", STRANGER, False, "followed: not someone I don't follow"),
        (ON, "followed", "favourite", FOLLOWED, True, "followed: someone I follow"),
        (ON, "follower", "reblog", FOLLOWED, False, "follower: not merely followed by me"),
        (ON, "follower", "reblog", FOLLOWER, True, "follower: someone following me"),
        (ON, "none", "mention", FOLLOWED, False, "none: never"),
        (ON, "bogus", "mention", FOLLOWED, False, "an unknown policy pushes nothing"),
    ],
)
def test_who_causes_a_push(alerts, policy, type, relation, expected, why) -> None:
    assert wants_push(alerts, policy, type, relation) is expected, why


@pytest.mark.parametrize(
    ("raw", "base", "expected_on"),
    [
        ({"mention": "true", "follow": "1", "favourite": "false"}, None, {"mention", "follow"}),
        ({"mention": True, "reblog": "on", "nonsense": "true"}, None, {"mention", "reblog"}),
        ({"poll": "yes"}, {"mention": True}, {"mention", "poll"}),
        ({"mention": "false"}, {"mention": True}, set()),
        ("not a mapping", {"status": True}, {"status"}),
    ],
)
def test_alerts_are_read_as_rails_reads_them(raw, base, expected_on) -> None:
    alerts = parse_alerts(raw, base)
    assert set(alerts) == set(ALERTS)
    assert {name for name, on in alerts.items() if on} == expected_on


def test_payload_has_mastodons_fields_and_a_short_body() -> None:
    doc = payload(
        notification_id=42,
        type="favourite",
        access_token="tok",
        locale="fr",
        icon="https://x/a.png",
        account_name="Amina",
        account_acct="amina",
        post_text="x" * 500,
    )
    assert set(doc) == {
        "access_token", "preferred_locale", "notification_id", "notification_type", "icon",
        "title", "body",
    }  # fmt: skip
    assert doc["notification_id"] == "42" and doc["title"] == "Amina favourited your post"
    assert len(doc["body"]) == 140 and doc["body"].endswith("…")


GOOD_KEY = b64url(b"\x04" + b"\x01" * 64)
GOOD_AUTH = b64url(b"\x02" * 16)


@pytest.mark.parametrize(
    ("endpoint", "p256dh", "auth", "ok"),
    [
        ("https://push.example/send/abc", GOOD_KEY, GOOD_AUTH, True),
        ("ftp://push.example/x", GOOD_KEY, GOOD_AUTH, False),
        ("https://push.example/x", b64url(b"\x04" * 10), GOOD_AUTH, False),
        ("https://push.example/x", GOOD_KEY, b64url(b"\x02" * 8), False),
        ("https://push.example/x", "!!!not base64!!!", GOOD_AUTH, False),
        ("https://push.example/" + "a" * 2100, GOOD_KEY, GOOD_AUTH, False),
    ],
)
def test_only_pushable_subscriptions_are_accepted(endpoint, p256dh, auth, ok) -> None:
    if ok:
        check_subscription(endpoint, p256dh, auth)
    else:
        with pytest.raises(InvalidSubscription):
            check_subscription(endpoint, p256dh, auth)
