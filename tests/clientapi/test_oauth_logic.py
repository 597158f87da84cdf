"""Scopes, PKCE and redirect URIs: every rule of OAuth that an app (or attacker) can probe."""

from __future__ import annotations

import pytest

from clientapi.oauth.oauth_logic import (
    OOB,
    OAuthInputError,
    check_challenge_request,
    choose_redirect_uri,
    form_action_source,
    parse_redirect_uris,
    parse_scopes,
    pkce_passes,
    redirect_with,
    s256_challenge,
    scopes_within,
)

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
# RFC 7636 appendix B: the S256 challenge of the verifier above.
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


@pytest.mark.parametrize(
    ("text", "expected", "why"),
    [
        (None, ["read"], "Mastodon's default scope"),
        ("", ["read"], "blank is the default"),
        ("read write follow", ["read", "write", "follow"], "the classic trio"),
        ("read+write", ["read", "write"], "plus-separated, as some apps send it"),
        ("read:statuses write:media", ["read:statuses", "write:media"], "granular scopes"),
        ("read read", ["read"], "repeats collapse"),
        ("admin:read:accounts push profile", ["admin:read:accounts", "push", "profile"], "rest"),
    ],
)
def test_parse_scopes_accepts(text: str | None, expected: list[str], why: str) -> None:
    assert parse_scopes(text) == expected, why


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("read evil", "unknown scope"),
        ("read:everything", "unknown granular scope"),
        ("READ", "scopes are case-sensitive"),
        ("admin", "admin alone is not a scope"),
    ],
)
def test_parse_scopes_refuses(text: str, why: str) -> None:
    with pytest.raises(OAuthInputError):
        parse_scopes(text)


@pytest.mark.parametrize(
    ("requested", "allowed", "expected", "why"),
    [
        (["read"], ["read", "write"], True, "a subset"),
        (["read:statuses"], ["read"], True, "granular within its parent"),
        (["read:follows"], ["follow"], True, "follow covers the relationship scopes"),
        (["write"], ["read"], False, "more than registered"),
        (["read"], ["read:statuses"], False, "a parent is more than its granular child"),
        (["admin:read"], ["read"], False, "admin is never implied by read"),
        (["push"], ["read", "write", "follow"], False, "push must be registered"),
    ],
)
def test_scopes_within(requested: list[str], allowed: list[str], expected: bool, why: str) -> None:
    assert scopes_within(requested, allowed) is expected, why


def test_s256_matches_rfc_7636_example() -> None:
    assert s256_challenge(VERIFIER) == CHALLENGE


@pytest.mark.parametrize(
    ("challenge", "method", "verifier", "expected", "why"),
    [
        (CHALLENGE, "S256", VERIFIER, True, "S256 verifier matches"),
        (CHALLENGE, "S256", VERIFIER[:-1] + "l", False, "a different verifier"),
        (CHALLENGE, "S256", None, False, "challenge stored, verifier missing"),
        (VERIFIER, "plain", VERIFIER, True, "plain compares as is"),
        (VERIFIER, "plain", VERIFIER + "x", False, "plain mismatch"),
        (CHALLENGE, "S256", CHALLENGE, False, "sending the challenge as verifier fails"),
        (None, None, None, True, "no PKCE at all"),
        (None, None, VERIFIER, False, "a verifier for a code without challenge"),
        (CHALLENGE, "S256", "short", False, "verifier shorter than 43 characters"),
        (CHALLENGE, "md5", VERIFIER, False, "unknown method"),
    ],
)
def test_pkce_passes(
    challenge: str | None, method: str | None, verifier: str | None, expected: bool, why: str
) -> None:
    assert pkce_passes(challenge, method, verifier) is expected, why


@pytest.mark.parametrize(
    ("challenge", "method", "expected"),
    [
        (None, None, (None, "")),
        (CHALLENGE, "S256", (CHALLENGE, "S256")),
        (VERIFIER, None, (VERIFIER, "plain")),
    ],
)
def test_challenge_request_accepted(
    challenge: str | None, method: str | None, expected: tuple[str | None, str]
) -> None:
    assert check_challenge_request(challenge, method) == expected


@pytest.mark.parametrize(
    ("challenge", "method", "why"),
    [
        (CHALLENGE, "S512", "unknown method"),
        ("too-short", "S256", "challenge of the wrong shape"),
        (None, "S256", "a method without a challenge"),
    ],
)
def test_challenge_request_refused(challenge: str | None, method: str | None, why: str) -> None:
    with pytest.raises(OAuthInputError):
        check_challenge_request(challenge, method)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (OOB, [OOB]),
        ("https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob", ["https://app.example/cb", OOB]),
        (["myapp://oauth", "https://a.example/cb"], ["myapp://oauth", "https://a.example/cb"]),
        ("https://a.example/cb\n\nhttps://a.example/cb", ["https://a.example/cb"]),
    ],
)
def test_parse_redirect_uris_accepts(value: str | list[str], expected: list[str]) -> None:
    assert parse_redirect_uris(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (None, "required"),
        ("", "empty"),
        ("/relative/path", "not absolute"),
        ("https://a.example/cb#frag", "fragment"),
        ("javascript:alert(1)", "script scheme"),
        ("https:///nohost", "http(s) without host"),
        ("https://a.example/ cb", "whitespace"),
        ("http://[::1", "unclosed IPv6 bracket: urlsplit raised ValueError, a 500"),
        (["myapp://cb", "http://[zz"], "one bad URI among good ones"),
        ([f"https://a.example/{i}" for i in range(11)], "too many"),
    ],
)
def test_parse_redirect_uris_refuses(value: str | list[str] | None, why: str) -> None:
    with pytest.raises(OAuthInputError):
        parse_redirect_uris(value)


@pytest.mark.parametrize(
    ("requested", "registered", "expected"),
    [
        (None, ["https://a.example/cb"], "https://a.example/cb"),
        ("https://a.example/cb", ["https://a.example/cb", OOB], "https://a.example/cb"),
        (OOB, ["https://a.example/cb", OOB], OOB),
    ],
)
def test_choose_redirect_uri(requested: str | None, registered: list[str], expected: str) -> None:
    assert choose_redirect_uri(requested, registered) == expected


@pytest.mark.parametrize(
    ("requested", "registered", "why"),
    [
        ("https://a.example/cb/extra", ["https://a.example/cb"], "prefix match is not a match"),
        ("https://a.example/cb?x=1", ["https://a.example/cb"], "query added"),
        ("https://evil.example/cb", ["https://a.example/cb"], "another host"),
        (None, ["https://a.example/cb", OOB], "must choose among several"),
    ],
)
def test_choose_redirect_uri_refuses(
    requested: str | None, registered: list[str], why: str
) -> None:
    with pytest.raises(OAuthInputError):
        choose_redirect_uri(requested, registered)


def test_redirect_with_keeps_existing_query_and_drops_none() -> None:
    url = redirect_with("https://a.example/cb?app=1", {"code": "abc", "state": None})
    assert url == "https://a.example/cb?app=1&code=abc"
    assert redirect_with("myapp://cb", {"code": "a b"}) == "myapp://cb?code=a+b"


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (OOB, ""),
        ("https://a.example:8443/cb?x", "https://a.example:8443"),
        ("myapp://oauth", "myapp:"),
    ],
)
def test_form_action_source(uri: str, expected: str) -> None:
    assert form_action_source(uri) == expected
