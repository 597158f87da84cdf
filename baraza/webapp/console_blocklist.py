"""The admin console's blocklist import (admins only): upload a Mastodon blocklist CSV, read
the preview of what it would change, then apply exactly that; and the export as a download.

The door decides nothing: the plan is `federation.blocklist_plan.plan_import` and applying it
is `apply_previewed`, which refuses when the blocks changed since the preview; the page then
shows the new plan instead. The file waits on the server (`BlocklistUpload`) between preview
and "Apply", so a 5,000-line list is not sent twice and is not trusted from the form.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quart import Blueprint, Response, abort, request

from baraza.i18n import N_, _
from baraza.uploads import allow_large_bodies
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from federation.blocklist_csv import export_blocklist, parse_blocklist
from federation.blocklist_plan import ImportPlan, apply_previewed, plan_import
from federation.blocklist_plan import current_blocks as blocks_in_force
from federation.domain_blocks import list_blocks
from outbox.console_jobs import Progress, start_job
from storage.models import BlocklistUpload

blueprint = Blueprint("web_admin_blocklist", __name__)
PAGE = "/admin/federation"
IMPORT = f"{PAGE}/import"
MAX_FILE_BYTES = 4 * 1024 * 1024
SHOWN = 1000
KEPT = timedelta(days=1)

allow_large_bodies(
    lambda method, path: method == "POST" and path == IMPORT,
    lambda: MAX_FILE_BYTES + 64 * 1024,
)

EMPTY = N_("Choose a blocklist file (CSV) to import.")
NOT_TEXT = N_("This file is not UTF-8 text: export the blocklist as CSV and try again.")
CHANGED = N_(
    "The blocks changed since the preview, so nothing was applied. "
    "This is what the file would change now."
)


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


async def _preview(
    upload: BlocklistUpload, plan: ImportPlan, *, status: int = 200, notice: str | None = None
) -> Response:
    return await render_page(
        "web/admin/blocklist_preview.html",
        status=status,
        upload=upload,
        plan=plan,
        digest=plan.digest(),
        shown=SHOWN,
        changed_notice=notice,
        console="federation",
    )


@blueprint.post(IMPORT)
async def preview_import() -> Response:
    """Parse the file, keep it, and show what it would change; nothing is blocked yet."""
    await check_csrf()
    member = await enter("federation")
    sent = (await request.files).get("file")
    data = sent.read() if sent is not None else b""
    if not data.strip():
        return see_other(PAGE, notice=EMPTY)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return see_other(PAGE, notice=NOT_TEXT)
    parsed = parse_blocklist(text)
    plan = plan_import(parsed.blocks, parsed.errors, await blocks_in_force())
    await BlocklistUpload.filter(created_at__lt=datetime.now(UTC) - KEPT).delete()
    source = (sent.filename or "").strip()[:255] if sent is not None else ""
    upload = await BlocklistUpload.create(who=member.acct, source=source, text=text)
    return await _preview(upload, plan)


@blueprint.post(f"{IMPORT}/<int:upload_id>/apply")
async def apply_import(upload_id: int) -> Response:
    """Check the previewed plan still holds, then write it as a job whose page shows its
    progress; a plan that moved is shown again (409) and nothing starts."""
    await check_csrf()
    member = await enter("federation")
    upload = await BlocklistUpload.get_or_none(id=upload_id, who=member.acct)
    if upload is None:
        abort(404)
    digest = (await request.form).get("digest", "")[:64]
    parsed = parse_blocklist(upload.text)
    now = plan_import(parsed.blocks, parsed.errors, await blocks_in_force())
    if now.digest() != digest:
        return await _preview(upload, now, status=409, notice=_(CHANGED))

    async def work(progress: Progress) -> dict[str, object]:
        # apply_previewed checks the digest again inside its transaction, so a block made
        # since the check above fails the job with the plan-changed message.
        plan, effects = await apply_previewed(
            member.acct,
            parsed.blocks,
            parsed.errors,
            digest,
            source=upload.source,
            progress=progress,
        )
        await upload.delete()
        return {
            "added": len(plan.added),
            "changed": len(plan.changed),
            "unchanged": len(plan.unchanged),
            "skipped": len(plan.skipped),
            "effects": effects,
            "source": upload.source,
        }

    job_id = await start_job("blocklist_import", member.acct, work)
    return see_other(f"/admin/jobs/{job_id}")


@blueprint.get(f"{PAGE}/export")
async def export() -> Response:
    """The blocks as Mastodon's CSV, as `baraza domain export` prints them."""
    await enter("federation")
    body = export_blocklist(await list_blocks())
    response = Response(body, status=200, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="blocklist.csv"'
    return response
