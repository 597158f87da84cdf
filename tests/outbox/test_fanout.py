"""Which inboxes an activity goes to: a table of recipients in, delivery targets out."""

from __future__ import annotations

import pytest

from outbox.audience import addressing
from outbox.fanout import Recipient, Target, delivery_targets

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def r(name: str, host: str, shared: bool = True) -> Recipient:
    return Recipient(
        uri=f"https://{host}/u/{name}",
        inbox=f"https://{host}/u/{name}/inbox",
        shared_inbox=f"https://{host}/inbox" if shared else None,
        host=host,
    )


@pytest.mark.parametrize(
    ("recipients", "expected", "why"),
    [
        (
            [r("a", "x.example"), r("b", "x.example")],
            [Target("https://x.example/inbox", "x.example")],
            "one POST per shared inbox",
        ),
        (
            [r("a", "x.example", False), r("b", "x.example", False)],
            [
                Target("https://x.example/u/a/inbox", "x.example"),
                Target("https://x.example/u/b/inbox", "x.example"),
            ],
            "personal inboxes otherwise",
        ),
        ([r("a", "here.example")], [], "never to our own host"),
        (
            [r("a", "blocked.example"), r("b", "y.example")],
            [Target("https://y.example/inbox", "y.example")],
            "never to a refused host",
        ),
        ([], [], "nobody"),
    ],
)
def test_delivery_targets(recipients: list[Recipient], expected: list[Target], why: str) -> None:
    targets = delivery_targets(
        recipients, local_host="here.example", refused=lambda host: host == "blocked.example"
    )
    assert targets == expected, why


FOLLOWERS = "https://here.example/users/me/followers"
BOB = "https://x.example/u/bob"
SPACE = "https://here.example/spaces/casefiles"


@pytest.mark.parametrize(
    ("visibility", "space_private", "to", "cc"),
    [
        ("public", False, [PUBLIC], [FOLLOWERS, BOB]),
        ("unlisted", False, [FOLLOWERS], [PUBLIC, BOB]),
        ("private", False, [FOLLOWERS], [BOB]),
        ("direct", False, [BOB], []),
        ("public", True, [f"{SPACE}/followers"], []),
    ],
)
def test_addressing(visibility: str, space_private: bool, to: list[str], cc: list[str]) -> None:
    space = SPACE if space_private else None
    result = addressing(visibility, FOLLOWERS, [BOB], space, space_private)
    assert (result.to, result.cc) == (to, cc)
    if space_private:
        assert PUBLIC not in result.to + result.cc, "a private space post is never public"
