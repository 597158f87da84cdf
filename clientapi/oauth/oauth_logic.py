"""The decisions of OAuth 2 that need no database: scopes, PKCE and redirect URIs.

Each is a plain function of its inputs so that every rule an attacker might probe (a scope the
app never asked for, a redirect URI that only starts like a registered one, a PKCE verifier of
the wrong shape) is pinned down by a table of cases in `tests/clientapi/test_oauth_logic.py`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from clientapi.auth import scope_satisfied

OOB = "urn:ietf:wg:oauth:2.0:oob"

TOP_SCOPES = ("read", "write", "follow", "push", "profile")
READ_SCOPES = (
    "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
    "notifications", "search", "statuses",
)  # fmt: skip
WRITE_SCOPES = (
    "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows",
    "lists", "media", "mutes", "notifications", "reports", "statuses",
)  # fmt: skip
ADMIN_SUBJECTS = (
    "accounts", "reports", "domain_allows", "domain_blocks", "ip_blocks", "email_domain_blocks",
    "canonical_email_blocks",
)  # fmt: skip

KNOWN_SCOPES: frozenset[str] = frozenset(
    [
        *TOP_SCOPES,
        *(f"read:{s}" for s in READ_SCOPES),
        *(f"write:{s}" for s in WRITE_SCOPES),
        "admin:read",
        "admin:write",
        *(f"admin:read:{s}" for s in ADMIN_SUBJECTS),
        *(f"admin:write:{s}" for s in ADMIN_SUBJECTS),
    ]
)

# RFC 7636 section 4.1: 43 to 128 characters of the unreserved set.
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
PKCE_METHODS = ("S256", "plain")
MAX_REDIRECT_URIS = 10
MAX_URI_LENGTH = 2000


class OAuthInputError(ValueError):
    """A request the OAuth endpoints refuse; the message is shown to the app's developer."""


def parse_scopes(text: str | None, default: str = "read") -> list[str]:
    """Scopes from a space- (or `+`-) separated string, each known, order kept, no repeats."""
    raw = text if text is not None and text.strip() else default
    scopes: list[str] = []
    for scope in raw.replace("+", " ").split():
        if scope not in KNOWN_SCOPES:
            raise OAuthInputError(f"unknown scope {scope[:64]!r}")
        if scope not in scopes:
            scopes.append(scope)
    if not scopes:
        raise OAuthInputError("no scope requested")
    return scopes


def scopes_within(requested: list[str], allowed: list[str]) -> bool:
    """May a token with `requested` be issued to an app registered with `allowed`?

    A granular scope is within its parent (`read:statuses` within `read`), so an app that
    registered `read` can ask for less; it can never ask for more than it registered.
    """
    granted = frozenset(allowed)
    return all(scope_satisfied(granted, scope) for scope in requested)


def valid_verifier(verifier: str) -> bool:
    return bool(_VERIFIER.match(verifier))


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_challenge_request(challenge: str | None, method: str | None) -> tuple[str | None, str]:
    """The (challenge, method) to store with a code; `plain` is the default, as RFC 7636 says."""
    if not challenge:
        if method:
            raise OAuthInputError("code_challenge_method given without code_challenge")
        return None, ""
    chosen = method or "plain"
    if chosen not in PKCE_METHODS:
        raise OAuthInputError(f"unsupported code_challenge_method {chosen[:16]!r}")
    if not valid_verifier(challenge):
        raise OAuthInputError("code_challenge must be 43 to 128 URL-safe characters")
    return challenge, chosen


def pkce_passes(challenge: str | None, method: str | None, verifier: str | None) -> bool:
    """Does the token request's `code_verifier` prove it comes from whoever asked for the code?

    A code issued with a challenge needs the matching verifier; a code issued without one
    must not be redeemed with a verifier either (a mismatch means a confused client).
    """
    if not challenge:
        return not verifier
    if not verifier or not valid_verifier(verifier):
        return False
    if method == "S256":
        expected = s256_challenge(verifier)
    elif method in ("plain", None, ""):
        expected = verifier
    else:
        return False
    return hmac.compare_digest(expected.encode(), challenge.encode())


def parse_redirect_uris(value: str | list[str] | None) -> list[str]:
    """Registered redirect URIs: newline-separated text or a list; absolute, no fragment."""
    if value is None:
        raise OAuthInputError("redirect_uris is required")
    items = value.split("\n") if isinstance(value, str) else list(value)
    uris: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise OAuthInputError("redirect_uris must be strings")
        uri = item.strip()
        if not uri:
            continue
        check_redirect_uri(uri)
        if uri not in uris:
            uris.append(uri)
    if not uris:
        raise OAuthInputError("redirect_uris is required")
    if len(uris) > MAX_REDIRECT_URIS:
        raise OAuthInputError(f"at most {MAX_REDIRECT_URIS} redirect_uris")
    return uris


def check_redirect_uri(uri: str) -> None:
    if uri == OOB:
        return
    if len(uri) > MAX_URI_LENGTH or any(c.isspace() for c in uri):
        raise OAuthInputError("redirect URI is too long or contains spaces")
    try:
        parts = urlsplit(uri)
    except ValueError as exc:  # an unclosed IPv6 bracket ("http://[::1") raises, not a 500
        raise OAuthInputError(f"redirect URI {uri[:200]!r} is not a valid URI") from exc
    if not parts.scheme or parts.fragment:
        raise OAuthInputError(f"redirect URI {uri[:200]!r} must be absolute, without a fragment")
    if parts.scheme.lower() in ("javascript", "data", "vbscript", "file"):
        raise OAuthInputError(f"redirect URI scheme {parts.scheme[:20]!r} is not allowed")
    if parts.scheme.lower() in ("http", "https") and not parts.netloc:
        raise OAuthInputError(f"redirect URI {uri[:200]!r} has no host")


def choose_redirect_uri(requested: str | None, registered: list[str]) -> str:
    """Exact string match against a registered URI (RFC 6749 section 3.1.2.3): no prefixes.

    Without a `redirect_uri` the app's only registered URI is used; with several, it must say.
    """
    if not requested:
        if len(registered) == 1:
            return registered[0]
        raise OAuthInputError("redirect_uri is required when the app registered several")
    if requested not in registered:
        raise OAuthInputError("redirect_uri is not one the app registered")
    return requested


def redirect_with(uri: str, params: dict[str, str | None]) -> str:
    """`uri` with `params` added to its query, keeping the query it already had."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, v) for k, v in params.items() if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def form_action_source(uri: str) -> str:
    """What the consent page's CSP `form-action` must allow so the browser follows the redirect."""
    if uri == OOB:
        return ""
    parts = urlsplit(uri)
    if parts.scheme.lower() in ("http", "https"):
        return f"{parts.scheme.lower()}://{parts.netloc}"
    return f"{parts.scheme.lower()}:"
