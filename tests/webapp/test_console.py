"""The admin console through Quart's test client, on both engines: who reaches which page
(admin, moderator, member, logged out; two-factor required), the dashboard's figures, the
report queue resolved by suspending the reported account through the core (after a
confirmation), the audit log filtered, and CSRF refused on every form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp

from actors import two_factor
from actors.accounts import create_member
from baraza.settings import Settings
from outbox.console_overview import overview
from storage.models import (
    Activity,
    Actor,
    AuditEntry,
    Delivery,
    DomainBlock,
    Invitation,
    Post,
    Report,
)
from tests.webapp.browser import HTML, job_done, page, sign_in, submit

PASSWORD = "battery staple horse"
PAGES = ("/admin", "/admin/reports", "/admin/audit")


async def _staff(
    browser: Any, settings: Settings, name: str, role: str, *, tfa: bool = True
) -> Actor:
    """A signed-in admin or moderator; with `tfa`, two-factor turned on as the settings page
    would (a pending secret confirmed with its current code)."""
    actor = await create_member(settings, name, password=PASSWORD, admin=role == "admin")
    if role == "moderator":
        actor.is_moderator = True
        await actor.save(update_fields=["is_moderator"])
    await sign_in(browser, name, PASSWORD)
    if tfa:
        row = await two_factor.start_setup(actor)
        assert await two_factor.confirm_setup(actor, pyotp.TOTP(row.secret).now())
    return actor


async def _remote(name: str = "troll", domain: str = "hostile.example") -> Actor:
    return await Actor.create(
        uri=f"https://{domain}/users/{name}",
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"https://{domain}/users/{name}/inbox",
        key_id=f"https://{domain}/users/{name}#main-key",
        public_key_pem="-",
    )


async def _report(reporter: Actor, target: Actor, content: str) -> Report:
    post = await Post.create(
        id=9_000_001,
        uri=f"{target.uri}/posts/1",
        actor=target,
        content=content,
        published=datetime.now(UTC),
    )
    return await Report.create(
        reporter=reporter, target=target, status_uris=[post.uri], comment="threats again"
    )


async def test_members_and_visitors_find_nothing_under_admin(browser, web_app, web_settings):
    for path in (*PAGES, "/admin/reports/1", "/admin/members", "/admin/federation"):
        status, html = await page(browser, path)
        assert status == 404, path
        assert "Admin console" not in html
    await create_member(web_settings, "plain", password=PASSWORD)
    await sign_in(browser, "plain", PASSWORD)
    for path in PAGES:
        status, html = await page(browser, path)
        assert status == 404 and "Admin console" not in html, path


async def test_staff_without_two_factor_are_sent_to_set_it_up(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin", tfa=False)
    for path in PAGES:
        status, html = await page(browser, path)
        assert status == 403 and 'href="/settings/security"' in html, path
        assert 'id="open-reports"' not in html


async def test_moderators_reach_the_moderation_parts_only(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    await create_member(web_settings, "someone", password=PASSWORD)
    status, html = await page(browser, "/admin")
    assert status == 200 and 'id="open-reports"' in html
    # The member count and the queue are an admin's.
    assert 'id="members"' not in html and 'id="hosts"' not in html
    assert 'href="/admin/audit"' not in html
    status, html = await page(browser, "/admin/reports")
    assert status == 200
    status, html = await page(browser, "/admin/audit")
    assert status == 403 and "Admins only" in html and "audit-rows" not in html


async def test_the_dashboard_counts(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    await create_member(web_settings, "amina", password=PASSWORD)
    idle = await create_member(web_settings, "idle", password=PASSWORD)
    idle.last_active_at = datetime.now(UTC) - timedelta(days=60)
    await idle.save(update_fields=["last_active_at"])
    await _report(admin, await _remote(), "<p>x</p>")
    status, html = await page(browser, "/admin")
    assert status == 200
    assert 'id="members">3<' in html
    assert 'id="open-reports">1<' in html
    # Active this month: whoever signed in lately, not the idle one.
    active = await Actor.filter(
        local=True, type="Person", last_active_at__gte=datetime.now(UTC) - timedelta(days=30)
    ).count()
    assert f'id="active-month">{active}<' in html and active < 3


async def test_resolving_a_report_by_suspending_the_account(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    report = await _report(admin, troll, "<p>you will regret</p><script>alert(1)</script>")
    status, html = await page(browser, "/admin/reports")
    assert status == 200 and f'href="/admin/reports/{report.id}"' in html
    status, html = await page(browser, f"/admin/reports/{report.id}")
    assert status == 200 and "you will regret" in html
    assert "<script>alert" not in html  # shown as stored, sanitised
    assert "troll@hostile.example" in html
    where = f"/admin/reports/{report.id}"
    taken = await submit(browser, f"{where}/assign", {"to": "me"}, from_page=where)
    assert taken.status_code == 303
    assert (await Report.get(id=report.id)).assigned_to_id == admin.id
    _status, mine = await page(browser, "/admin/reports?state=open&mine=1")
    assert f'href="/admin/reports/{report.id}"' in mine
    # Suspending asks first; nothing happens until it is confirmed.
    asked = await submit(browser, f"{where}/resolve", {"resolution": "suspend"}, from_page=where)
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in await asked.get_data(
        as_text=True
    )
    assert (await Actor.get(id=troll.id)).suspended_at is None
    done = await submit(
        browser, f"{where}/resolve", {"resolution": "suspend", "confirmed": "yes"}, from_page=where
    )
    assert done.status_code == 303
    assert (await Actor.get(id=troll.id)).suspended_at is not None
    assert (await Report.get(id=report.id)).resolved_at is not None
    actions = [e.action for e in await AuditEntry.all().order_by("id")]
    assert "report.assign" in actions and "report.resolve" in actions
    assert any(a.startswith("account.suspend") or a == "actor.suspend" for a in actions), actions
    _status, resolved = await page(browser, "/admin/reports?state=resolved")
    assert f'href="/admin/reports/{report.id}"' in resolved
    _status, log = await page(browser, "/admin/audit?action=report")
    assert "report.resolve" in log and "report.assign" in log
    _status, log = await page(browser, "/admin/audit?who=nobody@else")
    assert "report.resolve" not in log


async def test_a_moderator_may_not_suspend_an_admin_through_a_report(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    boss = await create_member(web_settings, "boss", password=PASSWORD, admin=True)
    reporter = await create_member(web_settings, "amina", password=PASSWORD)
    report = await _report(reporter, boss, "<p>x</p>")
    where = f"/admin/reports/{report.id}"
    refused = await submit(
        browser, f"{where}/resolve", {"resolution": "suspend", "confirmed": "yes"}, from_page=where
    )
    assert refused.status_code == 403
    assert (await Actor.get(id=boss.id)).suspended_at is None
    assert (await Report.get(id=report.id)).resolved_at is None


async def test_console_forms_refuse_a_missing_csrf_token(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    report = await _report(admin, await _remote(), "<p>x</p>")
    for path, form in (
        (f"/admin/reports/{report.id}/assign", {"to": "me"}),
        (f"/admin/reports/{report.id}/resolve", {"resolution": "dismiss"}),
    ):
        response = await browser.post(path, form=form, headers=HTML)
        assert response.status_code == 403, path
    fresh = await Report.get(id=report.id)
    assert fresh.assigned_to_id is None and fresh.resolved_at is None


async def test_the_console_reads_right_to_left_in_arabic(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    admin.ui_language = "ar"
    await admin.save(update_fields=["ui_language"])
    status, html = await page(browser, "/admin")
    assert status == 200 and 'dir="rtl"' in html and "Admin console" not in html


async def test_the_dashboard_shows_deliveries_waiting_by_host(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    activity = await Activity.create(
        id=9_000_002, uri="https://x/a/1", type="Create", actor_uri=admin.uri, document={}
    )
    now = datetime.now(UTC)
    for host, state, attempts in (
        ("down.example", "queued", 3),
        ("down.example", "queued", 0),
        ("fine.example", "queued", 0),
        ("done.example", "delivered", 1),
    ):
        await Delivery.create(
            activity=activity,
            signer=admin,
            inbox_url=f"https://{host}/inbox",
            host=host,
            state=state,
            attempts=attempts,
            next_try_at=now,
        )
    figures = await overview(admin=True)
    assert [(h.host, h.queued, h.failing) for h in figures.hosts] == [
        ("down.example", 2, 1),
        ("fine.example", 1, 0),
    ]
    _status, html = await page(browser, "/admin")
    assert "down.example" in html and "done.example" not in html
    assert (await overview(admin=False)).hosts == []


async def test_blocking_and_lifting_a_domain_after_confirming(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    fed = "/admin/federation"
    status, html = await page(browser, fed)
    assert status == 200 and 'id="federation-mode"' in html and "No domain is blocked" in html
    form = {"domain": "Hostile.Example", "severity": "suspend", "public_comment": "harassment"}
    asked = await submit(browser, f"{fed}/blocks", form, from_page=fed)
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in await asked.get_data(
        as_text=True
    )
    assert not await DomainBlock.exists()
    done = await submit(browser, f"{fed}/blocks", {**form, "confirmed": "yes"}, from_page=fed)
    result = await job_done(browser, done)  # a suspension runs as a job
    assert 'id="job-done"' in result and f'href="{fed}"' in result
    row = await DomainBlock.get(domain="hostile.example")
    assert row.severity == "suspend" and row.public_comment == "harassment"
    # The core's suspension cut off the domain's cached account.
    cached = await Actor.get_or_none(id=troll.id)
    assert cached is None or cached.suspended_at is not None
    _status, html = await page(browser, fed)
    assert "hostile.example" in html and "harassment" in html
    bad = await submit(
        browser, f"{fed}/blocks", {"domain": "not a domain!", "severity": "x"}, from_page=fed
    )
    assert bad.status_code == 422
    lift = {"domain": "hostile.example"}
    asked = await submit(browser, f"{fed}/blocks/remove", lift, from_page=fed)
    assert asked.status_code == 200 and await DomainBlock.exists()
    done = await submit(
        browser, f"{fed}/blocks/remove", {**lift, "confirmed": "yes"}, from_page=fed
    )
    assert done.status_code == 303 and not await DomainBlock.exists()
    actions = [e.action for e in await AuditEntry.all()]
    assert "domain_block.create" in actions and "domain_block.delete" in actions


async def test_moderators_and_csrf_are_refused_on_the_federation_page(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    status, html = await page(browser, "/admin/federation")
    assert status == 403 and "Admins only" in html and 'id="blocks"' not in html
    form = {"domain": "x.example", "severity": "suspend", "confirmed": "yes"}
    refused = await submit(browser, "/admin/federation/blocks", form, from_page="/admin/reports")
    assert refused.status_code == 403
    forged = await browser.post("/admin/federation/blocks", form=form, headers=HTML)
    assert forged.status_code == 403 and not await DomainBlock.exists()


async def test_members_are_listed_searched_and_acted_on_through_the_core(browser, web_settings):
    root = await _staff(browser, web_settings, "root", "admin")
    amina = await create_member(web_settings, "amina", password=PASSWORD)
    await create_member(web_settings, "bongani", password=PASSWORD)
    status, html = await page(browser, "/admin/members?q=ami")
    assert status == 200 and "@amina" in html and "@bongani" not in html
    where = f"/admin/members/{amina.id}"
    status, html = await page(browser, where)
    assert status == 200 and 'name="type"' in html
    act = f"{where}/action"
    # Limiting asks first; lifting the limit does not.
    asked = await submit(browser, act, {"type": "silence"}, from_page=where)
    assert asked.status_code == 200 and (await Actor.get(id=amina.id)).silenced_at is None
    done = await submit(browser, act, {"type": "silence", "confirmed": "yes"}, from_page=where)
    assert done.status_code == 303 and (await Actor.get(id=amina.id)).silenced_at is not None
    await submit(browser, act, {"type": "unsilence"}, from_page=where)
    assert (await Actor.get(id=amina.id)).silenced_at is None
    await submit(browser, act, {"type": "disable", "confirmed": "yes"}, from_page=where)
    assert (await Actor.get(id=amina.id)).disabled_at is not None
    form = {"type": "change_role", "role": "moderator", "confirmed": "yes"}
    await submit(browser, act, form, from_page=where)
    assert (await Actor.get(id=amina.id)).is_moderator
    await submit(browser, act, {"type": "suspend", "confirmed": "yes"}, from_page=where)
    assert (await Actor.get(id=amina.id)).suspended_at is not None
    await submit(browser, act, {"type": "unsuspend"}, from_page=where)
    assert (await Actor.get(id=amina.id)).suspended_at is None
    actions = {e.action for e in await AuditEntry.filter(target=amina.uri)}
    assert {"account.silence", "account.unsilence", "account.disable"} <= actions, actions
    _status, html = await page(browser, f"/admin/audit?who={root.acct}&action=account")
    assert "account.disable" in html and "report." not in html


async def test_an_admin_cannot_act_on_their_own_account(browser, web_settings):
    root = await _staff(browser, web_settings, "root", "admin")
    where = f"/admin/members/{root.id}"
    form = {"type": "change_role", "role": "member", "confirmed": "yes"}
    refused = await submit(browser, f"{where}/action", form, from_page=where)
    assert refused.status_code == 403
    assert (await Actor.get(id=root.id)).is_admin


async def test_invitation_links_from_the_members_page(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    response = await submit(
        browser, "/admin/members/invite", {"uses": "5", "days": "30"}, from_page="/admin/members"
    )
    html = await response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="invite-link">https://' in html
    row = await Invitation.get()
    assert row.max_uses == 5 and row.expires_at is not None


async def test_members_pages_are_closed_to_moderators_and_forged_forms(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    amina = await create_member(web_settings, "amina", password=PASSWORD)
    for path in ("/admin/members", f"/admin/members/{amina.id}"):
        status, html = await page(browser, path)
        assert status == 403 and "@amina" not in html, path
    form = {"type": "silence", "confirmed": "yes"}
    refused = await submit(
        browser, f"/admin/members/{amina.id}/action", form, from_page="/admin/reports"
    )
    forged = await browser.post(f"/admin/members/{amina.id}/action", form=form, headers=HTML)
    assert refused.status_code == forged.status_code == 403
    assert (await Actor.get(id=amina.id)).silenced_at is None
    assert not await Invitation.exists()
