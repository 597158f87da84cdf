"""The admin API: every endpoint is 401 without a token and 403 for a member who is not an admin,
works for an admin, and records what the admin did in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from actors.accounts import create_member
from baraza.ids import new_id
from baraza.settings import Settings
from clientapi.tokens import issue_token
from storage.models import Actor, AuditEntry, DomainAllow, DomainBlock, Follow, Post, Report
from tests.clientapi.helpers import member_with_token

SCOPES = "read write follow admin:read admin:write"


async def _remote(name: str, domain: str) -> Actor:
    uri = f"https://{domain}/users/{name}"
    return await Actor.create(
        uri=uri,
        type="Person",
        username=name,
        domain=domain,
        inbox_url=f"{uri}/inbox",
        key_id=f"{uri}#key",
        public_key_pem="-",
    )


async def test_every_admin_endpoint_is_guarded_and_audited(client: Any, settings: Settings) -> None:
    admin = await create_member(settings, "root", admin=True)
    token, _ = await issue_token(admin, SCOPES)
    as_admin = {"Authorization": f"Bearer {token}"}
    member, _ = await member_with_token(settings, "amina")
    member_token, _ = await issue_token(member, SCOPES)
    as_member = {"Authorization": f"Bearer {member_token}"}
    troll = await _remote("troll", "bad.example")
    await Follow.create(follower=troll, target=member, accepted=True)
    allow = await DomainAllow.create(domain="friend.example")
    report = await Report.create(reporter=member, target=troll, comment="threats")
    other = await Report.create(reporter=member, target=troll, comment="more")

    # (method, path, body, audit action expected after the admin's call, check of the answer)
    cases: list[tuple[str, str, dict[str, Any] | None, str | None]] = [
        (
            "POST",
            "/api/v1/admin/domain_blocks",
            {"domain": "bad.example", "severity": "suspend", "private_comment": "raid"},
            "domain_block.create",
        ),
        ("GET", "/api/v1/admin/domain_blocks", None, None),
        ("GET", "/api/v1/admin/domain_blocks/{block}", None, None),
        ("PUT", "/api/v1/admin/domain_blocks/{block}", {"obfuscate": True}, "domain_block.update"),
        ("DELETE", "/api/v1/admin/domain_blocks/{block}", None, "domain_block.delete"),
        ("GET", "/api/v1/admin/domain_allows", None, None),
        ("GET", f"/api/v1/admin/domain_allows/{allow.id}", None, None),
        (
            "POST",
            "/api/v1/admin/domain_allows",
            {"domain": "partner.example"},
            "domain_allow.create",
        ),
        ("DELETE", f"/api/v1/admin/domain_allows/{allow.id}", None, "domain_allow.delete"),
        ("GET", "/api/v1/admin/reports", None, None),
        ("GET", f"/api/v1/admin/reports/{report.id}", None, "report.view"),
        ("POST", f"/api/v1/admin/reports/{report.id}/assign_to_self", None, "report.assign"),
        ("POST", f"/api/v1/admin/reports/{report.id}/unassign", None, "report.unassign"),
        ("POST", f"/api/v1/admin/reports/{report.id}/resolve", None, "report.resolve"),
        ("POST", f"/api/v1/admin/reports/{report.id}/reopen", None, "report.reopen"),
        (
            "POST",
            f"/api/v1/admin/accounts/{troll.id}/action",
            {"type": "suspend", "text": "harassment", "report_id": str(other.id)},
            "account.suspend",
        ),
    ]
    block_id = ""
    for method, path, body, action in cases:
        url = path.replace("{block}", block_id)
        for headers, status in (({}, 401), (as_member, 403)):
            response = await client.open(url, method=method, json=body, headers=headers)
            assert response.status_code == status, (method, url, headers)
        before = await AuditEntry.all().count()
        response = await client.open(url, method=method, json=body, headers=as_admin)
        assert response.status_code == 200, (method, url, await response.get_data())
        payload = await response.get_json()
        if url == "/api/v1/admin/domain_blocks" and method == "POST":
            block_id = payload["id"]
            assert payload["severity"] == "suspend" and payload["private_comment"] == "raid"
        if action is not None:
            entries = await AuditEntry.filter(id__gt=0).order_by("-id").limit(3)
            assert await AuditEntry.all().count() > before, (method, url)
            assert action in [e.action for e in entries], (method, url)
            assert all(e.who == "root@testserver.example" for e in entries)

    # The effects were real.
    assert not await DomainBlock.exists()
    assert await DomainAllow.filter(domain="partner.example").exists()
    assert not await DomainAllow.filter(id=allow.id).exists()
    assert (await Actor.get(id=troll.id)).suspended_at is not None
    assert not await Follow.filter(follower=troll).exists()
    assert (await Report.get(id=other.id)).resolved_at is not None
    assert (await Report.get(id=report.id)).resolved_at is None  # reopened


async def test_admin_api_rejects_bad_input_without_storing(client: Any, settings: Settings) -> None:
    admin = await create_member(settings, "root", admin=True)
    token, _ = await issue_token(admin, SCOPES)
    headers = {"Authorization": f"Bearer {token}"}
    for body in ({"domain": "not a domain"}, {"domain": "x.example", "severity": "nuke"}, {}):
        response = await client.post("/api/v1/admin/domain_blocks", json=body, headers=headers)
        assert response.status_code == 422, body
        assert "error" in await response.get_json()
    assert not await DomainBlock.exists() and not await AuditEntry.exists()
    for path in ("/api/v1/admin/domain_blocks/999", "/api/v1/admin/reports/abc"):
        assert (await client.get(path, headers=headers)).status_code == 404
    await client.post("/api/v1/admin/domain_blocks", json={"domain": "a.example"}, headers=headers)
    again = await client.post(
        "/api/v1/admin/domain_blocks", json={"domain": "A.example"}, headers=headers
    )
    assert again.status_code == 422


async def test_public_domain_blocks_mask_obfuscated_domains(
    client: Any, settings: Settings
) -> None:
    await DomainBlock.create(
        domain="hidden-hate.example",
        severity="suspend",
        obfuscate=True,
        public_comment="harassment",
    )
    await DomainBlock.create(domain="spam.example", severity="silence")
    await DomainBlock.create(domain="quiet.example", severity="noop")
    response = await client.get("/api/v1/instance/domain_blocks")
    assert response.status_code == 200
    rows = {r["digest"][:8]: r for r in await response.get_json()}
    entries = sorted(rows.values(), key=lambda r: r["severity"])
    assert [e["severity"] for e in entries] == ["silence", "suspend"]
    hidden = entries[1]
    assert hidden["domain"] != "hidden-hate.example" and "*" in hidden["domain"]
    assert hidden["domain"].startswith("hidd") and hidden["domain"].endswith("mple")
    assert hidden["comment"] == "harassment"
    import hashlib

    assert hidden["digest"] == hashlib.sha256(b"hidden-hate.example").hexdigest()
    assert entries[0]["domain"] == "spam.example"


async def test_member_report_is_stored_and_forwarded(client: Any, settings: Settings) -> None:
    from actors.accounts import ensure_instance_actor
    from storage.models import Activity, Delivery

    await ensure_instance_actor(settings)
    member, headers = await member_with_token(settings, "amina")
    troll = await _remote("troll", "bad.example")
    post = await Post.create(
        id=new_id(),
        uri=f"{troll.uri}/s/1",
        actor=troll,
        published=datetime.now(UTC),
        visibility="public",
    )
    response = await client.post(
        "/api/v1/reports",
        json={
            "account_id": str(troll.id),
            "status_ids": [str(post.id)],
            "comment": "threats",
            "forward": True,
        },
        headers=headers,
    )
    assert response.status_code == 200, await response.get_data()
    report = await Report.get(id=int((await response.get_json())["id"]))
    assert report.reporter_id == member.id and report.status_uris == [post.uri]
    flag = await Activity.get(type="Flag")
    assert flag.document["actor"].endswith("/actor"), "forwarded from the instance actor"
    assert flag.document["object"] == [troll.uri, post.uri]
    assert await Delivery.filter(activity=flag, host="bad.example").exists()

    hidden = await Post.create(
        id=new_id(),
        uri=f"{troll.uri}/s/2",
        actor=troll,
        published=datetime.now(UTC),
        visibility="direct",
    )
    response = await client.post(
        "/api/v1/reports",
        json={"account_id": str(troll.id), "status_ids": [str(hidden.id)]},
        headers=headers,
    )
    assert response.status_code == 404
    assert await Report.all().count() == 1
    assert (await client.post("/api/v1/reports", json={"account_id": "1"})).status_code == 401
