"""The admin console in headless Chromium at 360 px (issue 18's proof), against a real `baraza
serve` and a peer instance federating with it, on SQLite and PostgreSQL.

An admin with two-factor (the code from pyotp) signs in, invites someone, makes a member a
moderator, creates a private space and appoints its moderator, resolves a report on the peer's
account by suspending it, blocks the peer from its page while a delivery to it waits (the
delivery is cancelled, the page's queue empties, the peer's next delivery is refused with 403),
and imports a 5,000-line blocklist after its preview. The audit log page shows each step. The
moderator, signed in before the appointment, got 404 for /admin as a plain member and then 403
on the members, spaces, federation, peer and audit pages. The console's CSP allows no inline
script. Screenshots of the console's pages in English and Arabic (right to left, nothing wider
than the phone) go to var/screenshots/console-*.png; docs/images keeps some."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pyotp
import pytest

from tests.conftest import one_engine
from tests.e2e.browser import SCREENSHOTS, drive, needs_browser, png_size
from tests.e2e.instance import Instance
from tests.e2e.peek import c2s, eventually, query, scalar

PASSWORD = "a long console password"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOW_ACCEPTED = (
    "SELECT COUNT(*) FROM follows f JOIN actors x ON x.id = f.follower_id "
    "JOIN actors t ON t.id = f.target_id WHERE x.uri = ? AND t.uri = ? AND f.accepted"
)

pytestmark = needs_browser


def _db_time(instance: Instance, when: datetime) -> Any:
    """A timestamp as each engine's driver takes it (tortoise stores ISO text on SQLite)."""
    return when.isoformat(sep=" ") if instance.database_url.startswith("sqlite://") else when


# Members, their tokens and (for staff) two-factor, made in one process per instance as
# `baraza member add` and `baraza member token` would make them, and as the settings page
# turns two-factor on: a CLI call per step costs seconds on a loaded machine.
SEED = """
import json, sys
from datetime import UTC, datetime
from baraza.cli import _run_async, build_parser, claims_from, settings_from

async def seed(settings, _args):
    from actors.accounts import create_member
    from clientapi.tokens import issue_token
    from storage.models import TwoFactor
    made = {}
    for name, spec in json.loads(sys.argv[1]).items():
        member = await create_member(
            settings, name, password=spec.get("password"), admin=spec.get("admin", False)
        )
        token, _ = await issue_token(member, "read write follow")
        if spec.get("secret"):
            await TwoFactor.create(
                account=member, secret=spec["secret"], enabled_at=datetime.now(UTC)
            )
        made[name] = {"id": member.id, "token": token}
    print(json.dumps(made))
    return 0

args = build_parser().parse_args(["member", "list"])
sys.exit(_run_async(seed, settings_from(args), claims_from(args), args))
"""


