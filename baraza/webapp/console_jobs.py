"""The admin console's job page (admins only): a long console action (a blocklist import, a
suspension) redirects here; while the job runs the page shows its progress and reloads itself
every second (a meta refresh: the console's CSP allows no inline script, and needs none), and
when it ends it shows what the action's own page used to show, with the way back.

The job and its state are `outbox.console_jobs`; this door only reads and draws them.
"""

from __future__ import annotations

from quart import Blueprint, Response, abort

from baraza.i18n import N_
from baraza.webapp.console_federation import INSTANCES
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.render import render_page
from outbox.console_jobs import read_job

blueprint = Blueprint("web_admin_jobs", __name__)
PAGE = "/admin/jobs"
ERRORS = (
    N_("The blocks changed since the preview, so nothing was applied."),
    N_("The job failed; the server log has the details."),
)
"""The core's job errors, marked here for the catalogs (the core does not translate)."""


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


def _back(job_back: object) -> str:
    """The page to go back to: a peer's page the block came from, else the blocks page."""
    back = str(job_back or "")
    return back if back.startswith(INSTANCES) and "//" not in back else "/admin/federation"


@blueprint.get(f"{PAGE}/<job_id>")
async def job_page(job_id: str) -> Response:
    await enter("federation")
    job = await read_job(job_id[:64])
    if job is None:
        abort(404)
    response = await render_page(
        "web/admin/job.html",
        job=job,
        result=job.result,
        effects=job.result.get("effects") or {},
        back=_back(job.result.get("back")),
        console="federation",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
