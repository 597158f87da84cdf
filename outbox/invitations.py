"""Invitations: who may create one, whether one may still be used, and the two actions
(create, redeem). The link holds a random code; only its hash is stored.

Admins may always invite; other members only while the instance allows it
(`baraza invite members-may-invite on`). Redeeming counts a use under a row lock, so two
invitees racing for the last use cannot both get it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from actors.accounts import AccountError, create_member
from actors.passwords import hash_password
from baraza.i18n import LANGUAGES, N_
from baraza.settings import Settings
from federation.domain_blocks import audit
from outbox.commit import action
from storage.models import Actor, Invitation
from storage.settings_store import get_setting, set_setting

MEMBERS_MAY_INVITE_KEY = "invitations.members"
MIN_PASSWORD = 10


class InvitationRefused(ValueError):
    """Not allowed to invite, or the invitation cannot be used; the message is an English
    msgid the door shows translated."""


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def may_invite(is_admin: bool, members_may_invite: bool) -> bool:
    """Pure: admins always; members while the instance allows it."""
    return is_admin or members_may_invite


def usable(row: Invitation, now: datetime) -> bool:
    """Pure: not revoked, not expired, uses left."""
    if row.revoked_at is not None:
        return False
    if row.expires_at is not None and row.expires_at <= now:
        return False
    return row.max_uses is None or row.uses < row.max_uses


async def members_may_invite() -> bool:
    return await get_setting(MEMBERS_MAY_INVITE_KEY, "off") == "on"


async def set_members_may_invite(allowed: bool) -> None:
    await set_setting(MEMBERS_MAY_INVITE_KEY, "on" if allowed else "off")


async def create_invitation(
    creator: Actor | None,
    *,
    max_uses: int | None,
    expires_in: timedelta | None,
    shell_user: str = "cli",
) -> str:
    """A new invitation's code (shown once). `creator` None is the CLI: an admin at the shell,
    named `shell_user` in the audit log."""
    if creator is not None and not may_invite(creator.is_admin, await members_may_invite()):
        raise InvitationRefused(N_("Only admins may invite here."))
    if max_uses is not None and max_uses < 1:
        raise InvitationRefused(N_("An invitation needs at least one use."))
    code = secrets.token_urlsafe(18)
    expires_at = datetime.now(UTC) + expires_in if expires_in else None
    async with action():
        row = await Invitation.create(
            code_hash=code_hash(code), created_by=creator, max_uses=max_uses, expires_at=expires_at
        )
        if creator is None or creator.is_admin:
            # An admin's (or the shell's) invitation lets people in: the audit log keeps it.
            uses = f"{max_uses} uses" if max_uses else "unlimited uses"
            until = f", until {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
            who = creator.acct if creator is not None else shell_user
            await audit(who, "invitation.create", f"invitation:{row.id}", uses + until)
    return code


async def find_usable(code: str) -> Invitation | None:
    if not code or len(code) > 64:
        return None
    row = await Invitation.get_or_none(code_hash=code_hash(code))
    return row if row is not None and usable(row, datetime.now(UTC)) else None


async def redeem_invitation(
    settings: Settings, code: str, *, username: str, password: str, language: str
) -> Actor:
    """The invitee's new account; one use of the invitation is spent with it, or neither."""
    if len(password) < MIN_PASSWORD:
        raise InvitationRefused(N_("The password needs at least 10 characters."))
    password_hash = await hash_password(password)
    async with action():
        row = await Invitation.select_for_update().get_or_none(code_hash=code_hash(code))
        if row is None or not usable(row, datetime.now(UTC)):
            raise InvitationRefused(
                N_("This invitation has expired or was used up. Ask for a new one.")
            )
        try:
            member = await create_member(settings, username)
        except AccountError as exc:
            raise InvitationRefused(N_("That name is taken or not allowed.")) from exc
        member.password_hash = password_hash
        member.ui_language = language if language in LANGUAGES else None
        await member.save(update_fields=["password_hash", "ui_language"])
        row.uses += 1
        await row.save(update_fields=["uses"])
    return member


async def invitations_by(creator: Actor) -> list[Invitation]:
    return await Invitation.filter(created_by=creator).order_by("-created_at").limit(50)


async def revoke_invitation(creator: Actor, invitation_id: int | None) -> bool:
    return bool(
        await Invitation.filter(id=invitation_id or 0, created_by=creator, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
    )
