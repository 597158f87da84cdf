"""The admin console's dashboard (`/admin`) and audit log (`/admin/audit`): figures from
`outbox.console_overview` (a moderator's only the moderation ones) and entries from
`outbox.audit_log`, filtered by who acted and by action (or its family, `account`)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.render import render_page
from outbox.account_actions import role_of
from outbox.audit_log import AuditQuery, entries
from outbox.backup_status import last_backup
from outbox.console_overview import overview

blueprint = Blueprint("web_admin", __name__)
AUDIT_ROWS = 200


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


@blueprint.get("/admin")
async def dashboard() -> Response:
    member = await enter("dashboard")
    admin = role_of(member) == "admin"
    return await render_page(
        "web/admin/dashboard.html",
        figures=await overview(admin=admin),
        backup=await last_backup() if admin else None,
        admin=admin,
        console="dashboard",
    )


@blueprint.get("/admin/audit")
async def audit_page() -> Response:
    await enter("audit")
    who = request.args.get("who", "").strip()[:255]
    action = request.args.get("action", "").strip()[:64]
    rows = await entries(AuditQuery(who=who or None, action=action or None, limit=AUDIT_ROWS))
    return await render_page(
        "web/admin/audit.html",
        rows=list(reversed(rows)),
        who=who,
        action=action,
        console="audit",
    )
