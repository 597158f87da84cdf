"""The admin console's mail page (admins only): the Letter's SMTP settings as configured
(`BARAZA_SMTP_URL`, never its password), a button that sends a test message through them as
`baraza letter test-mail` does, and the members whose Letter bounces or who unsubscribed, as
`baraza letter mail-status` lists them."""

from __future__ import annotations

import aiosmtplib
from quart import Blueprint, Response, current_app, request

from baraza.i18n import N_, _
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from spaces.letter_mail import (
    configured_server,
    mail_statuses,
    member_email,
    plausible_address,
    send_test_message,
    sender_address,
)
from storage.models import Actor

blueprint = Blueprint("web_admin_mail", __name__)


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


async def _page(
    member: Actor, *, status: int = 200, error: str | None = None, to: str = ""
) -> Response:
    settings = current_app.extensions["baraza"].settings
    try:
        server, problem = configured_server(), None
    except ValueError as exc:
        server, problem = None, str(exc)
    return await render_page(
        "web/admin/mail.html",
        status=status,
        server=server,
        problem=problem,
        sender=sender_address(settings),
        statuses=await mail_statuses(),
        to=to or member_email(member),
        error=error,
        console="mail",
    )


@blueprint.get("/admin/mail")
async def mail_page() -> Response:
    return await _page(await enter("mail"))


@blueprint.post("/admin/mail/test")
async def send_test() -> Response:
    await check_csrf()
    member = await enter("mail")
    to = (await request.form).get("to", "").strip()
    if not plausible_address(to):
        return await _page(member, status=400, error=_("Give an email address."), to=to[:254])
    try:
        server = configured_server()
    except ValueError:
        server = None
    if server is None:
        error = _("Email is off or its settings are wrong: see BARAZA_SMTP_URL in the admin guide.")
        return await _page(member, status=400, error=error, to=to)
    settings = current_app.extensions["baraza"].settings
    try:
        await send_test_message(settings, server, to, who=member.acct)
    except (aiosmtplib.SMTPException, OSError) as exc:
        error = _("The mail server refused: %(reason)s", reason=str(exc)[:300])
        return await _page(member, status=502, error=error, to=to)
    return see_other("/admin/mail", notice=N_("The test message is sent."))