def _seed(instance: Instance, members: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each member's id and access token."""
    seeded = subprocess.run(
        [sys.executable, "-c", SEED, json.dumps(members)],
        env=instance.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    return json.loads(seeded.stdout.strip().splitlines()[-1])


def _blocklist(path: Path) -> Path:
    """A Mastodon blocklist of 5,000 lines: 4,990 domains in every severity and ten lines a
    preview must skip (not a domain, an unknown severity)."""
    severities = ("suspend", "silence", "noop")
    lines = ["#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate"]
    for n in range(4990):
        lines.append(
            f"spam{n}.example,{severities[n % 3]},{str(n % 2 == 0).lower()},false,spam,false"
        )
    for n in range(5):
        lines.append(f"not a domain {n},suspend,false,false,,false")
        lines.append(f"odd{n}.example,explode,false,false,,false")
    path.write_text("\n".join(lines) + "\n")
    return path


async def _queue_delivery(a: Instance, host: str, inbox: str) -> int:
    """A delivery to `inbox` waiting in A's queue (due in an hour, so no worker races the
    block), as a fan-out would have left it; its id."""
    await query(
        a,
        "INSERT INTO deliveries (activity_id, signer_id, inbox_url, host, state, attempts, "
        "next_try_at, last_error, created_at) SELECT activity_id, signer_id, ?, ?, 'queued', 0, "
        "?, '', created_at FROM deliveries ORDER BY id DESC LIMIT 1",
        inbox,
        host,
        _db_time(a, datetime.now(UTC) + timedelta(hours=1)),
    )
    return await scalar(a, "SELECT MAX(id) FROM deliveries")


async def _federating(a: Instance, p: Instance, tokens: dict[str, str]) -> dict[str, Any]:
    """The peer's pablo follows amina and gets her post; the peer's troll writes to amina and
    she reports him through the client API. Returns the report's id and what A holds."""
    amina = f"{a.base_url}/users/amina"
    pablo = f"{p.base_url}/users/pablo"
    troll = f"{p.base_url}/users/troll"
    async with aiohttp.ClientSession() as http:
        await c2s(http, p, "pablo", tokens["pablo"], {"type": "Follow", "object": amina})

        async def followed() -> bool:
            return await scalar(a, FOLLOW_ACCEPTED, pablo, amina) == 1

        await eventually(followed, "pablo follows amina")
        threat = await c2s(
            http,
            p,
            "troll",
            tokens["troll"],
            {"type": "Note", "content": "<p>We know where you live.</p>", "to": [amina]},
        )

        async def received() -> bool:
            return await scalar(a, "SELECT COUNT(*) FROM posts WHERE uri = ?", threat["id"]) == 1

        await eventually(received, "A stores troll's note")
        post_id = await scalar(a, "SELECT id FROM posts WHERE uri = ?", threat["id"])
        troll_id = await scalar(a, "SELECT id FROM actors WHERE uri = ?", troll)
        async with http.post(
            f"{a.base_url}/api/v1/reports",
            data={"account_id": str(troll_id), "status_ids[]": str(post_id), "comment": "threats"},
            headers={"Authorization": f"Bearer {tokens['amina']}"},
        ) as response:
            report = await response.json()
            assert response.status == 200, report

        # amina posts; pablo, a follower on the peer, is delivered to.
        await c2s(
            http,
            a,
            "amina",
            tokens["amina"],
            {
                "type": "Note",
                "content": "<p>Open call</p>",
                "to": [PUBLIC],
                "cc": [f"{amina}/followers"],
            },
        )

        async def delivered() -> bool:
            return (
                await scalar(
                    a,
                    "SELECT COUNT(*) FROM deliveries WHERE host = ? AND state = 'delivered'",
                    p.domain,
                )
                > 0
            )

        await eventually(delivered, "A delivers amina's post to the peer")
    return {"report": report["id"], "troll": troll_id}


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_the_admin_console_in_a_browser(make_instance, engine, tmp_path: Path) -> None:
    root, nadia = pyotp.TOTP(pyotp.random_base32()), pyotp.TOTP(pyotp.random_base32())
    staff = {"password": PASSWORD}
    on_a = {
        "root": {**staff, "admin": True, "secret": root.secret},
        "nadia": {**staff, "secret": nadia.secret},
        "amina": {},
    }
    # One instance at a time makes the database template; then the peer starts while A seeds.
    a = await make_instance("127.0.0.2")
    seeded, p = await asyncio.gather(asyncio.to_thread(_seed, a, on_a), make_instance("127.0.0.3"))
    seeded |= await asyncio.to_thread(_seed, p, {"pablo": {}, "troll": {}})
    tokens = {name: seeded[name]["token"] for name in ("amina", "pablo", "troll")}
    known = await _federating(a, p, tokens)
    queued = await _queue_delivery(a, p.domain, f"{p.base_url}/users/pablo/inbox")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = await asyncio.to_thread(
        drive,
        "console.mjs",
        a.base_url,
        json.dumps(
            {
                "admin": {"username": "root", "password": PASSWORD, "code": root.now()},
                "moderator": {"username": "nadia", "password": PASSWORD, "code": nadia.now()},
                "moderatorId": seeded["nadia"]["id"],
                "reportId": known["report"],
                "peerDomain": p.domain,
                "space": {"name": "casework", "displayName": "Case work", "moderator": "amina"},
                "blocklist": str(_blocklist(tmp_path / "blocklist.csv")),
                "dir": str(SCREENSHOTS),
            }
        ),
        timeout=120,
        page_errors=True,
    )
    statuses = result["statuses"]
    assert result["adminAskedForCode"] == result["modAskedForCode"] == "/sign-in/code"
    assert statuses["memberAdmin"] == statuses["memberMembers"] == 404
    assert statuses["dashboard"] == 200

    # The console's own CSP: nothing inline runs, no other origin.
    csp = {d.split()[0]: d.split()[1:] for d in result["csp"].split(";") if d.strip()}
    assert csp["default-src"] == ["'none'"] and csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in result["csp"] and "'unsafe-eval'" not in result["csp"]
    assert result["inlineScripts"] == 0 and result["inlineStyles"] == 0

    # Invite: a link to this instance, stored with its uses and expiry.
    assert result["inviteLink"].startswith(f"{a.base_url}/invite/")
    assert await scalar(a, "SELECT max_uses FROM invitations") == 3

    # The moderator appointed after a confirmation page.
    assert result["roleNotice"] == "Done." and result["role"] == "moderator"
    assert await scalar(a, "SELECT is_moderator FROM actors WHERE id = ?", seeded["nadia"]["id"])

    # The report resolved by suspending the remote account.
    assert result["reportedAccount"] == f"troll@{p.domain}"
    assert "We know where you live." in result["reportedPosts"]
    assert f"troll@{p.domain}" in result["suspendConfirmPage"]
    assert result["resolvedNotice"] == "The report is resolved."
    assert await scalar(a, "SELECT resolved_at IS NOT NULL FROM reports")
    assert await scalar(
        a, "SELECT suspended_at IS NOT NULL FROM actors WHERE id = ?", known["troll"]
    )

    # A private space, and its moderator appointed on its page.
    space = result["space"]
    assert space["notice"] == "Space created." and space["kind"] == "private"
    assert space["moderatorNotice"] == "Done." and space["moderators"] == "@amina"
    space_id = int(space["path"].rsplit("/", 1)[1])
    assert await scalar(a, "SELECT private FROM actors WHERE id = ?", space_id)
    assert (
        await scalar(
            a,
            "SELECT r.role FROM space_roles r JOIN actors m ON m.id = r.member_id "
            "WHERE r.space_id = ? AND m.local_username = ?",
            space_id,
            "amina",
        )
        == "moderator"
    )

    # The blocklist: the preview counted it and blocked nothing; applying blocked all of it.
    preview = result["preview"]
    assert (preview["added"], preview["changed"], preview["skipped"]) == ("4990", "0", "10")
    assert preview["firstSkipped"].startswith("Line 4992")
    assert preview["exportedDuringPreview"] == 2, "the header and the peer: nothing new yet"
    assert result["importJob"]["where"].startswith("/admin/jobs/")
    assert result["importJob"]["state"] == "done"
    assert result["imported"] == {"added": "4990", "skipped": "10"}

    # The block while the peer federates: its queued delivery is cancelled, its page says so.
    assert p.domain in result["queueBefore"]
    assert result["peerBefore"]["queue"].startswith("1 queued")
    assert p.host in result["blockConfirmPage"]
    # A suspension runs as a job: its page, done, says so and leads back to the peer.
    assert result["blockJob"]["where"].startswith("/admin/jobs/")
    assert result["blockJob"]["state"] == "done"
    assert result["blockNotice"] == "The domain is blocked."
    after = result["peerAfter"]
    assert after["path"] == f"/admin/federation/instances/{p.domain}"
    assert after["state"] == "Blocked" and after["queue"].startswith("0 queued")
    assert after["cancelled"].startswith("1 cancelled")
    assert p.host in after["block"] and "Suspended" in after["block"]
    assert await scalar(a, "SELECT state FROM deliveries WHERE id = ?", queued) == "cancelled"
    assert p.domain not in result["queueAfter"]
    assert await scalar(a, "SELECT COUNT(*) FROM domain_blocks") == 4991

    # The peer's next delivery to A is refused.
    async with aiohttp.ClientSession() as http:
        await c2s(
            http,
            p,
            "pablo",
            tokens["pablo"],
            {"type": "Note", "content": "<p>still there?</p>", "to": [f"{a.base_url}/users/amina"]},
        )

    async def refused() -> bool:
        rows = await query(
            p,
            "SELECT state, last_status FROM deliveries WHERE host = ? ORDER BY id DESC LIMIT 1",
            a.domain,
        )
        return bool(rows) and rows[0] == ("failed", 403)

    await eventually(refused, "the peer's delivery to A is refused with 403")

    # Each step in the audit log page, by the admin.
    audit = "\n".join(result["audit"])
    for action, target in (
        ("invitation.create", ""),
        ("account.change_role", "/users/nadia"),
        ("account.suspend", f"{p.base_url}/users/troll"),
        ("report.resolve", f"report:{known['report']}"),
        ("space.create", "/casework"),
        ("space.moderator_add", "/casework"),
        ("domain_block.import", "blocklist.csv"),
        ("domain_block.create", p.host),
    ):
        rows = [r for r in result["audit"] if action in r and target in r]
        assert rows, f"{action} {target} not in the audit page:\n{audit}"
        assert all(" root" in r for r in rows), rows

    # The moderator: moderation pages only.
    assert statuses["moderatorDashboard"] == statuses["moderatorReports"] == 200
    assert statuses["moderatorMembers"] == statuses["moderatorFederation"] == 403
    assert statuses["moderatorAudit"] == statuses["moderatorSpaces"] == 403
    assert statuses["moderatorPeer"] == 403
    assert result["moderatorMembersSays"] == "Admins only"

    # Screenshots: English left to right, Arabic right to left, none wider than the phone.
    assert len(result["shots"]) == 16
    for shot in result["shots"]:
        assert (shot["lang"], shot["dir"]) in (("en", "ltr"), ("ar", "rtl")), shot
        assert shot["scrollWidth"] <= 360, f"{shot['file']} scrolls sideways"
        width, height = await asyncio.to_thread(png_size, Path(shot["file"]))
        assert width == 360 and height >= 300, shot
