"""Invitations in the web app: the invite link where an invitee chooses a name, a password
and a language and lands signed in; and the page where a member with the right creates
links (admins, or anyone while the instance allows it)."""

from __future__ import annotations

from datetime import timedelta

from quart import Blueprint, Response, current_app, request

from baraza.i18n import LANGUAGES, N_, _
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from baraza.webapp.session import open_session, set_session_cookie, signed_in_member
from outbox.invitations import (
    InvitationRefused,
    create_invitation,
    find_usable,
    invitations_by,
    may_invite,
    members_may_invite,
    redeem_invitation,
    revoke_invitation,
)
from storage.ids import parse_id, parse_int

blueprint = Blueprint("web_invitations", __name__)

EXPIRY_DAYS = (1, 7, 30)
UNUSABLE = N_("This invitation has expired or was used up. Ask for a new one.")


def invite_link(code: str) -> str:
    return f"{current_app.extensions['baraza'].settings.base_url}/invite/{code}"


async def _form(
    code: str, *, error: str | None = None, status: int = 200, **values: str
) -> Response:
    return await render_page(
        "web/invite.html", status=status, code=code, error=error, values=values
    )


@blueprint.get("/invite/<code>")
async def invite_page(code: str) -> Response:
    if await find_usable(code) is None:
        return await render_page("web/invite_unusable.html", status=404, message=_(UNUSABLE))
    return await _form(code)


@blueprint.post("/invite/<code>")
async def accept_invite(code: str) -> Response:
    await check_csrf()
    form = await request.form
    username = form.get("username", "").strip()[:64]
    language = form.get("language", "")
    if form.get("password", "") != form.get("password_again", ""):
        return await _form(
            code, error=_("The two passwords differ."), status=422, username=username
        )
    try:
        member = await redeem_invitation(
            current_app.extensions["baraza"].settings,
            code,
            username=username,
            password=form.get("password", "")[:1024],
            language=language if language in LANGUAGES else "",
        )
    except InvitationRefused as exc:
        return await _form(code, error=_(str(exc)), status=422, username=username)
    _row, cookie = await open_session(member, pending=False)
    response = see_other("/", notice=N_("Welcome! Your account is ready."))
    set_session_cookie(response, cookie)
    return response


@blueprint.get("/settings/invitations")
async def invitations_page() -> Response:
    member = await require_member()
    allowed = may_invite(member.is_admin, await members_may_invite())
    return await render_page(
        "web/invitations.html",
        allowed=allowed,
        invitations=await invitations_by(member),
        created=None,
        expiry_days=EXPIRY_DAYS,
    )


@blueprint.post("/settings/invitations")
async def create_invite() -> Response:
    await check_csrf()
    member = await require_member()
    form = await request.form
    uses = parse_int(form.get("uses") or "1", minimum=1, maximum=1000)
    days = parse_int(form.get("days") or "7", minimum=1, maximum=365)
    try:
        code = await create_invitation(
            member, max_uses=uses or 1, expires_in=timedelta(days=days or 7)
        )
    except InvitationRefused:
        return see_other("/settings/invitations", notice=N_("Only admins may invite here."))
    return await render_page(
        "web/invitations.html",
        allowed=True,
        invitations=await invitations_by(member),
        created=invite_link(code),
        expiry_days=EXPIRY_DAYS,
    )


@blueprint.post("/settings/invitations/<invitation_id>/revoke")
async def revoke_invite(invitation_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    await revoke_invitation(member, parse_id(invitation_id))
    return see_other("/settings/invitations", notice=N_("The invitation is withdrawn."))


__all__ = ["blueprint", "invite_link", "signed_in_member"]
