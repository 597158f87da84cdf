"""Mastodon's admin API (`/api/v1/admin/...`) for admin tokens, and the public list of blocked
domains (`/api/v1/instance/domain_blocks`).

Every admin endpoint first asks `require_admin`: 401 without a valid token, 403 for a token
of a member who is not an admin (or lacks the admin scope). Reports and account actions ask
`require_moderator` instead: moderators reach them too, and the core's rule limits what they
may do (limit and suspend members, not admins or moderators; no disabling or roles). Each
change, and each opening of a single report, is written to the audit log under the caller's
handle.
"""

from __future__ import annotations

import hashlib
from typing import Any

from quart import Blueprint, Response

from actors.documents import iso
from baraza.responses import json_response
from baraza.services import settings
from clientapi.accounts.account_entity import account
from clientapi.auth import require_admin, require_moderator
from clientapi.params import MAX_INT, Params, id_or_404, request_params
from federation.domain_blocks import (
    BlockRequest,
    DomainError,
    allow_domain,
    audit,
    block_domain,
    disallow_domain,
    normalize_domain,
    normalize_severity,
    unblock_domain,
    update_block,
)
from federation.errors import NotFound, Unprocessable
from outbox import reports as report_queue
from outbox.account_actions import AccountActionError, Acting, apply, role_of
from storage.models import Actor, DomainAllow, DomainBlock, Post, Report

blueprint = Blueprint("clientapi_admin", __name__)
ADMIN = "/api/v1/admin"
# Mastodon's Role entity for its default roles (ids as Mastodon seeds them).
ROLE_ENTITIES: dict[str, dict[str, str]] = {
    "admin": {"id": "3", "name": "Admin"},
    "moderator": {"id": "2", "name": "Moderator"},
}


def public_domain(domain: str) -> str:
    """Mastodon's masking of an obfuscated block: the middle letters become `*`, dots stay."""
    length = len(domain)
    visible = length / 4
    return "".join(
        "*" if visible < i < length - visible and ch != "." else ch for i, ch in enumerate(domain)
    )


def digest(domain: str) -> str:
    return hashlib.sha256(domain.encode()).hexdigest()


def block_entity(row: DomainBlock) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "domain": row.domain,
        "digest": digest(row.domain),
        "created_at": iso(row.created_at),
        "severity": row.severity,
        "reject_media": row.reject_media,
        "reject_reports": row.reject_reports,
        "private_comment": row.private_comment or None,
        "public_comment": row.public_comment or None,
        "obfuscate": row.obfuscate,
    }


def allow_entity(row: DomainAllow) -> dict[str, Any]:
    return {"id": str(row.id), "domain": row.domain, "created_at": iso(row.created_at)}


