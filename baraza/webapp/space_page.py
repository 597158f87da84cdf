"""A space's page: its about text, its timeline, members and roles, and the forms to join,
leave or (for moderators) answer requests. Every read goes through the API's gate
(`space_access`, `outbox.viewing.visible_posts`); every form calls `spaces.membership`.
"""

from __future__ import annotations

from quart import Blueprint, Response, current_app, request

from baraza.i18n import N_
from baraza.webapp.csrf import check_csrf
from baraza.webapp.render import render_page, require_member, see_other
from baraza.webapp.space_access import read_space, view_space
from clientapi.params import MAX_INT, id_or_404
from federation.errors import NotFound, Refused, Unprocessable
from outbox.viewing import visible_posts
from spaces import membership
from spaces.moderation import require_moderator
from storage.ids import parse_id
from storage.models import Follow, Post, SpaceRole

blueprint = Blueprint("web_space", __name__)

TIMELINE = 20


@blueprint.get("/space/<space_id>")
async def space_page(space_id: str) -> Response:
    view = await read_space(space_id)
    space = view.space
    before = parse_id(request.args.get("before"), Post) if request.args.get("before") else None
    query = Post.filter(space=space, deleted_at=None)
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query.order_by("-id").limit(TIMELINE).prefetch_related("actor")
    posts = await visible_posts(rows, view.reader)
    roles = dict(await SpaceRole.filter(space=space).values_list("member_id", "role"))
    members = (
        await Follow.filter(target=space, accepted=True).order_by("id").prefetch_related("follower")
    )
    requests = []
    if view.moderates:
        requests = (
            await Follow.filter(target=space, accepted=False)
            .order_by("id")
            .prefetch_related("follower")
        )
    return await render_page(
        "web/space.html",
        view=view,
        space=space,
        posts=posts,
        older=rows[-1].id if len(rows) == TIMELINE else None,
        members=[(f.follower, roles.get(f.follower.id)) for f in members],
        requests=[f.follower for f in requests],
        tab="timeline",
    )


@blueprint.post("/space/<space_id>/join")
async def join_space(space_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    services = current_app.extensions["baraza"]
    try:
        await membership.join(services.settings, member, view.space)
    except Refused:
        return see_other(f"/space/{view.space.id}", notice=N_("You cannot join this space."))
    return see_other(f"/space/{view.space.id}", notice=N_("You joined the space."))


@blueprint.post("/space/<space_id>/leave")
async def leave_space(space_id: str) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    try:
        await membership.leave(member, view.space)
    except Unprocessable:
        return see_other(f"/space/{view.space.id}", notice=N_("The owner cannot leave the space."))
    # A private space is no longer there for a former member: back to the list.
    where = "/spaces" if view.space.private else f"/space/{view.space.id}"
    return see_other(where, notice=N_("You left the space."))


@blueprint.post("/space/<space_id>/requests/<account_id>/<any(approve, reject):answer>")
async def answer_request(space_id: str, account_id: str, answer: str) -> Response:
    await check_csrf()
    member = await require_member()
    view = await view_space(space_id, member)
    await require_moderator(view.space, member)
    follow = await Follow.get_or_none(
        target=view.space, follower_id=id_or_404(account_id, MAX_INT), accepted=False
    )
    if follow is None:
        raise NotFound("Record not found")
    services = current_app.extensions["baraza"]
    try:
        await membership.answer_request(
            services.settings, view.space, follow, admit=answer == "approve"
        )
    except Unprocessable:
        return see_other(
            f"/space/{view.space.id}#requests",
            notice=N_("A private space admits members of this instance only."),
        )
    notice = (
        N_("The request is approved.") if answer == "approve" else N_("The request is declined.")
    )
    return see_other(f"/space/{view.space.id}#requests", notice=notice)
