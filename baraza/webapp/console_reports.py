"""The admin console's reports: the queue (open or resolved, all or assigned to me), a report's
page with the reported posts as stored (sanitised), take it (assign to me), and resolve it with
an action — suspend or limit the reported account through `outbox.account_actions.apply`, or
dismiss — then `outbox.reports.resolve`. Suspending and limiting ask for a confirmation first."""

from __future__ import annotations

from markupsafe import Markup
from quart import Blueprint, Response, abort, current_app, request

from baraza.i18n import N_, _
from baraza.sanitize import clean_html
from baraza.webapp.console_gate import ConsoleClosed, acting, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from outbox import reports as report_queue
from outbox.account_actions import AccountActionError, apply
from outbox.report_content import reported_posts
from storage.ids import parse_id
from storage.models import Actor, Report

blueprint = Blueprint("web_admin_reports", __name__)

# The resolutions a report offers: (form value, account action or None, needs confirmation).
RESOLUTIONS = {"suspend": "suspend", "limit": "silence", "dismiss": None}
CONFIRM = frozenset({"suspend", "limit"})


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
    state = request.args.get("state", "open")
    mine = request.args.get("mine") == "1"
    rows = await report_queue.list_reports(resolved=state == "resolved")
    if mine:
        rows = [row for row in rows if row.assigned_to_id == member.id]
    return await render_page(
        "web/admin/reports.html", reports=rows, state=state, mine=mine, console="reports"
    )


@blueprint.get("/admin/reports/<report_id>")
async def report_page(report_id: str) -> Response:
    await enter("reports")
    report = await _report(report_id)
    posts = [
        (post, Markup(clean_html(post.content)))  # noqa: S704 - sanitised just now
        for post in await reported_posts(report)
    ]
    return await render_page("web/admin/report.html", report=report, posts=posts, console="reports")


@blueprint.post("/admin/reports/<report_id>/assign")
async def assign_report(report_id: str) -> Response:
    await check_csrf()
    member = await enter("reports")
    report = await _report(report_id)
    take = (await request.form).get("to") != "nobody"
    await report_queue.assign(member.acct, report, member if take else None)
    notice = N_("The report is yours.") if take else N_("The report is unassigned.")
    return see_other(f"/admin/reports/{report.id}", notice=notice)


@blueprint.post("/admin/reports/<report_id>/resolve")
async def resolve_report(report_id: str) -> Response:
    await check_csrf()
    member = await enter("reports")
    report = await _report(report_id)
    form = await request.form
    resolution = form.get("resolution", "")
    if resolution not in RESOLUTIONS:
        return see_other(f"/admin/reports/{report.id}", notice=N_("Choose what to do."))
    if resolution in CONFIRM and form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm.html", report=report, resolution=resolution, console="reports"
        )
    kind = RESOLUTIONS[resolution]
    if kind is not None:
        target = await Actor.get_or_none(id=report.target_id) if report.target_id else None
        if target is None:
            return see_other(f"/admin/reports/{report.id}", notice=N_("The account is gone."))
        try:
            await apply(
                current_app.extensions["baraza"].settings,
                acting(member),
                kind,
                target,
                reason=f"report {report.id}",
            )
        except AccountActionError as exc:
            return await render_page(
                "web/admin/report.html",
                status=403,
                report=report,
                posts=[],
                error=_(str(exc)),
                console="reports",
            )
    await report_queue.resolve(member.acct, report, resolution)
    return see_other("/admin/reports", notice=N_("The report is resolved."))
