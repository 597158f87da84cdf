"""The admin console's members pages (admins only): the list with a search, a member's page
with their state and the account actions — limit, suspend, disable sign-in and their reversals,
reset two-factor, change role — each through `outbox.account_actions.apply` (the rule, the audit
entry, closing their streams), the consequential ones after a confirmation page; and invitation
links made through `outbox.invitations.create_invitation`."""

from __future__ import annotations

from datetime import timedelta

from quart import Blueprint, Response, abort, current_app, request

from baraza.i18n import N_, _
from baraza.webapp.console_gate import ConsoleClosed, acting, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.invite_pages import invite_link
from baraza.webapp.render import render_page, see_other
from outbox.account_actions import ROLES, AccountActionError, apply, role_of
from outbox.console_members import find_member, find_members
from outbox.invitations import InvitationRefused, create_invitation
from storage.ids import parse_id, parse_int
from storage.models import Actor

blueprint = Blueprint("web_admin_members", __name__)
PAGE = "/admin/members"
# The actions a member's page offers; those asking for a confirmation first.
OFFERED = (
    "silence",
    "unsilence",
    "suspend",
    "unsuspend",
    "disable",
    "enable",
    "reset_two_factor",
    "change_role",
)
CONFIRM = frozenset({"silence", "suspend", "disable", "reset_two_factor", "change_role"})


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


async def _member(member_id: str) -> Actor:
    found = parse_id(member_id)
    target = await find_member(found) if found is not None else None
    if target is None:
        abort(404)
    return target


@blueprint.get(PAGE)
async def members_page() -> Response:
    await enter("members")
    query = request.args.get("q", "")[:64]
    return await render_page(
        "web/admin/members.html",
        people=await find_members(query),
        query=query,
        created=None,
        console="members",
    )


@blueprint.get(f"{PAGE}/<member_id>")
async def member_page(member_id: str) -> Response:
    await enter("members")
    target = await _member(member_id)
    return await render_page(
        "web/admin/member.html",
        person=target,
        role=role_of(target),
        roles=ROLES,
        offered=OFFERED,
        console="members",
    )


@blueprint.post(f"{PAGE}/<member_id>/action")
async def member_action(member_id: str) -> Response:
    await check_csrf()
    staff = await enter("members")
    target = await _member(member_id)
    form = await request.form
    kind = form.get("type", "")
    new_role = form.get("role") or None
    if kind not in OFFERED:
        return see_other(f"{PAGE}/{target.id}", notice=N_("Choose what to do."))
    if kind in CONFIRM and form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm_member.html",
            person=target,
            kind=kind,
            new_role=new_role or "",
            console="members",
        )
    try:
        await apply(
            current_app.extensions["baraza"].settings,
            acting(staff),
            kind,
            target,
            reason=form.get("reason", "").strip()[:500],
            new_role=new_role,
        )
    except AccountActionError as exc:
        return await render_page(
            "web/admin/member.html",
            status=403,
            person=target,
            role=role_of(target),
            roles=ROLES,
            offered=OFFERED,
            error=_(str(exc)),
            console="members",
        )
    return see_other(f"{PAGE}/{target.id}", notice=N_("Done."))


@blueprint.post(f"{PAGE}/invite")
async def invite() -> Response:
    await check_csrf()
    staff = await enter("members")
    form = await request.form
    uses = parse_int(form.get("uses") or "1", minimum=1, maximum=1000) or 1
    days = parse_int(form.get("days") or "7", minimum=1, maximum=365) or 7
    try:
        code = await create_invitation(staff, max_uses=uses, expires_in=timedelta(days=days))
    except InvitationRefused as exc:
        return see_other(PAGE, notice=str(exc))
    return await render_page(
        "web/admin/members.html",
        people=await find_members(""),
        query="",
        created=invite_link(code),
        console="members",
    )
