"""Signing our outgoing requests as a given local actor, in the configured style.

The HTTP client calls the signer for every hop of a request (a redirect changes the
request-target), so a signer is a small closure over the actor's parsed private key.
"""

from __future__ import annotations

from collections.abc import Callable

from federation.keys import load_private_key
from federation.rfc9421 import sign_request_9421
from federation.signatures import sign_request

Signer = Callable[[str, str, dict[str, str], bytes | None], dict[str, str]]

SIGNATURE_STYLES = ("cavage", "rfc9421")


def make_signer(key_id: str, private_key_pem: str, style: str = "cavage") -> Signer:
    """A signer for one actor; the private key is parsed once (cached) and never leaves here."""
    if style not in SIGNATURE_STYLES:
        raise ValueError(f"unknown signature style {style!r}")
    key = load_private_key(private_key_pem)

    def sign(method: str, url: str, headers: dict[str, str], body: bytes | None) -> dict[str, str]:
        if style == "rfc9421":
            return sign_request_9421(method, url, headers, key, key_id, body)
        return sign_request(method, url, headers, key, key_id, body)

    return sign
