"""Account actions: the pure rule of who may do what to whom (a table), and each action's effect
and audit entry on a real database (SQLite and, when configured, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actors import two_factor
from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox import surface
from outbox.account_actions import AccountActionError, Acting, apply, refusal, role_of
from outbox.audit_log import AuditQuery, entries, parse_since
from storage.models import (
    AccessToken,
    Actor,
    AuditEntry,
    Follow,
    Notification,
    RecoveryCode,
    TwoFactor,
    WebSession,
)
from tests.conftest import make_settings


@pytest.fixture
def settings(any_db: str, tmp_path: Path) -> Settings:
    return make_settings(any_db, tmp_path)


def _actor(
    id: int = 7, *, local: bool = True, type: str = "Person", admin: bool = False, mod: bool = False
) -> Actor:
    return Actor(id=id, local=local, type=type, is_admin=admin, is_moderator=mod, uri=f"u{id}")


ADMIN = Acting(who="root", role="admin", actor_id=1)
MOD = Acting(who="mo", role="moderator", actor_id=2)
MEMBER = Acting(who="amina", role="member", actor_id=3)
CLI = Acting(who="cli:root", role="admin")

REFUSALS = [
    # (acting, action, target, new role, refused because the message holds ...)
    (ADMIN, "silence", _actor(), None, None),
    (ADMIN, "disable", _actor(), None, None),
    (ADMIN, "suspend", _actor(local=False), None, None),
    (ADMIN, "disable", _actor(local=False), None, "members only"),
    (ADMIN, "reset_two_factor", _actor(type="Group"), None, "members only"),
    (ADMIN, "change_role", _actor(), "moderator", None),
    (ADMIN, "change_role", _actor(), "owner", "role must be"),
    (ADMIN, "silence", _actor(id=1), None, "your own account"),
    (ADMIN, "none", _actor(id=1), None, None),
    (ADMIN, "sensitive", _actor(), None, "unknown action"),
    (ADMIN, "suspend", _actor(type="Application"), None, "instance actor"),
    (MOD, "silence", _actor(), None, None),
    (MOD, "suspend", _actor(local=False), None, None),
    (MOD, "disable", _actor(), None, "admin's action"),
    (MOD, "change_role", _actor(), "admin", "admin's action"),
    (MOD, "silence", _actor(admin=True), None, "members only"),
    (MOD, "suspend", _actor(mod=True), None, "members only"),
    (MEMBER, "none", _actor(), None, "only admins and moderators"),
    (CLI, "change_role", _actor(id=1), "member", None),  # the operator has no account
]


@pytest.mark.parametrize(("acting", "kind", "target", "role", "why"), REFUSALS)
def test_refusal_table(acting: Acting, kind: str, target: Actor, role: str | None, why) -> None:
    answer = refusal(acting, kind, target, role)
    if why is None:
        assert answer is None
    else:
        assert answer is not None and why in answer


def test_role_of() -> None:
    assert [role_of(_actor(admin=True)), role_of(_actor(mod=True)), role_of(_actor())] == [
        "admin",
        "moderator",
        "member",
    ]


def test_parse_since() -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert parse_since("7d", now) == now - timedelta(days=7)
    assert parse_since("12h", now) == now - timedelta(hours=12)
    assert parse_since("2026-11-01", now) == datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_since("last tuesday", now)


async def test_silence_reaches_followers_only(settings: Settings) -> None:
    loud = await create_member(settings, "loud")
    fan = await create_member(settings, "fan")
    stranger = await create_member(settings, "stranger")
    await Follow.create(follower=fan, target=loud, accepted=True)
    await apply(settings, CLI, "silence", loud, reason="spam wave")
    assert (await Actor.get(id=loud.id)).silenced_at is not None
    assert await surface.notify(stranger, "follow", loud) is None
    assert await surface.notify(fan, "follow", loud) is not None
    await apply(settings, CLI, "unsilence", loud)
    loud = await Actor.get(id=loud.id)
    assert loud.silenced_at is None
    assert await surface.notify(stranger, "follow", loud) is not None
    assert await Notification.filter(recipient=stranger).count() == 1
    actions = [e.action for e in await AuditEntry.all().order_by("id")]
    assert actions == ["account.silence", "account.unsilence"]


async def test_disable_revokes_tokens_and_sessions_and_keeps_the_account(
    settings: Settings,
) -> None:
    member = await create_member(settings, "amina", password="correct horse")
    await issue_token(member, "read")
    await WebSession.create(
        selector="s" * 32, verifier_hash="v" * 64, csrf_token="c", account=member
    )
    await apply(settings, CLI, "disable", member, reason="stolen laptop")
    member = await Actor.get(id=member.id)
    assert member.disabled_at is not None and member.suspended_at is None
    assert not await AccessToken.filter(account=member, revoked_at=None).exists()
    assert not await WebSession.filter(account=member).exists()
    await apply(settings, CLI, "enable", member)
    assert (await Actor.get(id=member.id)).disabled_at is None
    entry = await AuditEntry.get(action="account.disable")
    assert entry.who == "cli:root" and entry.target == member.uri
    assert entry.reason == "stolen laptop"


async def test_reset_two_factor_and_change_role(settings: Settings) -> None:
    member = await create_member(settings, "amina")
    row = await two_factor.start_setup(member)
    row.enabled_at = datetime.now(UTC)
    await row.save()
    await two_factor.new_recovery_codes(member)
    await apply(settings, CLI, "reset_two_factor", member)
    assert not await TwoFactor.exists(account=member)
    assert not await RecoveryCode.exists(account=member)

    await apply(settings, CLI, "change_role", member, new_role="moderator")
    stored = await Actor.get(id=member.id)
    assert role_of(stored) == "moderator"
    await apply(settings, CLI, "change_role", member, new_role="admin")
    stored = await Actor.get(id=member.id)
    assert stored.is_admin and not stored.is_moderator
    mod = Acting(who="mo", role="moderator", actor_id=999)
    with pytest.raises(AccountActionError):
        await apply(settings, mod, "silence", stored)  # moderators act on members only
    roles = await entries(AuditQuery(action="account.change_role"))
    assert [e.reason for e in roles] == ["moderator", "admin"]
    assert [e.action for e in await entries(AuditQuery(action="account"))] == [
        "account.reset_two_factor",
        "account.change_role",
        "account.change_role",
    ]
    assert await entries(AuditQuery(who="nobody")) == []
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert await entries(AuditQuery(since=later)) == []
    assert len(await entries(AuditQuery(limit=1))) == 1
