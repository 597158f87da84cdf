"""The pure rules of member choices (`outbox.choices`), one table each: input, answer, why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from outbox.choices import (
    PIN_LIMIT,
    conversation_participants,
    domain_block_refusal,
    hears_from_domain,
    hidden_by_domain,
    normal_domain,
    pin_refusal,
    schedule_refusal,
    tag_name,
    thread_root,
)


@pytest.mark.parametrize(
    ("own", "visibility", "count", "already", "refused", "why"),
    [
        (True, "public", 0, False, None, "an own public post"),
        (True, "unlisted", 4, False, None, "the fifth pin"),
        (True, "public", PIN_LIMIT, False, "at most 5", "a sixth pin"),
        (True, "public", PIN_LIMIT, True, None, "pinning a pinned post again changes nothing"),
        (False, "public", 0, False, "your own", "someone else's post"),
        (True, "followers", 0, False, "public and unlisted", "followers-only is not shown"),
        (True, "direct", 0, False, "public and unlisted", "a direct message"),
        (True, "space", 0, False, "public and unlisted", "a post in a space"),
    ],
)
def test_pin_refusal(own, visibility, count, already, refused, why) -> None:
    reason = pin_refusal(own=own, visibility=visibility, pinned_count=count, already_pinned=already)
    if refused is None:
        assert reason is None, why
    else:
        assert reason is not None and refused in reason, why


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.org", "example.org"),
        ("  Example.ORG. ", "example.org"),
        ("https://example.org/about", "example.org"),
        ("@someone@example.org", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("", None),
        ("localhost", None),
        ("exa mple.org", None),
        ("-bad.example", None),
        (["example.org"], None),
        (None, None),
        ("x" * 300 + ".org", None),
    ],
)
def test_normal_domain(value, expected) -> None:
    assert normal_domain(value) == expected


def test_domain_block_refusal() -> None:
    assert domain_block_refusal("remote.example", "social.example") is None
    assert "host name" in (domain_block_refusal(None, "social.example") or "")
    assert "your own" in (domain_block_refusal("social.example", "social.example:8443") or "")


@pytest.mark.parametrize(
    ("blocked", "domain", "local", "hidden", "why"),
    [
        ({"bad.example"}, "bad.example", False, True, "the domain itself"),
        ({"bad.example"}, "eu.bad.example", False, True, "a subdomain goes with it"),
        ({"bad.example"}, "bad.example:8443", False, True, "a port does not matter"),
        ({"bad.example"}, "notbad.example", False, False, "only a real subdomain"),
        ({"bad.example"}, "good.example", False, False, "another domain"),
        ({"bad.example"}, "bad.example", True, False, "local accounts are never domain-hidden"),
        (set(), "bad.example", False, False, "no block"),
    ],
)
def test_hidden_by_domain(blocked, domain, local, hidden, why) -> None:
    assert hidden_by_domain(frozenset(blocked), domain, local) is hidden, why


def test_hears_from_domain_lets_a_followed_account_through() -> None:
    blocked = frozenset({"bad.example"})
    assert hears_from_domain(blocked, "bad.example", follows=True)
    assert not hears_from_domain(blocked, "bad.example", follows=False)
    assert hears_from_domain(blocked, "good.example", follows=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Justice", "justice"),
        ("#Justice", "justice"),
        ("droits_humains", "droits_humains"),
        ("حقوق", "حقوق"),
        ("2026", None),  # digits alone are no hashtag
        ("a b", None),
        ("", None),
        ("#", None),
        ("x" * 101, None),
        (7, None),
    ],
)
def test_tag_name(value, expected) -> None:
    assert tag_name(value) == expected


NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [
        (timedelta(minutes=5), False),
        (timedelta(days=30), False),
        (timedelta(minutes=4, seconds=59), True),
        (timedelta(0), True),
        (-timedelta(hours=1), True),
    ],
)
def test_schedule_refusal(ahead, refused) -> None:
    assert (schedule_refusal(NOW + ahead, NOW) is not None) is refused


def test_schedule_limits() -> None:
    later = NOW + timedelta(days=1)
    assert schedule_refusal(later, NOW, waiting=299, same_day=49) is None
    assert "300" in (schedule_refusal(later, NOW, waiting=300) or "")
    assert "50" in (schedule_refusal(later, NOW, waiting=60, same_day=50) or "")


def test_thread_root() -> None:
    parents = {"c": "b", "b": "a", "a": None, "x": "gone", "loop1": "loop2", "loop2": "loop1"}
    assert thread_root("c", parents) == "a"
    assert thread_root("a", parents) == "a"
    assert thread_root("x", parents) == "gone"  # a parent never stored is the root we know
    assert thread_root("loop1", parents) in ("loop1", "loop2")  # a forged cycle ends
    chain = {str(i): str(i + 1) for i in range(500)}
    assert thread_root("0", chain) == "100"  # cut at MAX_THREAD_DEPTH


def test_conversation_participants() -> None:
    assert conversation_participants(1, 2, [1, 3, 3, 2]) == [2, 3]
    assert conversation_participants(1, 1, [2]) == [2]
    assert conversation_participants(1, 1, []) == []
