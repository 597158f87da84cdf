"""The console's report page resolving reports through the core, on both engines: suspend the
account, block its domain (admins only: a moderator is neither offered it nor allowed to post
it), remove the reported post (gone from the API), dismiss; forward as a `Flag` (a delivery
row to the reported server, shown as forwarded); the queue's filters; the dashboard's backup
line; and the mail page's settings, test message (to a local SMTP server) and bounces."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from actors.accounts import create_member, ensure_instance_actor
from baraza.ids import new_id
from baraza.settings import Settings
from clientapi.tokens import issue_token
from outbox.actions import create_post
from storage.backup import LAST_BACKUP_KEY
from storage.models import Activity, Actor, AuditEntry, Delivery, DomainBlock, Post, Report
from storage.settings_store import set_setting
from tests.e2e.instance import free_port
from tests.webapp.browser import HTML, page, submit
from tests.webapp.test_console import PASSWORD, _remote, _staff


async def _report_on(reporter: Actor, target: Actor, *posts: Post) -> Report:
    return await Report.create(
        reporter=reporter, target=target, status_uris=[p.uri for p in posts], comment="again"
    )


async def _remote_post(author: Actor, content: str = "<p>threat</p>") -> Post:
    return await Post.create(
        id=new_id(),
        uri=f"{author.uri}/posts/{new_id()}",
        actor=author,
        content=content,
        visibility="public",
        published=datetime.now(UTC),
    )


async def _resolve(browser: Any, report: Report, resolution: str) -> Any:
    where = f"/admin/reports/{report.id}"
    form = {"resolution": resolution, "confirmed": "yes"}
    return await submit(browser, f"{where}/resolve", form, from_page=where)


async def test_suspending_the_reported_account(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    report = await _report_on(admin, troll, await _remote_post(troll))
    done = await _resolve(browser, report, "suspend")
    assert done.status_code == 303
    assert (await Actor.get(id=troll.id)).suspended_at is not None
    assert (await Report.get(id=report.id)).resolved_at is not None
    entries = {(e.action, e.reason) for e in await AuditEntry.all()}
    assert ("account.suspend", f"report {report.id}") in entries
    assert ("report.resolve", "suspend") in entries


async def test_blocking_the_reported_accounts_domain(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    where = f"/admin/reports/{report.id}" if (report := await _report_on(admin, troll)) else ""
    _status, html = await page(browser, where)
    assert 'value="block_domain"' in html
    asked = await submit(
        browser, f"{where}/resolve", {"resolution": "block_domain"}, from_page=where
    )
    assert asked.status_code == 200 and "hostile.example" in await asked.get_data(as_text=True)
    assert not await DomainBlock.exists()  # nothing until confirmed
    assert (await _resolve(browser, report, "block_domain")).status_code == 303
    block = await DomainBlock.get(domain="hostile.example")
    assert block.severity == "suspend" and block.private_comment == f"report {report.id}"
    # The account a report names is kept, suspended, so the report stays readable.
    assert (await Actor.get(id=troll.id)).suspended_at is not None
    assert (await Report.get(id=report.id)).resolved_at is not None
    assert await AuditEntry.exists(action="domain_block.create", target="hostile.example")


async def test_a_moderator_is_neither_offered_nor_allowed_the_domain_block(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    amina = await create_member(web_settings, "amina", password=PASSWORD)
    troll = await _remote()
    report = await _report_on(amina, troll, await _remote_post(troll))
    where = f"/admin/reports/{report.id}"
    status, html = await page(browser, where)
    assert status == 200 and 'value="suspend"' in html and 'value="remove_posts"' in html
    assert 'value="block_domain"' not in html
    refused = await _resolve(browser, report, "block_domain")
    assert refused.status_code == 403
    assert not await DomainBlock.exists()
    assert (await Report.get(id=report.id)).resolved_at is None
    # What a moderator may do, they do: the remote account suspended.
    assert (await _resolve(browser, report, "suspend")).status_code == 303
    assert (await Actor.get(id=troll.id)).suspended_at is not None


async def test_removing_the_reported_posts(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    reader, token = await _member_with_token(web_settings, "reader")
    author = await create_member(web_settings, "author", password=PASSWORD)
    local = await create_post(web_settings, author, "<p>local abuse</p>")
    troll = await _remote()
    remote = await _remote_post(troll, "<p>remote abuse</p>")
    for post in (local, remote):
        assert (await browser.get(f"/api/v1/statuses/{post.id}", headers=token)).status_code == 200
    local_report = await _report_on(reader, author, local)
    remote_report = await _report_on(reader, troll, remote)
    for report in (local_report, remote_report):
        assert (await _resolve(browser, report, "remove_posts")).status_code == 303
        assert (await Report.get(id=report.id)).resolved_at is not None
    for post in (local, remote):
        assert (await browser.get(f"/api/v1/statuses/{post.id}", headers=token)).status_code == 404
    # The local post left as its author's Delete; the report still shows what was said.
    assert await Activity.exists(type="Delete", actor_uri=author.uri)
    _status, html = await page(browser, f"/admin/reports/{remote_report.id}")
    assert "remote abuse" in html
    removed = {e.target for e in await AuditEntry.filter(action="post.remove", who=admin.acct)}
    assert removed == {local.uri, remote.uri}
    assert (await Actor.get(id=author.id)).suspended_at is None  # only the post went


async def _member_with_token(settings: Settings, name: str) -> tuple[Actor, dict[str, str]]:
    member = await create_member(settings, name, password=PASSWORD)
    token, _ = await issue_token(member, "read")
    return member, {"Authorization": f"Bearer {token}"}


async def test_dismissing_takes_no_action(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    post = await _remote_post(troll)
    report = await _report_on(admin, troll, post)
    where = f"/admin/reports/{report.id}"
    done = await submit(browser, f"{where}/resolve", {"resolution": "dismiss"}, from_page=where)
    assert done.status_code == 303
    assert (await Report.get(id=report.id)).resolved_at is not None
    assert (await Actor.get(id=troll.id)).suspended_at is None
    assert (await Post.get(id=post.id)).deleted_at is None
    assert not await DomainBlock.exists()
    assert [e.action for e in await AuditEntry.all()] == ["report.resolve"]


async def test_bad_resolutions_are_a_readable_400(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    local = await create_member(web_settings, "amina", password=PASSWORD)
    report = await _report_on(admin, local)
    for choice in ("explode", "block_domain"):  # unknown; this server's own domain
        refused = await _resolve(browser, report, choice)
        assert refused.status_code == 400, choice
        assert "Choose one of the actions offered" in await refused.get_data(as_text=True)
    assert not await DomainBlock.exists()
    assert (await Report.get(id=report.id)).resolved_at is None
    missing = await submit(
        browser, "/admin/reports/999999/resolve", {"resolution": "dismiss"}, from_page="/admin"
    )
    assert missing.status_code == 404


async def test_forwarding_a_report_as_a_flag(browser, web_settings):
    await ensure_instance_actor(web_settings)
    admin = await _staff(browser, web_settings, "root", "admin")
    troll = await _remote()
    post = await _remote_post(troll)
    report = await _report_on(admin, troll, post)
    where = f"/admin/reports/{report.id}"
    _status, html = await page(browser, where)
    assert 'id="forwarded">Not forwarded<' in html and f'action="{where}/forward"' in html
    sent = await submit(browser, f"{where}/forward", {}, from_page=where)
    assert sent.status_code == 303
    flag = await Activity.get(type="Flag")
    assert flag.document["object"] == [troll.uri, post.uri]
    assert flag.document["actor"] != admin.uri  # from the instance, not from the reporter
    delivery = await Delivery.get(activity=flag)
    assert delivery.host == "hostile.example" and delivery.inbox_url == troll.inbox_url
    _status, html = await page(browser, where)
    assert 'id="forwarded">Yes, forwarded<' in html and f'action="{where}/forward"' not in html
    again = await submit(browser, f"{where}/forward", {}, from_page="/admin/reports")
    assert again.status_code == 303 and await Activity.filter(type="Flag").count() == 1
    assert await AuditEntry.exists(action="report.forward", who=admin.acct)
    # A report about this server's own member has nowhere to go.
    local = await create_member(web_settings, "amina", password=PASSWORD)
    own = await _report_on(admin, local)
    refused = await submit(browser, f"/admin/reports/{own.id}/forward", {}, from_page=where)
    assert refused.status_code == 400 and await Activity.filter(type="Flag").count() == 1


async def test_the_queue_filters(browser, web_settings):
    admin = await _staff(browser, web_settings, "root", "admin")
    local = await create_member(web_settings, "amina", password=PASSWORD)
    troll = await _remote()
    other = await _remote("spammer", "spam.example")
    on_local = await _report_on(admin, local)
    on_troll = await _report_on(admin, troll)
    on_other = await _report_on(admin, other)
    on_troll.assigned_to = admin
    await on_troll.save(update_fields=["assigned_to_id"])

    async def shown(query: str) -> set[int]:
        status, html = await page(browser, f"/admin/reports?{query}")
        assert status == 200, query
        return {r.id for r in (on_local, on_troll, on_other) if f'/admin/reports/{r.id}"' in html}

    assert await shown("") == {on_local.id, on_troll.id, on_other.id}
    assert await shown("where=local") == {on_local.id}
    assert await shown("where=remote") == {on_troll.id, on_other.id}
    assert await shown("domain=Spam.Example") == {on_other.id}
    assert await shown("mine=1") == {on_troll.id}
    assert await shown("state=resolved") == set()
    assert await shown("where=nonsense&state=bogus") == {on_local.id, on_troll.id, on_other.id}


@pytest.mark.parametrize(
    ("age", "warned"), [(None, True), (timedelta(days=2), False), (timedelta(days=9), True)]
)
async def test_the_dashboard_shows_the_last_backup(browser, web_settings, age, warned):
    await _staff(browser, web_settings, "root", "admin")
    if age is not None:
        at = datetime.now(UTC) - age
        record = {"at": at.isoformat(), "bytes": 5_300_000, "file": "/srv/b.tar"}
        await set_setting(LAST_BACKUP_KEY, json.dumps(record))
    status, html = await page(browser, "/admin")
    assert status == 200
    assert ('id="backup-warning"' in html) is warned
    if age is not None:
        assert at.strftime("%Y-%m-%d %H:%M") in html and "5.3 MB" in html


async def test_moderators_see_no_backup_line(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    status, html = await page(browser, "/admin")
    assert status == 200 and 'id="backup' not in html


class Mailbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def _login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"letter",
        b"n0t-sh0wn",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch):
    """A local SMTP server in a thread of this process, as the Letter's own mail tests use."""
    box = Mailbox()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=free_port("127.0.0.1"),
        authenticator=_login,
        auth_require_tls=False,  # plain loopback here; the TLS cases are the Letter's tests
    )
    controller.start()
    monkeypatch.setenv("BARAZA_SMTP_URL", f"smtp://letter:n0t-sh0wn@127.0.0.1:{controller.port}")
    try:
        yield box
    finally:
        controller.stop()


