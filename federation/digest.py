"""Body digests: `Digest` (RFC 3230, what draft-cavage signatures sign) and `Content-Digest`.

A signature over headers proves nothing about the body unless a digest of the body is one of
the signed headers and the digest is checked against the bytes received. Mastodon and most of
the fediverse send `Digest: SHA-256=…`; RFC 9421 peers send RFC 9530 `Content-Digest`.
Both are accepted with SHA-256 or SHA-512; anything weaker is ignored, never trusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

__all__ = ["check_content_digest", "check_digest", "make_content_digest", "make_digest"]

_Hasher = Callable[[bytes], "hashlib._Hash"]

# Keys are lowercased algorithm names; RFC 3230 names are case-insensitive.
_HASHERS: dict[str, _Hasher] = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def make_digest(body: bytes) -> str:
    """`Digest` header value for an outgoing body, in the spelling Mastodon sends."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


def make_content_digest(body: bytes, algorithm: str = "sha-256") -> str:
    """RFC 9530 `Content-Digest` value (a structured-field dictionary with a byte sequence)."""
    hasher = _HASHERS.get(algorithm)
    if hasher is None:
        raise ValueError(f"unsupported content digest algorithm {algorithm!r}")
    return f"{algorithm}=:{base64.b64encode(hasher(body).digest()).decode('ascii')}:"


def _matches(algorithm: str, encoded: str, body: bytes) -> bool | None:
    """None when the algorithm is not one we trust, else whether the digest matches."""
    hasher = _HASHERS.get(algorithm.strip().lower())
    if hasher is None:
        return None
    try:
        claimed = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(claimed, hasher(body).digest())


def _all_trusted_match(results: list[bool | None]) -> bool:
    """At least one trusted digest, and every trusted digest matches the body."""
    trusted = [r for r in results if r is not None]
    return bool(trusted) and all(trusted)


def check_digest(header: str, body: bytes) -> bool:
    """Whether a `Digest` header (possibly listing several algorithms) matches `body`.

    Unknown algorithms (MD5, SHA) are skipped rather than failing, but at least one SHA-256
    or SHA-512 entry must be present and all such entries must match.
    """
    results: list[bool | None] = []
    for member in header.split(","):
        algorithm, sep, encoded = member.partition("=")
        if not sep:
            return False
        results.append(_matches(algorithm, encoded, body))
    return _all_trusted_match(results)


def check_content_digest(header: str, body: bytes) -> bool:
    """Whether an RFC 9530 `Content-Digest` dictionary matches `body`.

    Members are `alg=:base64:` optionally followed by `;params`; base64 never contains `,`
    or `;`, so splitting on them is exact for every well-formed value.
    """
    results: list[bool | None] = []
    for member in header.split(","):
        algorithm, sep, rest = member.partition("=")
        value = rest.split(";", 1)[0].strip()
        if not sep or len(value) < 2 or value[0] != ":" or value[-1] != ":":
            return False
        results.append(_matches(algorithm, value[1:-1], body))
    return _all_trusted_match(results)