async def admin_account(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {
        "id": str(actor.id),
        "username": actor.username,
        "domain": None if actor.local else actor.domain,
        "created_at": iso(actor.created_at),
        "email": "",
        "ip": None,
        "ips": [],
        "locale": actor.language or "",
        "invite_request": None,
        "role": ROLE_ENTITIES.get(role_of(actor)),
        "confirmed": True,
        "approved": True,
        "disabled": actor.disabled_at is not None,
        "silenced": actor.silenced_at is not None,
        "suspended": actor.suspended_at is not None,
        "account": await account(actor, with_counts=False),
    }


async def report_entity(report: Report) -> dict[str, Any]:
    assigned = await report_queue.assignee(report)
    posts = await Post.filter(uri__in=report.status_uris) if report.status_uris else []
    return {
        "id": str(report.id),
        "action_taken": report.resolved_at is not None,
        "action_taken_at": iso(report.resolved_at),
        "category": "other",
        "comment": report.comment,
        "forwarded": report.origin_domain is not None,
        "created_at": iso(report.created_at),
        "updated_at": iso(report.resolved_at or report.created_at),
        "account": await admin_account(report.reporter),
        "target_account": await admin_account(report.target),
        "assigned_account": await admin_account(assigned),
        "action_taken_by_account": None,
        "statuses": [{"id": str(p.id), "uri": p.uri} for p in posts],
        "rules": [],
    }


def _bool_fields(params: Params, row_defaults: dict[str, object]) -> dict[str, object]:
    changes: dict[str, object] = {}
    for name in ("reject_media", "reject_reports", "obfuscate"):
        if name in params:
            changes[name] = params.flag(name)
    for name in ("private_comment", "public_comment"):
        if name in params:
            changes[name] = params.text(name)[:2000]
    if "severity" in params:
        try:
            severity, media = normalize_severity(params.text("severity"))
        except DomainError as exc:
            raise Unprocessable(str(exc)) from exc
        changes["severity"] = severity
        if media:
            changes["reject_media"] = True
    return {**row_defaults, **changes}


async def _block_or_404(block_id: str) -> DomainBlock:
    return await _row_or_404(DomainBlock, block_id)


async def _row_or_404(model: type[Any], raw_id: str) -> Any:
    row = await model.get_or_none(id=id_or_404(raw_id, MAX_INT))
    if row is None:
        raise NotFound("Record not found")
    return row


@blueprint.get(f"{ADMIN}/domain_blocks")
async def list_domain_blocks() -> Response:
    await require_admin("admin:read:domain_blocks")
    rows = await DomainBlock.all().order_by("-id")
    return json_response([block_entity(r) for r in rows])


@blueprint.get(f"{ADMIN}/domain_blocks/<block_id>")
async def get_domain_block(block_id: str) -> Response:
    await require_admin("admin:read:domain_blocks")
    return json_response(block_entity(await _block_or_404(block_id)))


@blueprint.post(f"{ADMIN}/domain_blocks")
async def create_domain_block() -> Response:
    admin = await require_admin("admin:write:domain_blocks")
    params = await request_params()
    try:
        domain = normalize_domain(params.text("domain"))
    except DomainError as exc:
        raise Unprocessable(str(exc)) from exc
    if await DomainBlock.filter(domain=domain).exists():
        raise Unprocessable(f"{domain} is already blocked; change it with PUT")
    fields = _bool_fields(params, {"severity": "silence"})
    row, _ = await block_domain(admin.acct, BlockRequest(domain=domain, **fields))  # type: ignore[arg-type]
    return json_response(block_entity(row))


@blueprint.put(f"{ADMIN}/domain_blocks/<block_id>")
async def update_domain_block(block_id: str) -> Response:
    admin = await require_admin("admin:write:domain_blocks")
    row = await _block_or_404(block_id)
    changes = _bool_fields(await request_params(), {})
    row = await update_block(admin.acct, row, changes)
    return json_response(block_entity(row))


@blueprint.delete(f"{ADMIN}/domain_blocks/<block_id>")
async def delete_domain_block(block_id: str) -> Response:
    admin = await require_admin("admin:write:domain_blocks")
    row = await _block_or_404(block_id)
    await unblock_domain(admin.acct, row.domain)
    return json_response({})


async def _allow_or_404(allow_id: str) -> DomainAllow:
    return await _row_or_404(DomainAllow, allow_id)


@blueprint.get(f"{ADMIN}/domain_allows")
async def list_domain_allows() -> Response:
    await require_admin("admin:read:domain_allows")
    return json_response([allow_entity(r) for r in await DomainAllow.all().order_by("-id")])


@blueprint.get(f"{ADMIN}/domain_allows/<allow_id>")
async def get_domain_allow(allow_id: str) -> Response:
    await require_admin("admin:read:domain_allows")
    return json_response(allow_entity(await _allow_or_404(allow_id)))


@blueprint.post(f"{ADMIN}/domain_allows")
async def create_domain_allow() -> Response:
    admin = await require_admin("admin:write:domain_allows")
    params = await request_params()
    try:
        row, _ = await allow_domain(admin.acct, params.text("domain"))
    except DomainError as exc:
        raise Unprocessable(str(exc)) from exc
    return json_response(allow_entity(row))


@blueprint.delete(f"{ADMIN}/domain_allows/<allow_id>")
async def delete_domain_allow(allow_id: str) -> Response:
    admin = await require_admin("admin:write:domain_allows")
    row = await _allow_or_404(allow_id)
    await disallow_domain(admin.acct, row.domain)
    return json_response({})


async def _report_or_404(report_id: str) -> Report:
    number = id_or_404(report_id, MAX_INT)
    try:
        return await report_queue.get_report(number)
    except report_queue.ReportError as exc:
        raise NotFound("Record not found") from exc


@blueprint.get(f"{ADMIN}/reports")
async def list_reports() -> Response:
    await require_moderator("admin:read:reports")
    params = await request_params()
    resolved = params.flag("resolved") if "resolved" in params else False
    rows = await report_queue.list_reports(resolved=resolved)
    return json_response([await report_entity(r) for r in rows])


@blueprint.get(f"{ADMIN}/reports/<report_id>")
async def get_report(report_id: str) -> Response:
    admin = await require_moderator("admin:read:reports")
    report = await _report_or_404(report_id)
    await audit(admin.acct, "report.view", f"report:{report.id}")
    return json_response(await report_entity(report))


@blueprint.post(f"{ADMIN}/reports/<report_id>/<action>")
async def act_on_report(report_id: str, action: str) -> Response:
    admin = await require_moderator("admin:write:reports")
    report = await _report_or_404(report_id)
    if action == "assign_to_self":
        await report_queue.assign(admin.acct, report, admin)
    elif action == "unassign":
        await report_queue.assign(admin.acct, report, None)
    elif action == "resolve":
        await report_queue.resolve(admin.acct, report)
    elif action == "reopen":
        await report_queue.reopen(admin.acct, report)
    else:
        raise NotFound("Record not found")
    return json_response(await report_entity(report))


async def _account_or_404(account_id: str) -> Actor:
    target = await _row_or_404(Actor, account_id)
    if target.type == "Application":
        raise NotFound("Record not found")
    return target


async def _act(admin: Actor, kind: str, target: Actor, reason: str = "") -> None:
    acting = Acting(who=admin.acct, role=role_of(admin), actor_id=admin.id)
    try:
        await apply(settings(), acting, kind, target, reason=reason)
    except AccountActionError as exc:
        raise Unprocessable(str(exc)) from exc


@blueprint.post(f"{ADMIN}/accounts/<account_id>/action")
async def account_action(account_id: str) -> Response:
    """Mastodon's `type`: `none` records a warning, `silence` limits the account to its
    followers, `disable` refuses its sign-in, `suspend` suspends it instance-wide. With
    `report_id`, the report is resolved by this action."""
    admin = await require_moderator("admin:write:accounts")
    target = await _account_or_404(account_id)
    params = await request_params()
    kind = params.text("type", "none")
    if kind not in ("none", "silence", "disable", "suspend"):
        raise Unprocessable("account action type must be none, silence, disable or suspend")
    reason = params.text("text")[:2000]
    report_id = params.text("report_id")
    report = await _report_or_404(report_id) if report_id else None
    await _act(admin, kind, target, reason)
    if report is not None:
        await report_queue.resolve(admin.acct, report, f"{kind}: {reason}")
    return json_response({})


@blueprint.post(f"{ADMIN}/accounts/<account_id>/<reversal>")
async def account_reversal(account_id: str, reversal: str) -> Response:
    """`/enable`, `/unsilence`, `/unsuspend`: undo one action; answers the admin account."""
    admin = await require_moderator("admin:write:accounts")
    if reversal not in ("enable", "unsilence", "unsuspend"):
        raise NotFound("Record not found")
    target = await _account_or_404(account_id)
    await _act(admin, reversal, target)
    return json_response(await admin_account(target))


@blueprint.get("/api/v1/instance/domain_blocks")
async def public_domain_blocks() -> Response:
    """Blocks with a user-facing effect, obfuscated ones masked; the digest lets a visitor who
    knows a domain check whether it is blocked without the list naming it."""
    rows = await DomainBlock.all().order_by("domain")
    shown = [r for r in rows if r.severity in ("suspend", "silence") or r.reject_media]
    return json_response(
        [
            {
                "domain": public_domain(r.domain) if r.obfuscate else r.domain,
                "digest": digest(r.domain),
                "severity": "suspend" if r.severity == "suspend" else "silence",
                "comment": r.public_comment or None,
            }
            for r in shown
        ]
    )
