"""OAuth access tokens: random, shown once, stored as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from actors.last_active import mark_active
from storage.models import AccessToken, Actor, OAuthApp

DEFAULT_SCOPES = "read write follow"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(
    account: Actor | None,
    scopes: str = DEFAULT_SCOPES,
    app: OAuthApp | None = None,
    *,
    with_refresh: bool = False,
) -> tuple[str, str | None]:
    token = secrets.token_urlsafe(32)
    refresh = secrets.token_urlsafe(32) if with_refresh else None
    await AccessToken.create(
        token_hash=token_hash(token),
        refresh_hash=token_hash(refresh) if refresh else None,
        account=account,
        scopes=scopes,
        app=app,
    )
    return token, refresh


async def find_token(token: str) -> AccessToken | None:
    """The hash is looked up by index, then compared in constant time before it is trusted."""
    digest = token_hash(token)
    row = await AccessToken.get_or_none(token_hash=digest, revoked_at=None).prefetch_related(
        "account"
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    await mark_active(row.account)  # NodeInfo's active members; at most one write an hour
    return row


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
