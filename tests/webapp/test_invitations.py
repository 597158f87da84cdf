"""Invitations: created by an admin (or a member when the instance allows), from the page
or `baraza invite create`; the invitee chooses name, password and language and lands signed
in; an expired or used-up link makes nobody."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from actors.accounts import create_member
from baraza.commands_invite import duration
from outbox.invitations import (
    InvitationRefused,
    create_invitation,
    set_members_may_invite,
    usable,
)
from storage.models import Actor, AuditEntry, Invitation
from tests.webapp.browser import HTML, page, sign_in, submit


def _code(link: str) -> str:
    return link.rsplit("/", 1)[1]


async def _accept(browser, code: str, name: str, language: str = "ar"):
    path = f"/invite/{code}"
    form = {
        "username": name,
        "password": "a long password",
        "password_again": "a long password",
        "language": language,
    }
    return await submit(browser, path, form, from_page=path)


async def test_an_invitee_chooses_name_password_language_and_lands_signed_in(browser, web_settings):
    code = await create_invitation(None, max_uses=1, expires_in=timedelta(days=7))
    status, html = await page(browser, f"/invite/{code}")
    assert status == 200 and 'name="password_again"' in html
    response = await _accept(browser, code, "nadia")
    assert response.status_code == 303
    nadia = await Actor.get(local_username="nadia")
    assert nadia.ui_language == "ar" and nadia.password_hash
    status, html = await page(browser, "/settings")
    assert status == 200 and "@nadia" in html and 'dir="rtl"' in html
    # Used up: the link now makes nobody.
    other = browser.app.test_client() if hasattr(browser, "app") else browser
    status, _html = await page(other, f"/invite/{code}")
    assert status == 404


async def test_a_used_up_or_expired_invitation_makes_nobody(browser, web_settings):
    used = await create_invitation(None, max_uses=1, expires_in=timedelta(days=1))
    await Invitation.filter().update(uses=1)
    response = await _accept(browser, used, "late")
    assert response.status_code == 422
    assert not await Actor.filter(local_username="late").exists()
    row = await Invitation.get()
    row.uses, row.expires_at = 0, row.created_at - timedelta(seconds=1)
    assert not usable(row, row.created_at)


async def test_only_admins_invite_unless_the_instance_allows_members(browser, web_settings):
    member = await create_member(web_settings, "bob", password="battery staple")
    with pytest.raises(InvitationRefused):
        await create_invitation(member, max_uses=1, expires_in=None)
    await sign_in(browser, "bob", "battery staple")
    _status, html = await page(browser, "/settings/invitations")
    assert "Only admins may invite" in html
    await set_members_may_invite(True)
    response = await submit(
        browser,
        "/settings/invitations",
        {"uses": "3", "days": "7"},
        from_page="/settings/invitations",
    )
    link = re.search(r'id="invite-link">([^<]+)<', await response.get_data(as_text=True))[1]
    assert link.startswith("https://testserver.example/invite/")
    row = await Invitation.get(created_by=member)
    assert row.max_uses == 3 and _code(link) not in row.code_hash


async def test_the_invite_form_needs_its_csrf_token_and_matching_passwords(browser, web_settings):
    code = await create_invitation(None, max_uses=1, expires_in=None)
    await page(browser, f"/invite/{code}")
    forged = await browser.post(
        f"/invite/{code}",
        form={"username": "x", "password": "a long password", "password_again": "a long password"},
        headers=HTML,
    )
    assert forged.status_code == 403
    path = f"/invite/{code}"
    form = {"username": "x", "password": "a long password", "password_again": "different one"}
    assert (await submit(browser, path, form, from_page=path)).status_code == 422
    assert not await Actor.filter(local_username="x").exists()


def test_cli_durations():
    assert duration("7d") == timedelta(days=7) and duration("12h") == timedelta(hours=12)


async def test_an_admins_invitation_is_in_the_audit_log_a_members_is_not(web_settings):
    admin = await create_member(web_settings, "root", password="battery staple", admin=True)
    await create_invitation(admin, max_uses=3, expires_in=timedelta(days=7))
    await create_invitation(None, max_uses=None, expires_in=None)
    await set_members_may_invite(True)
    member = await create_member(web_settings, "bob", password="battery staple")
    await create_invitation(member, max_uses=1, expires_in=None)
    rows = await AuditEntry.filter(action="invitation.create").order_by("id")
    assert [(r.who, r.reason.split(",")[0]) for r in rows] == [
        (admin.acct, "3 uses"),
        ("cli", "unlimited uses"),
    ]
    first = await Invitation.filter(created_by=admin).first()
    assert rows[0].target == f"invitation:{first.id}" and "until" in rows[0].reason
