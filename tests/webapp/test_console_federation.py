"""The console's federation tools through Quart's test client, on both engines: a 5,000-line
blocklist previewed then applied in one go (invalid lines shown with their reasons), a plan
that moved since its preview shown again instead of applied, the export; the peer instances
with their state, NodeInfo fetched from a tiny local server, and a block from a peer's page
after its confirmation; moderators, members and forged forms refused."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from federation.domain_blocks import BlockRequest, block_domain
from storage.models import Actor, AuditEntry, BlocklistUpload, DomainBlock, Host, PeerInstance
from tests.nodeinfo_peer import serving_nodeinfo
from tests.webapp.browser import HTML, job_done, page, submit, token
from tests.webapp.test_console import _staff

FED = "/admin/federation"
HEAD = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"


async def _upload(browser: Any, text: str | bytes, name: str = "list.csv") -> Any:
    data = text.encode() if isinstance(text, str) else text
    return await browser.post(
        f"{FED}/import",
        form={"csrf_token": await token(browser, FED)},
        files={"file": FileStorage(io.BytesIO(data), filename=name, content_type="text/csv")},
        headers=HTML,
    )


def _field(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _apply_path(html: str) -> str:
    marker = 'action="/admin/federation/import/'
    start = html.index(marker) + len('action="')
    return html[start : html.index('"', start)]


async def test_a_5000_line_blocklist_is_previewed_then_applied(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    await block_domain("cli", BlockRequest(domain="d0.example", severity="silence"))
    await block_domain("cli", BlockRequest(domain="d1.example", severity="suspend"))
    lines = [f"d{i}.example,suspend,false,false,listed,false" for i in range(5000)]
    lines[1] = "d1.example,suspend,false,false,,false"  # exactly as in force: unchanged
    lines += ["not a domain!,suspend,false,false,,false", "x.example,obliterate,false,false,,false"]
    started = time.monotonic()
    response = await _upload(browser, HEAD + "\n".join(lines) + "\n", "big.csv")
    html = await response.get_data(as_text=True)
    previewed = time.monotonic() - started
    assert response.status_code == 200
    assert 'id="count-added">4998<' in html
    assert 'id="count-changed">1<' in html and 'id="count-unchanged">1<' in html
    assert 'id="count-skipped">2<' in html
    assert "Line 5002" in html and "invalid domain" in html and "unknown severity" in html
    assert 'class="severity-change"' in html  # d0: limited -> suspended
    # Apply comes after the summary, not after a thousand listed domains.
    assert html.index('id="plan-counts"') < html.index('id="apply"') < html.index('id="added"')
    # The preview changed nothing.
    assert await DomainBlock.all().count() == 2
    started = time.monotonic()
    done = await submit(
        browser, _apply_path(html), {"digest": _field(html, "digest")}, from_page=FED
    )
    result = await job_done(browser, done)
    applied = time.monotonic() - started
    assert 'data-state="done"' in result and "http-equiv" not in result
    assert 'id="done-added">4998<' in result and 'id="done-skipped">2<' in result
    assert await DomainBlock.all().count() == 5000
    assert (await DomainBlock.get(domain="d0.example")).severity == "suspend"
    assert await AuditEntry.filter(action="domain_block.import", target="big.csv").count() == 1
    # The blocks page stays usable after the import: 50 a page, a search, the form on top.
    status, listing = await page(browser, FED)
    assert status == 200 and listing.count("Lift the block") == 50
    assert "5000 blocked domains match; page 1 of 100." in listing
    assert listing.index('action="/admin/federation/blocks"') < listing.index('id="blocks"')
    status, found = await page(browser, f"{FED}?q=D4999.EXAMPLE")
    assert found.count("Lift the block") == 1 and "d4999.example" in found
    status, last = await page(browser, f"{FED}?page=100")
    assert last.count("Lift the block") == 50 and 'rel="prev"' in last and 'rel="next"' not in last
    status, wild = await page(browser, f"{FED}?page=banana&q=%25")
    assert status == 200 and "0 blocked domains match" in wild
    assert not await BlocklistUpload.exists()
    # "A few seconds" on a quiet machine; the bound leaves room for a loaded CI runner.
    assert previewed < 30 and applied < 30, (previewed, applied)


async def test_a_plan_that_moved_since_its_preview_is_shown_again_not_applied(
    browser, web_settings
):
    await _staff(browser, web_settings, "root", "admin")
    response = await _upload(browser, HEAD + "a.example,suspend,false,false,,false\n")
    html = await response.get_data(as_text=True)
    where, digest = _apply_path(html), _field(html, "digest")
    # Another admin blocks the same domain (limited) before "Apply".
    await block_domain("other", BlockRequest(domain="a.example", severity="silence"))
    moved = await submit(browser, where, {"digest": digest}, from_page=FED)
    again = await moved.get_data(as_text=True)
    assert moved.status_code == 409 and 'id="plan-changed"' in again
    assert 'id="count-changed">1<' in again and 'id="count-added">0<' in again
    assert (await DomainBlock.get(domain="a.example")).severity == "silence"
    done = await submit(browser, where, {"digest": _field(again, "digest")}, from_page=FED)
    assert 'id="done-changed">1<' in await job_done(browser, done)
    assert (await DomainBlock.get(domain="a.example")).severity == "suspend"


async def test_bad_uploads_get_a_readable_answer(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    empty = await _upload(browser, b"")
    assert empty.status_code == 303
    binary = await _upload(browser, b"\xff\xfe\x00\x81garbage")
    assert binary.status_code == 303
    _status, html = await page(browser, FED)
    assert "not UTF-8 text" in html
    missing = await submit(browser, f"{FED}/import/999/apply", {"digest": "x"}, from_page=FED)
    assert missing.status_code == 404
    nothing = await _upload(browser, "only junk here!\n")
    html = await nothing.get_data(as_text=True)
    assert nothing.status_code == 200 and 'id="nothing-to-do"' in html and "Line 1" in html
    assert not await DomainBlock.exists()


async def test_the_blocklist_exports_as_mastodon_csv(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    await block_domain("cli", BlockRequest(domain="spam.example", severity="suspend"))
    response = await browser.get(f"{FED}/export", headers=HTML)
    body = await response.get_data(as_text=True)
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    assert body.startswith("#domain,#severity") and "spam.example,suspend" in body


@pytest.fixture
async def nodeinfo_peer() -> AsyncIterator[str]:
    async with serving_nodeinfo("2.0", "mastodon", "4.3.2") as authority:
        yield authority


async def _remote_at(domain: str, name: str, scheme: str = "https") -> Actor:
    uri = f"{scheme}://{domain}/users/{name}"
    return await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain=domain,
        inbox_url=uri + "/inbox",
        key_id=uri + "#k",
        public_key_pem="-",
    )


async def test_peer_instances_their_nodeinfo_and_a_block_from_a_peer_page(
    browser, web_settings, nodeinfo_peer
):
    await _staff(browser, web_settings, "root", "admin")
    await _remote_at(nodeinfo_peer, "amina", scheme="http")
    await _remote_at(nodeinfo_peer, "bongani", scheme="http")
    await Host.create(domain="down.example", unavailable_since=datetime.now(UTC))
    status, html = await page(browser, f"{FED}/instances")
    assert status == 200 and nodeinfo_peer in html and "down.example" in html
    assert "Unavailable" in html
    where = f"{FED}/instances/{nodeinfo_peer}"
    status, html = await page(browser, where)
    assert status == 200 and 'id="peer-accounts">2<' in html and "Not contacted yet" in html
    refreshed = await submit(browser, f"{where}/refresh", {}, from_page=where)
    assert refreshed.status_code == 303
    row = await PeerInstance.get(domain=nodeinfo_peer)
    assert (row.software_name, row.software_version) == ("mastodon", "4.3.2")
    _status, html = await page(browser, where)
    assert "mastodon 4.3.2" in html
    _status, html = await page(browser, "/admin")
    assert 'id="peers"' in html and nodeinfo_peer in html and "mastodon 4.3.2" in html
    # Blocking from the peer's page asks first, then comes back to it.
    form = {"domain": nodeinfo_peer, "severity": "silence", "back": where}
    asked = await submit(browser, f"{FED}/blocks", form, from_page=where)
    asked_html = await asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="confirmed" value="yes"' in asked_html
    assert f'name="back" value="{where}"' in asked_html and not await DomainBlock.exists()
    done = await submit(browser, f"{FED}/blocks", {**form, "confirmed": "yes"}, from_page=where)
    assert done.status_code == 303 and done.headers["Location"].endswith(where)
    assert (await DomainBlock.get(domain="127.0.0.1")).severity == "silence"
    _status, html = await page(browser, where)
    assert 'id="peer-block"' in html
    lift = {"domain": "127.0.0.1", "back": where, "confirmed": "yes"}
    lifted = await submit(browser, f"{FED}/blocks/remove", lift, from_page=where)
    assert lifted.status_code == 303 and not await DomainBlock.exists()
    # A suspension from the peer's page runs as a job whose page leads back to the peer;
    # a suspended peer is blocked, and its NodeInfo is not fetched.
    form = {"domain": nodeinfo_peer, "severity": "suspend", "back": where, "confirmed": "yes"}
    result = await job_done(browser, await submit(browser, f"{FED}/blocks", form, from_page=where))
    assert 'id="job-done"' in result and f'href="{where}"' in result
    assert (await DomainBlock.get(domain="127.0.0.1")).severity == "suspend"
    await Host.create(domain=nodeinfo_peer)
    status, html = await page(browser, where)
    assert status == 200 and 'class="peer-state state-blocked"' in html
    await PeerInstance.all().delete()
    await submit(browser, f"{where}/refresh", {}, from_page=where)
    assert not await PeerInstance.exists()
    # A back link elsewhere is ignored.
    form = {"domain": "x.example", "severity": "noop", "back": "https://evil.example/"}
    done = await submit(browser, f"{FED}/blocks", {**form, "confirmed": "yes"}, from_page=where)
    assert done.headers["Location"].endswith(FED)


async def test_unknown_peers_are_404(browser, web_settings):
    await _staff(browser, web_settings, "root", "admin")
    status, _html = await page(browser, f"{FED}/instances/nowhere.example")
    assert status == 404
    missing = await submit(browser, f"{FED}/instances/nowhere.example/refresh", {}, from_page=FED)
    assert missing.status_code == 404


async def test_federation_tools_are_closed_to_moderators_members_and_forged_forms(
    browser, web_settings
):
    await _remote_at("peer.example", "x")
    paths = (f"{FED}/instances", f"{FED}/instances/peer.example", f"{FED}/export")
    for path in paths:
        status, _html = await page(browser, path)
        assert status == 404, path
    await _staff(browser, web_settings, "mod", "moderator")
    for path in paths:
        status, html = await page(browser, path)
        assert status == 403 and "Admins only" in html, path
        assert 'id="peer-facts"' not in html and 'id="peers"' not in html, path
    upload = await browser.post(
        f"{FED}/import",
        form={"csrf_token": await token(browser, "/admin/reports")},
        files={"file": FileStorage(io.BytesIO(HEAD.encode() + b"a.example\n"), filename="l.csv")},
        headers=HTML,
    )
    assert upload.status_code == 403 and not await BlocklistUpload.exists()
    refresh = await submit(
        browser, f"{FED}/instances/peer.example/refresh", {}, from_page="/admin/reports"
    )
    assert refresh.status_code == 403


async def test_forged_federation_forms_are_refused(browser, web_settings):
    root = await _staff(browser, web_settings, "root", "admin")
    await _remote_at("peer.example", "x")
    forged = await browser.post(
        f"{FED}/import",
        form={},
        files={"file": FileStorage(io.BytesIO(HEAD.encode() + b"a.example\n"), filename="l.csv")},
        headers=HTML,
    )
    assert forged.status_code == 403 and not await BlocklistUpload.exists()
    upload = await BlocklistUpload.create(who=root.acct, text=HEAD + "a.example\n")
    forged = await browser.post(
        f"{FED}/import/{upload.id}/apply", form={"digest": "x"}, headers=HTML
    )
    assert forged.status_code == 403 and not await DomainBlock.exists()
    forged = await browser.post(f"{FED}/instances/peer.example/refresh", form={}, headers=HTML)
    assert forged.status_code == 403 and not await PeerInstance.exists()
