"""The admin console's reports: the queue (open or resolved, anyone's or mine, about this
server's accounts or remote ones, about one domain), a report's page with the reported posts
as stored (sanitised) and whether it went to the remote server, take it (assign to me), forward
it as a `Flag`, and resolve it with an action through `outbox.report_resolution.resolve_with`:
dismiss, remove the reported posts, limit or suspend the account, block its domain (admins).
Every action but dismissing asks for a confirmation first."""

from __future__ import annotations

from markupsafe import Markup
from quart import Blueprint, Response, abort, current_app, request

from baraza.i18n import N_, _
from baraza.sanitize import clean_html
from baraza.webapp.console_gate import ConsoleClosed, acting, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from outbox import reports as report_queue
from outbox.account_actions import AccountActionError, role_of
from outbox.console_access import resolution_gate, resolutions_for
from outbox.post_removal import RemovalError
from outbox.report_content import reported_posts
from outbox.report_resolution import ResolutionError, resolve_with
from storage.ids import parse_id
from storage.models import Actor, Report

blueprint = Blueprint("web_admin_reports", __name__)

QUEUE_ROWS = 200
WHERE = {"any": None, "local": True, "remote": False}


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


async def _report(report_id: str) -> Report:
    found = parse_id(report_id)
    if found is None:
        abort(404)
    try:
        return await report_queue.get_report(found)
    except report_queue.ReportError:
        abort(404)


@blueprint.get("/admin/reports")
async def reports_page() -> Response:
    member = await enter("reports")
    args = request.args
    # Unknown filter values read as the default: a filter form is not worth a refusal.
    state = "resolved" if args.get("state") == "resolved" else "open"
    mine = args.get("mine") == "1"
    where = args.get("where", "any") if args.get("where") in WHERE else "any"
    domain = args.get("domain", "").strip().lower()[:253]
    rows = await report_queue.list_reports(
        resolved=state == "resolved",
        assigned_to_id=member.id if mine else None,
        target_local=WHERE[where],
        domain=domain or None,
        limit=QUEUE_ROWS,
    )
    return await render_page(
        "web/admin/reports.html",
        reports=rows,
        state=state,
        mine=mine,
        where=where,
        domain=domain,
        console="reports",
    )


async def _report_page(
    member: Actor, report: Report, *, status: int = 200, error: str | None = None
) -> Response:
    target = report.target
    posts = [
        (post, Markup(clean_html(post.content)))  # noqa: S704 - sanitised just now
        for post in await reported_posts(report)
    ]
    settings = current_app.extensions["baraza"].settings
    return await render_page(
        "web/admin/report.html",
        status=status,
        report=report,
        posts=posts,
        error=error,
        choices=resolutions_for(role_of(member), None if target is None else target.local),
        forwarded=await report_queue.forwarded(settings, report),
        may_forward=target is not None and not target.local,
        console="reports",
    )


@blueprint.get("/admin/reports/<report_id>")
async def report_page(report_id: str) -> Response:
    member = await enter("reports")
    return await _report_page(member, await _report(report_id))


@blueprint.post("/admin/reports/<report_id>/assign")
async def assign_report(report_id: str) -> Response:
    await check_csrf()
    member = await enter("reports")
    report = await _report(report_id)
    take = (await request.form).get("to") != "nobody"
    await report_queue.assign(member.acct, report, member if take else None)
    notice = N_("The report is yours.") if take else N_("The report is unassigned.")
    return see_other(f"/admin/reports/{report.id}", notice=notice)


@blueprint.post("/admin/reports/<report_id>/forward")
async def forward_report(report_id: str) -> Response:
    await check_csrf()
    member = await enter("reports")
    report = await _report(report_id)
    settings = current_app.extensions["baraza"].settings
    if await report_queue.forwarded(settings, report):
        return see_other(f"/admin/reports/{report.id}", notice=N_("It was already forwarded."))
    try:
        await report_queue.forward(settings, member.acct, report)
    except report_queue.ReportError:
        error = _("Only a report about a remote account can be forwarded.")
        return await _report_page(member, report, status=400, error=error)
    return see_other(f"/admin/reports/{report.id}", notice=N_("The report is forwarded."))


@blueprint.post("/admin/reports/<report_id>/resolve")
async def resolve_report(report_id: str) -> Response:
    await check_csrf()
    member = await enter("reports")
    report = await _report(report_id)
    form = await request.form
    resolution = form.get("resolution", "")
    target = report.target
    gate = resolution_gate(role_of(member), resolution, None if target is None else target.local)
    if gate == "forbidden":
        error = _("Only an admin may block a domain.")
        return await _report_page(member, report, status=403, error=error)
    if gate != "open":
        error = _("Choose one of the actions offered.")
        return await _report_page(member, report, status=400, error=error)
    if resolution != "dismiss" and form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm.html", report=report, resolution=resolution, console="reports"
        )
    settings = current_app.extensions["baraza"].settings
    try:
        await resolve_with(settings, acting(member), report, resolution)
    except (AccountActionError, RemovalError) as exc:
        return await _report_page(member, report, status=403, error=_(str(exc)))
    except ResolutionError as exc:
        return await _report_page(
            member, report, status=403 if exc.forbidden else 400, error=_(str(exc))
        )
    return see_other("/admin/reports", notice=N_("The report is resolved."))
