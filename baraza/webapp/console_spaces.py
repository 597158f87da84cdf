"""The admin console's spaces pages (admins only): every space with its members, owner and
state, searched by name; creating a public or private space; a space's page to rename it,
change its owner, appoint and remove moderators, restrict posting to moderators, answer
pending join requests and archive it. Each form calls one action of `spaces.administration`
(the rule, the audit entry); changing the owner and archiving ask for a confirmation first."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, abort, current_app, request

from actors.accounts import local_actor
from baraza.i18n import N_, _
from baraza.webapp.console_gate import ConsoleClosed, enter
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, see_other
from spaces import administration
from spaces.administration import SpaceAdminError
from spaces.console_spaces import find_space, find_spaces, pending_requests, space_row
from storage.ids import parse_id
from storage.models import Actor, Follow

blueprint = Blueprint("web_admin_spaces", __name__)
PAGE = "/admin/spaces"
# What a space's page offers, and which ask "are you sure?" first.
OFFERED = frozenset(
    {
        "rename",
        "owner",
        "moderator_add",
        "moderator_remove",
        "restrict",
        "unrestrict",
        "archive",
        "unarchive",
        "admit",
        "refuse",
    }
)
CONFIRM = frozenset({"owner", "archive"})
NEEDS_MEMBER = frozenset({"owner", "moderator_add", "moderator_remove"})


@blueprint.errorhandler(ConsoleClosed)
async def _closed(error: ConsoleClosed) -> Response:
    return error.response


def _settings() -> Any:
    return current_app.extensions["baraza"].settings


async def _space(space_id: str) -> Actor:
    found = parse_id(space_id)
    space = await find_space(found) if found is not None else None
    if space is None:
        abort(404)
    return space


async def _list(status: int = 200, error: str | None = None, form: Any = None) -> Response:
    query = request.args.get("q", "")[:64]
    return await render_page(
        "web/admin/spaces.html",
        status=status,
        rows=await find_spaces(query),
        query=query,
        error=error,
        form=form or {},
        console="spaces",
    )


async def _space_page(space: Actor, status: int = 200, error: str | None = None) -> Response:
    return await render_page(
        "web/admin/space.html",
        status=status,
        row=await space_row(space),
        requests=await pending_requests(space),
        error=error,
        console="spaces",
    )


@blueprint.get(PAGE)
async def spaces_page() -> Response:
    await enter("spaces")
    return await _list()


@blueprint.post(PAGE)
async def create_space() -> Response:
    await check_csrf()
    staff = await enter("spaces")
    form = await request.form
    kind = form.get("kind", "")
    owner_name = form.get("owner", "").strip().lstrip("@")
    if kind not in ("public", "private"):
        return await _list(422, _("Choose public or private."), form)
    owner = await local_actor(owner_name, kind="Person") if owner_name else None
    if owner_name and owner is None:
        return await _list(422, _("No member has that name."), form)
    try:
        space = await administration.create_space(
            _settings(),
            staff.acct,
            form.get("name", "").strip()[:64],
            private=kind == "private",
            owner=owner,
            display_name=form.get("display_name", "")[: administration.MAX_DISPLAY_NAME],
        )
    except SpaceAdminError as exc:
        return await _list(422, str(exc), form)
    return see_other(f"{PAGE}/{space.id}", notice=N_("Space created."))


@blueprint.get(f"{PAGE}/<space_id>")
async def space_page(space_id: str) -> Response:
    await enter("spaces")
    return await _space_page(await _space(space_id))


async def _take(staff: Actor, space: Actor, kind: str, form: Any) -> None:
    """One form, one action of `spaces.administration`."""
    who = staff.acct
    if kind == "rename":
        await administration.rename(_settings(), who, space, form.get("display_name", ""))
    elif kind in NEEDS_MEMBER:
        name = form.get("member", "").strip().lstrip("@")
        member = await local_actor(name, kind="Person") if name else None
        if member is None:
            raise SpaceAdminError(_("No member has that name."))
        if kind == "owner":
            await administration.change_owner(who, space, member)
        elif kind == "moderator_add":
            await administration.appoint_moderator(who, space, member)
        else:
            await administration.remove_moderator(who, space, member)
    elif kind in ("restrict", "unrestrict"):
        await administration.restrict_posting(_settings(), who, space, on=kind == "restrict")
    elif kind in ("archive", "unarchive"):
        reason = form.get("reason", "").strip()[:500]
        await administration.archive(who, space, on=kind == "archive", reason=reason)
    else:
        request_id = parse_id(form.get("request"))
        follow = await Follow.get_or_none(id=request_id) if request_id is not None else None
        if follow is None:
            raise SpaceAdminError(_("No such pending request."))
        await administration.answer_request(_settings(), who, space, follow, admit=kind == "admit")


@blueprint.post(f"{PAGE}/<space_id>/action")
async def space_action(space_id: str) -> Response:
    await check_csrf()
    staff = await enter("spaces")
    space = await _space(space_id)
    form = await request.form
    kind = form.get("type", "")
    if kind not in OFFERED:
        return see_other(f"{PAGE}/{space.id}", notice=N_("Choose what to do."))
    if kind in CONFIRM and form.get("confirmed") != "yes":
        return await render_page(
            "web/admin/confirm_space.html",
            space=space,
            kind=kind,
            member_name=form.get("member", "").strip()[:64],
            reason=form.get("reason", "").strip()[:500],
            console="spaces",
        )
    try:
        await _take(staff, space, kind, form)
    except SpaceAdminError as exc:
        return await _space_page(space, 422, _(str(exc)))
    return see_other(f"{PAGE}/{space.id}", notice=N_("Done."))
