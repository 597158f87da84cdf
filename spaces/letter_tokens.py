"""Tokens that stand in for a login: unsubscribe links and private-space feed URLs.

An unsubscribe token is an HMAC of the member's id, keyed by a secret kept in
instance_settings (created on first use), so a link in an old email keeps working without a
session and nobody can forge one for another member. A feed token is random; only its hash is
stored, keyed by member and space, so revoking it is deleting one row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from storage.models import InstanceSetting
from storage.settings_store import get_setting

SECRET_KEY = "letter_secret"


async def letter_secret() -> bytes:
    secret = await get_setting(SECRET_KEY, "")
    if not secret:
        row, _created = await InstanceSetting.get_or_create(
            key=SECRET_KEY, defaults={"value": secrets.token_urlsafe(32)}
        )
        secret = row.value
    return secret.encode()


def sign_member(secret: bytes, member_id: int) -> str:
    mac = hmac.new(secret, f"unsubscribe:{member_id}".encode(), hashlib.sha256).digest()
    return f"{member_id}.{base64.urlsafe_b64encode(mac[:18]).decode()}"


def verify_member(secret: bytes, token: str) -> int | None:
    """The member id the token was signed for, or None if it is not one of ours."""
    number, _dot, _mac = token.partition(".")
    if not number.isdigit() or len(number) > 18:
        return None
    return int(number) if hmac.compare_digest(sign_member(secret, int(number)), token) else None


async def unsubscribe_token(member_id: int) -> str:
    return sign_member(await letter_secret(), member_id)


def _feed_key(member_id: int, space_id: int) -> str:
    return f"letter_feed:{member_id}:{space_id}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_feed_token(member_id: int, space_id: int) -> str:
    """A new secret feed token; any earlier one for this member and space stops working."""
    token = f"{member_id}-{space_id}-{secrets.token_urlsafe(24)}"
    await InstanceSetting.update_or_create(
        key=_feed_key(member_id, space_id), defaults={"value": _digest(token)}
    )
    return token


async def revoke_feed_token(member_id: int, space_id: int) -> bool:
    return bool(await InstanceSetting.filter(key=_feed_key(member_id, space_id)).delete())


def parse_feed_token(token: str) -> tuple[int, int] | None:
    parts = token.split("-", 2)
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    if len(parts[0]) > 18 or len(parts[1]) > 18:
        return None
    return int(parts[0]), int(parts[1])


async def feed_token_owner(token: str) -> tuple[int, int] | None:
    """(member id, space id) of a live feed token; None when unknown or revoked."""
    ids = parse_feed_token(token)
    if ids is None:
        return None
    row = await InstanceSetting.get_or_none(key=_feed_key(*ids))
    if row is None or not hmac.compare_digest(row.value, _digest(token)):
        return None
    return ids
