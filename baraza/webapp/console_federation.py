"""The admin console's federation page (admins only): the domain blocks with their severity
and comments, the federation mode (open or allowlist) with the allowed domains; add a block or
lift one, each after a confirmation page, through `federation.domain_blocks` as the CLI and
the admin API do (which writes the audit entry and cuts off a suspended domain's actors)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from baraza.i18n import N_, _
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from federation.domain_blocks import (
    BlockRequest,
    DomainError,
    block_domain,
    federation_mode,
    find_blocks,
    normalize_domain,
    normalize_severity,
    unblock_domain,
)
from outbox.console_jobs import Progress, start_job
from storage.models import DomainAllow

blueprint = Blueprint("web_admin_federation", __name__)
PAGE = "/admin/federation"
SEVERITIES = ("suspend", "silence", "reject-media", "noop")
INSTANCES = f"{PAGE}/instances/"
PER_PAGE = 50


def _back(form: dict) -> str:
    """Where to go after the action: a peer's page when the form came from one."""
    back = str(form.get("back", ""))[:300]
    return back if back.startswith(INSTANCES) and "//" not in back else PAGE


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


async def _page(
    *, status: int = 200, error: str | None = None, values: dict | None = None
) -> Response:
    query = request.args.get("q", "").strip()[:255]
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    total, blocks = await find_blocks(query, (page - 1) * PER_PAGE, PER_PAGE)
    return await render_page(
        "web/admin/federation.html",
        status=status,
        blocks=blocks,
        total=total,
        query=query,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        mode=await federation_mode(),
        allowed=await DomainAllow.all().order_by("domain"),
        severities=SEVERITIES,
        error=error,
        values=values or {},
        console="federation",
    )


@blueprint.get(PAGE)
async def federation_page() -> Response:
    await enter("federation")
    return await _page()


@blueprint.post(f"{PAGE}/blocks")
async def add_block() -> Response:
    await check_csrf()
    member = await enter("federation")
    form = await request.form
    values = {
        "domain": form.get("domain", "").strip()[:255],
        "severity": form.get("severity", ""),
        "public_comment": form.get("public_comment", "").strip()[:1000],
        "private_comment": form.get("private_comment", "").strip()[:1000],
    }
    try:
        domain = normalize_domain(values["domain"])
        severity, reject_media = normalize_severity(values["severity"])
    except DomainError as exc:
        return await _page(status=422, error=_(str(exc)), values=values)
    if form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm_block.html",
            domain=domain,
            values=values,
            adding=True,
            back=_back(form) if _back(form) != PAGE else "",
            console="federation",
        )
    wanted = BlockRequest(
        domain=domain,
        severity=severity,
        reject_media=reject_media,
        public_comment=values["public_comment"],
        private_comment=values["private_comment"],
    )
    if severity != "suspend":
        await block_domain(member.acct, wanted)
        return see_other(_back(form), notice=N_("The domain is blocked."))
    back = _back(form)

    async def work(progress: Progress) -> dict[str, object]:
        # A suspension cuts off every cached actor of the domain: thousands of rows, so it
        # runs as a job and the admin watches its page.
        _row, created = await block_domain(member.acct, wanted, progress)
        return {"domain": domain, "created": created, "back": back}

    job_id = await start_job("domain_block", member.acct, work)
    return see_other(f"/admin/jobs/{job_id}")


@blueprint.post(f"{PAGE}/blocks/remove")
async def remove_block() -> Response:
    await check_csrf()
    member = await enter("federation")
    form = await request.form
    try:
        domain = normalize_domain(form.get("domain", "")[:255])
    except DomainError as exc:
        return await _page(status=422, error=_(str(exc)))
    if form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm_block.html",
            domain=domain,
            values={},
            adding=False,
            back=_back(form) if _back(form) != PAGE else "",
            console="federation",
        )
    await unblock_domain(member.acct, domain)
    return see_other(_back(form), notice=N_("The block is lifted."))
