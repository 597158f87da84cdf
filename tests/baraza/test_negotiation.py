"""Which representation each Accept header gets."""

from __future__ import annotations

import pytest

from baraza.negotiation import is_as2_content_type, wants_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.mark.parametrize(
    ("accept", "html", "why"),
    [
        (BROWSER, True, "a browser prefers HTML"),
        ("application/activity+json", False, "Mastodon's fetch"),
        (LD, False, "the spec's own type"),
        ("application/activity+json, text/html;q=0.5", False, "AS2 ranked higher"),
        ("text/html;q=0.9, application/activity+json;q=0.1", True, "HTML ranked higher"),
        ("application/activity+json, text/html", False, "a tie goes to AS2"),
        ("*/*", False, "other types get AS2"),
        ("", False, "no header gets AS2"),
        (None, False, "no header gets AS2"),
        ("text/html;q=0", False, "q=0 means not acceptable"),
        ("text/html;q=abc", False, "a broken q is not acceptable"),
    ],
)
def test_wants_html(accept: str | None, html: bool, why: str) -> None:
    assert wants_html(accept) is html, why


@pytest.mark.parametrize(
    ("content_type", "ok"),
    [
        ("application/activity+json", True),
        (LD, True),
        ("application/json; charset=utf-8", True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        (None, False),
    ],
)
def test_inbox_content_types(content_type: str | None, ok: bool) -> None:
    assert is_as2_content_type(content_type) is ok
