"""Typed errors for the federation package, turned into 4xx JSON answers in one place.

Code that refuses a peer's request raises one of these with a reason meant for the peer's
operator (and our logs); the web layer maps `status` to the HTTP answer. No handler builds
its own error response, so every refusal is consistent and testable as a plain exception.
"""

from __future__ import annotations

__all__ = [
    "BadRequest",
    "BadSignature",
    "FederationError",
    "Gone",
    "NotFound",
    "PayloadTooLarge",
    "Refused",
    "ServiceUnavailable",
    "TooManyRequests",
    "Unauthorized",
    "Unprocessable",
    "UnsupportedMediaType",
]


class FederationError(Exception):
    """Base of every refusal; `status` is the HTTP status the web layer answers with."""

    status: int = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r})"


class BadRequest(FederationError):
    status = 400


class BadSignature(FederationError):
    """The request's HTTP signature is missing, malformed, stale or does not verify."""

    status = 401


class Refused(FederationError):
    """Authenticated, but policy says no (blocked domain, not allowed to see this)."""

    status = 403


class NotFound(FederationError):
    status = 404


class Gone(FederationError):
    status = 410


class PayloadTooLarge(FederationError):
    status = 413


class UnsupportedMediaType(FederationError):
    status = 415


class Unauthorized(FederationError):
    """A client API call without a valid token (a missing signature is `BadSignature`)."""

    status = 401


class Unprocessable(FederationError):
    status = 422


class TooManyRequests(FederationError):
    status = 429

    def __init__(self, reason: str, retry_after: int = 60) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class ServiceUnavailable(FederationError):
    """The database is down: peers retry a 503, so nothing is lost."""

    status = 503
