"""Every form a WebFinger resource can take, and what it resolves to."""

from __future__ import annotations

import pytest

from webfinger.resources import Lookup, MalformedResource, parse_resource

BASE = "https://social.example.org"
HOST = "social.example.org"


@pytest.mark.parametrize(
    ("resource", "expected", "why"),
    [
        ("acct:amina@social.example.org", Lookup("amina"), "the usual form"),
        ("acct:@amina@social.example.org", Lookup("amina"), "a leading @ is tolerated"),
        ("acct:amina@SOCIAL.example.org", Lookup("amina"), "domains are case-insensitive"),
        ("acct:amina%40social.example.org", Lookup("amina"), "percent-encoded @"),
        ("acct:amina@other.example", None, "another domain is not ours"),
        ("acct:Amina@social.example.org", None, "names are lower-case only"),
        ("acct:аmina@social.example.org", None, "a Cyrillic homoglyph never resolves"),
        ("https://social.example.org/users/amina", Lookup("amina", "Person"), "actor URL"),
        ("https://social.example.org/spaces/climate", Lookup("climate", "Group"), "space URL"),
        ("https://social.example.org/@amina", Lookup("amina"), "profile URL"),
        ("https://other.example/users/amina", None, "someone else's URL"),
        ("https://social.example.org/users/amina/outbox", None, "not an actor URL"),
    ],
)
def test_parse_resource(resource: str, expected: Lookup | None, why: str) -> None:
    assert parse_resource(resource, BASE, HOST) == expected, why


@pytest.mark.parametrize(
    "resource", [None, "", "  ", "amina", "acct:amina", "acct:@", "mailto:x@y"]
)
def test_malformed_resources_are_400(resource: str | None) -> None:
    with pytest.raises(MalformedResource):
        parse_resource(resource, BASE, HOST)