async def test_the_mail_page_sends_a_test_message(browser, web_settings, mailbox):
    admin = await _staff(browser, web_settings, "root", "admin")
    status, html = await page(browser, "/admin/mail")
    assert status == 200 and "127.0.0.1" in html and 'id="smtp"' in html
    assert "n0t-sh0wn" not in html  # the password is never shown
    sent = await submit(
        browser, "/admin/mail/test", {"to": "me@mail.test"}, from_page="/admin/mail"
    )
    assert sent.status_code == 303
    assert [e.rcpt_tos for e in mailbox.envelopes] == [["me@mail.test"]]
    assert b"Test message" in mailbox.envelopes[0].content
    assert await AuditEntry.exists(action="letter.test_mail", who=admin.acct)
    bad = await submit(
        browser, "/admin/mail/test", {"to": "not an address"}, from_page="/admin/mail"
    )
    assert bad.status_code == 400 and len(mailbox.envelopes) == 1


async def test_the_mail_page_lists_bounces_and_unsubscribes(browser, web_settings, monkeypatch):
    monkeypatch.delenv("BARAZA_SMTP_URL", raising=False)
    await _staff(browser, web_settings, "root", "admin")
    gone = await create_member(web_settings, "gone", password=PASSWORD)
    gone.document = {
        **(gone.document or {}),
        "email": "gone@mail.test",
        "letter_bounce": {"address": "gone@mail.test", "code": 550, "reply": "no such mailbox"},
    }
    quiet = await create_member(web_settings, "quiet", password=PASSWORD)
    quiet.document = {**(quiet.document or {}), "letter_unsubscribed": True}
    for member in (gone, quiet):
        await member.save(update_fields=["document"])
    status, html = await page(browser, "/admin/mail")
    assert status == 200 and 'id="smtp-off"' in html and 'action="/admin/mail/test"' not in html
    assert "gone@mail.test" in html and "550 no such mailbox" in html and "bounced" in html
    assert "quiet" in html and "unsubscribed" in html
    off = await submit(browser, "/admin/mail/test", {"to": "me@mail.test"}, from_page="/admin")
    assert off.status_code == 400


async def test_the_mail_page_is_an_admins(browser, web_settings):
    await _staff(browser, web_settings, "mod", "moderator")
    status, html = await page(browser, "/admin/mail")
    assert status == 403 and "Admins only" in html
    refused = await submit(browser, "/admin/mail/test", {"to": "a@b.c"}, from_page="/admin")
    forged = await browser.post("/admin/mail/test", form={"to": "a@b.c"}, headers=HTML)
    assert refused.status_code == forged.status_code == 403
