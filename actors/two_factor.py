"""An account's optional second factor: TOTP (RFC 6238, as authenticator apps speak it) and
one-time recovery codes.

Setting up keeps the secret unconfirmed until a code computed from it comes back, so a
member who scanned nothing cannot lock themselves out. A code is accepted in its 30-second
step or the one before or after (clocks drift), and never twice: the last step used is kept.
Recovery codes are stored hashed and each is spent once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import pyotp

from storage.models import Actor, RecoveryCode, TwoFactor

RECOVERY_CODES = 10
ISSUER = "Baraza"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalised(code: str) -> str:
    """What the member typed, without spaces and dashes, lower case."""
    return "".join(ch for ch in code if ch.isalnum()).lower()[:32]


def accepted_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to (one step of drift either way), unless it is not a
    code of `secret` or its step was already used. Pure."""
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(at)
    for candidate in (step, step - 1, step + 1):
        expected = totp.generate_otp(candidate)
        if hmac.compare_digest(expected, code) and (last_step is None or candidate > last_step):
            return candidate
    return None


async def is_enabled(account: Actor) -> bool:
    return await TwoFactor.filter(account=account).exclude(enabled_at=None).exists()


async def start_setup(account: Actor) -> TwoFactor:
    """A fresh unconfirmed secret (replacing an unconfirmed one); an enabled one stays."""
    row = await TwoFactor.get_or_none(account=account)
    if row is not None and row.enabled_at is not None:
        return row
    if row is None:
        return await TwoFactor.create(account=account, secret=pyotp.random_base32())
    row.secret = pyotp.random_base32()
    await row.save(update_fields=["secret"])
    return row


def provisioning_uri(row: TwoFactor, account: Actor, host: str) -> str:
    return pyotp.TOTP(row.secret).provisioning_uri(
        name=f"{account.local_username}@{host}", issuer_name=f"{ISSUER} ({host})"
    )


async def confirm_setup(account: Actor, code: str) -> list[str] | None:
    """Enable two-factor when `code` matches the pending secret; the new recovery codes
    (shown once), or None when the code is wrong."""
    row = await TwoFactor.get_or_none(account=account, enabled_at=None)
    if row is None:
        return None
    step = accepted_step(row.secret, normalised(code), datetime.now(UTC), row.last_step)
    if step is None:
        return None
    row.enabled_at = datetime.now(UTC)
    row.last_step = step
    await row.save(update_fields=["enabled_at", "last_step"])
    return await new_recovery_codes(account)


async def new_recovery_codes(account: Actor) -> list[str]:
    """Replace the account's recovery codes; the plain codes exist only in this answer."""
    codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
    await RecoveryCode.filter(account=account).delete()
    await RecoveryCode.bulk_create(
        [RecoveryCode(account=account, code_hash=_hash(normalised(c))) for c in codes]
    )
    return codes


async def accept_code(account: Actor, code: str) -> bool:
    """A TOTP code of the enabled secret, or an unused recovery code (then spent)."""
    typed = normalised(code)
    row = await TwoFactor.filter(account=account).exclude(enabled_at=None).first()
    if row is None or not typed:
        return False
    step = accepted_step(row.secret, typed, datetime.now(UTC), row.last_step)
    if step is not None:
        # Only one request may spend a step: the update matches the step it read.
        same = (
            {"last_step": row.last_step}
            if row.last_step is not None
            else {"last_step__isnull": True}
        )
        return await TwoFactor.filter(id=row.id, **same).update(last_step=step) == 1
    spent = await RecoveryCode.filter(account=account, code_hash=_hash(typed), used_at=None).update(
        used_at=datetime.now(UTC)
    )
    return spent == 1


async def unused_recovery_codes(account: Actor) -> int:
    return await RecoveryCode.filter(account=account, used_at=None).count()


async def disable(account: Actor) -> None:
    await TwoFactor.filter(account=account).delete()
    await RecoveryCode.filter(account=account).delete()
