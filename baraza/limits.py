"""Request rate limits: per signing host on the inbox, per token or address on the client API.

The inbox is keyed by the host of the signature's keyId, read *before* the signature is
verified: verifying costs a key lookup (maybe a fetch) and an RSA operation, which is exactly
what a flood should not be able to make us spend. A forged keyId only spends the forger's
own budget for the host it names; requests with no usable keyId share one budget per address.

The client API is keyed by a hash of the bearer token when there is one (so one busy app
behind a shared NAT does not lock out its neighbours), else by the client address. Every
client API answer carries `X-RateLimit-Limit/Remaining/Reset` as Mastodon's does, so apps
can pace themselves; a refusal is a 429 with `Retry-After`.

Configured from the environment, `LIMIT/WINDOW` (e.g. `300/5m`) or `off`:
`BARAZA_INBOX_RATE`, `BARAZA_API_RATE` (per token), `BARAZA_API_IP_RATE` (per address).
Behind a reverse proxy every client shares the proxy's address; the per-token limit still
applies, the per-address one then limits the proxy as a whole. Several server processes on one
PostgreSQL count together (`federation.rate_limits.RateLimiter.check`).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from quart import Quart, Response, g, request

from clientapi.tokens import bearer_token
from federation.errors import BadSignature, TooManyRequests
from federation.rate_limits import Decision, Rate, RateLimiter, parse_rate
from federation.signatures import key_id_host
from inbox.verify import signing_key_id

__all__ = ["DEFAULT_RATE", "Limits", "install_limits"]

DEFAULT_RATE = Rate(300, 300.0)
_INBOX_PATH = re.compile(r"^/(?:inbox|(?:users|spaces)/[^/]+/inbox)/?$")
_API_PREFIXES = ("/api/", "/oauth/")


@dataclass
class Limits:
    inbox: RateLimiter | None
    token: RateLimiter | None
    address: RateLimiter | None


def limits_from_env(env: dict[str, str] | None = None) -> Limits:
    env = dict(os.environ if env is None else env)

    def limiter(variable: str, name: str) -> RateLimiter | None:
        rate = parse_rate(env.get(variable), DEFAULT_RATE)
        return RateLimiter(rate, name=name) if rate else None

    return Limits(
        inbox=limiter("BARAZA_INBOX_RATE", "inbox"),
        token=limiter("BARAZA_API_RATE", "token"),
        address=limiter("BARAZA_API_IP_RATE", "address"),
    )


def install_limits(app: Quart, limits: Limits | None = None) -> None:
    """Count every inbox POST and client API request; refuse with 429 past the limit."""
    limits = limits or limits_from_env()
    app.extensions["baraza_limits"] = limits

    @app.before_request
    async def _count() -> None:
        path = request.path
        if request.method == "POST" and _INBOX_PATH.match(path) and limits.inbox:
            _enforce(await limits.inbox.check(_inbox_key()), "this server", record=False)
        elif path.startswith(_API_PREFIXES):
            token = bearer_token(request.headers.get("Authorization"))
            if token and limits.token:
                digest = hashlib.sha256(token.encode()).hexdigest()
                _enforce(await limits.token.check(f"token:{digest}"), "this token", record=True)
            elif not token and limits.address:
                _enforce(await limits.address.check(_address_key()), "this address", record=True)

    @app.after_request
    async def _headers(response: Response) -> Response:
        decision: Decision | None = g.get("baraza_rate")
        if decision is not None:
            reset = int(datetime.now(UTC).timestamp()) + decision.reset_after
            response.headers["X-RateLimit-Limit"] = str(decision.limit)
            response.headers["X-RateLimit-Remaining"] = str(max(decision.remaining, 0))
            response.headers["X-RateLimit-Reset"] = (
                datetime.fromtimestamp(reset, UTC).isoformat().replace("+00:00", "Z")
            )
        return response


def _enforce(decision: Decision, who: str, *, record: bool) -> None:
    if record:
        g.baraza_rate = decision
    if not decision.allowed:
        raise TooManyRequests(
            f"too many requests from {who}, retry in {decision.reset_after}s",
            retry_after=decision.reset_after,
        )


def _inbox_key() -> str:
    try:
        return "host:" + key_id_host(signing_key_id(request.headers))
    except BadSignature:
        return _address_key()


def _address_key() -> str:
    return f"ip:{request.remote_addr or 'unknown'}"
