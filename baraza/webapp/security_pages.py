"""Settings → security: two-factor (set up with a QR code, confirm, recovery codes, turn
off), the browser sessions signed in (this one marked) and the apps holding a token, each
one revocable. Revoking a token closes its open streams and sockets at once
(`outbox.surface.token_revoked`), as the OAuth revoke endpoint does."""

from __future__ import annotations

import segno
from markupsafe import Markup
from quart import Blueprint, Response, current_app, request

from actors import two_factor
from actors.passwords import check_password
from baraza.i18n import N_, _
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from baraza.webapp.session import current_session
from outbox.account_security import revoke_app_token, revoke_web_session
from storage.ids import parse_id
from storage.models import AccessToken, TwoFactor, WebSession

blueprint = Blueprint("web_security", __name__)

SECURITY = "/settings/security"


def qr_svg(uri: str) -> Markup:
    """The provisioning URI as an inline SVG: no image request, nothing the CSP must allow."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, omitsize=True, dark="#000", light="#fff", title=_("Two-factor QR code")
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno's own SVG


@blueprint.get(SECURITY)
async def security_page() -> Response:
    member = await require_member()
    row = await TwoFactor.get_or_none(account=member)
    pending = row if row is not None and row.enabled_at is None else None
    this = await current_session()
    sessions = await WebSession.filter(
        account=member, revoked_at=None, second_factor_pending=False
    ).order_by("-last_seen_at")
    tokens = (
        await AccessToken.filter(account=member, revoked_at=None)
        .prefetch_related("app")
        .order_by("-created_at")
    )
    host = current_app.extensions["baraza"].settings.host
    uri = two_factor.provisioning_uri(pending, member, host) if pending else None
    return await render_page(
        "web/security.html",
        enabled=row is not None and row.enabled_at is not None,
        pending=pending,
        qr=qr_svg(uri) if uri else None,
        recovery_left=await two_factor.unused_recovery_codes(member),
        sessions=sessions,
        this_session=this.id if this else None,
        tokens=tokens,
        recovery_codes=None,
        error=None,
    )


@blueprint.post(f"{SECURITY}/two-factor/start")
async def start_two_factor() -> Response:
    await check_csrf()
    member = await require_member()
    await two_factor.start_setup(member)
    return see_other(f"{SECURITY}#two-factor")


@blueprint.post(f"{SECURITY}/two-factor/confirm")
async def confirm_two_factor() -> Response:
    """The codes are shown on this answer only (not after a redirect): they exist nowhere
    else in plain text."""
    await check_csrf()
    member = await require_member()
    codes = await two_factor.confirm_setup(member, (await request.form).get("code", ""))
    if codes is None:
        return see_other(f"{SECURITY}#two-factor", notice=N_("That code is not right."))
    return await render_page("web/recovery_codes.html", recovery_codes=codes)


@blueprint.post(f"{SECURITY}/two-factor/off")
async def disable_two_factor() -> Response:
    """Turning the second factor off asks for the password again: a browser left open is
    not enough to weaken the account."""
    await check_csrf()
    member = await require_member()
    if not await check_password(member.password_hash, (await request.form).get("password", "")):
        return see_other(f"{SECURITY}#two-factor", notice=N_("That password is not right."))
    await two_factor.disable(member)
    return see_other(SECURITY, notice=N_("Two-factor sign-in is off."))


@blueprint.post(f"{SECURITY}/sessions/<session_id>/revoke")
async def revoke_session(session_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    await revoke_web_session(member, parse_id(session_id))
    return see_other(f"{SECURITY}#sessions", notice=N_("The session is signed out."))


@blueprint.post(f"{SECURITY}/apps/<token_id>/revoke")
async def revoke_app(token_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    await revoke_app_token(member, parse_id(token_id))
    return see_other(f"{SECURITY}#apps", notice=N_("The app's access is revoked."))
