"""Mastodon's admin account actions and report assignment over HTTP: silence, disable and their
reversals change what the account may do (a disabled member's token stops working, its
password no longer signs in), the admin account entity says so, and the assignee is the
report's column."""

from __future__ import annotations

from typing import Any

from actors.accounts import create_member
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Actor, AuditEntry, Report

SCOPES = "read write follow admin:read admin:write"


async def _admin(settings: Settings) -> tuple[Actor, dict[str, str]]:
    admin = await create_member(settings, "root", admin=True)
    token, _ = await issue_token(admin, SCOPES)
    return admin, {"Authorization": f"Bearer {token}"}


async def test_silence_disable_and_their_reversals(client: Any, settings: Settings) -> None:
    admin, as_admin = await _admin(settings)
    member = await create_member(settings, "amina", password="correct horse battery")
    token, _ = await issue_token(member, "read")
    as_member = {"Authorization": f"Bearer {token}"}
    assert (
        await client.get("/api/v1/accounts/verify_credentials", headers=as_member)
    ).status_code == 200
    base = f"/api/v1/admin/accounts/{member.id}"

    answer = await client.post(f"{base}/action", json={"type": "silence"}, headers=as_admin)
    assert answer.status_code == 200, await answer.get_data()
    assert (await Actor.get(id=member.id)).silenced_at is not None
    answer = await client.post(
        f"{base}/action", json={"type": "disable", "text": "stolen phone"}, headers=as_admin
    )
    assert answer.status_code == 200
    refused = await client.get("/api/v1/accounts/verify_credentials", headers=as_member)
    assert refused.status_code == 401
    app = await client.post(
        "/api/v1/apps",
        json={"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"},
    )
    creds = await app.get_json()
    grant = {
        "grant_type": "password",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "username": "amina",
        "password": "correct horse battery",
        "scope": "read",
    }
    assert (await client.post("/oauth/token", json=grant)).status_code == 400

    for reversal, field in (("unsilence", "silenced"), ("enable", "disabled")):
        answer = await client.post(f"{base}/{reversal}", headers=as_admin)
        assert answer.status_code == 200
        assert (await answer.get_json())[field] is False
    assert (await client.post("/oauth/token", json=grant)).status_code == 200
    actions = [e.action for e in await AuditEntry.all().order_by("id")]
    assert actions == [
        "account.silence",
        "account.disable",
        "account.unsilence",
        "account.enable",
    ]
    assert all(e.who == admin.acct for e in await AuditEntry.all())


async def test_bad_account_actions_are_4xx(client: Any, settings: Settings) -> None:
    admin, as_admin = await _admin(settings)
    member = await create_member(settings, "amina")
    cases = [
        (f"/api/v1/admin/accounts/{member.id}/action", {"type": "sensitive"}, 422),
        (f"/api/v1/admin/accounts/{member.id}/action", {"type": "change_role"}, 422),
        (f"/api/v1/admin/accounts/{admin.id}/action", {"type": "suspend"}, 422),
        (f"/api/v1/admin/accounts/{member.id}/promote", None, 404),
        ("/api/v1/admin/accounts/99999/enable", None, 404),
    ]
    for path, body, status in cases:
        sent = {} if body is None else {"json": body}
        answer = await client.post(path, headers=as_admin, **sent)
        assert answer.status_code == status, (path, body)
        assert "error" in await answer.get_json()
    assert not await AuditEntry.exists()
    assert (await Actor.get(id=admin.id)).suspended_at is None


async def test_report_assignee_is_a_column(client: Any, settings: Settings) -> None:
    admin, as_admin = await _admin(settings)
    member = await create_member(settings, "amina")
    troll = await create_member(settings, "troll")
    report = await Report.create(reporter=member, target=troll, comment="threats")
    answer = await client.post(
        f"/api/v1/admin/reports/{report.id}/assign_to_self", headers=as_admin
    )
    assert answer.status_code == 200
    assert (await answer.get_json())["assigned_account"]["id"] == str(admin.id)
    assert (await Report.get(id=report.id)).assigned_to_id == admin.id
    answer = await client.post(f"/api/v1/admin/reports/{report.id}/unassign", headers=as_admin)
    assert (await answer.get_json())["assigned_account"] is None
    assert (await Report.get(id=report.id)).assigned_to_id is None


async def test_a_limited_account_leaves_public_timelines_except_for_followers(
    client: Any, settings: Settings
) -> None:
    from outbox.actions import create_post
    from storage.models import Follow

    _admin_row, as_admin = await _admin(settings)
    loud = await create_member(settings, "loud")
    fan = await create_member(settings, "fan")
    stranger = await create_member(settings, "stranger")
    await Follow.create(follower=fan, target=loud, accepted=True)
    post = await create_post(settings, loud, "<p>buy now</p>")
    views = {}
    for name, who in (("fan", fan), ("stranger", stranger), ("loud", loud)):
        token, _ = await issue_token(who, "read")
        views[name] = {"Authorization": f"Bearer {token}"}
    views["anonymous"] = {}

    async def shown(view: str) -> bool:
        answer = await client.get("/api/v1/timelines/public", headers=views[view])
        assert answer.status_code == 200
        return str(post.id) in [s["id"] for s in await answer.get_json()]

    assert all([await shown(v) for v in views])
    silenced = await client.post(
        f"/api/v1/admin/accounts/{loud.id}/action", json={"type": "silence"}, headers=as_admin
    )
    assert silenced.status_code == 200
    assert {v: await shown(v) for v in views} == {
        "fan": True,
        "stranger": False,
        "loud": True,
        "anonymous": False,
    }


async def test_a_moderator_limits_members_only(client: Any, settings: Settings) -> None:
    admin, _ = await _admin(settings)
    moderator = await create_member(settings, "mo")
    await Actor.filter(id=moderator.id).update(is_moderator=True)
    token, _ = await issue_token(moderator, SCOPES)
    as_mod = {"Authorization": f"Bearer {token}"}
    member = await create_member(settings, "amina")
    report = await Report.create(reporter=admin, target=member, comment="spam")

    async def act(target: Actor, kind: str) -> int:
        answer = await client.post(
            f"/api/v1/admin/accounts/{target.id}/action", json={"type": kind}, headers=as_mod
        )
        return answer.status_code

    assert await act(member, "silence") == 200
    assert await act(member, "disable") == 422  # an admin's action
    assert await act(admin, "silence") == 422  # moderators act on members only
    assert (await client.get("/api/v1/admin/reports", headers=as_mod)).status_code == 200
    assigned = await client.post(
        f"/api/v1/admin/reports/{report.id}/assign_to_self", headers=as_mod
    )
    assert (await assigned.get_json())["assigned_account"]["id"] == str(moderator.id)
    assert (await client.get("/api/v1/admin/domain_blocks", headers=as_mod)).status_code == 403
    assert (await Actor.get(id=member.id)).silenced_at is not None
    assert (await Actor.get(id=member.id)).disabled_at is None
    assert (await Actor.get(id=admin.id)).silenced_at is None
