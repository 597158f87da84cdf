"""Accounts in the Mastodon API: the member's own profile, other accounts, and relationships.

Every change that other servers must hear about (follow, unfollow, block, accepting a
request) goes through `outbox.graph`, never straight
to the database, so the API and C2S publish the same activities.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from quart import Blueprint, Response, request

from actors.existence import knowledge, may_know
from baraza.language import validate_language, validate_languages
from baraza.responses import json_response
from baraza.services import services, settings
from baraza.viewer import current_member
from clientapi.accounts.account_entity import account, credential_account
from clientapi.accounts.relationships import relationship, relationships
from clientapi.auth import require_member
from clientapi.pagination import bounded, link_header, parse_page
from clientapi.params import MAX_INT, body_params, flag, id_list, row_id, text
from federation.errors import NotFound, Unprocessable
from outbox import graph
from storage.ids import fits_column
from storage.models import Actor, Follow
from webfinger.resolve import parse_handle, resolve_handle

log = logging.getLogger(__name__)
blueprint = Blueprint("accounts", __name__)

MAX_DISPLAY_NAME = 100
MAX_NOTE = 5000
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
MAX_RELATIONSHIP_IDS = 80


def note_html(note: str) -> str:
    """A plain-text bio as the HTML Mastodon's `note` holds: escaped, paragraphs and breaks."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", note.strip()) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


async def account_or_404(account_id: str) -> Actor:
    """The account, or the same 404 for an unused id and for a space the caller may not know.

    Every route that names an account by id comes through here (show, follow, block, mute,
    follow requests...), so none of them can tell a private space from an unused id.
    """
    number = row_id(account_id, MAX_INT)
    if number is None:
        raise NotFound("Record not found")
    actor = await Actor.get_or_none(id=number, suspended_at=None)
    if actor is None or not await may_know(actor, await current_member()):
        raise NotFound("Record not found")
    return actor


@blueprint.get("/api/v1/accounts/verify_credentials")
async def verify_credentials() -> Response:
    member = await require_member()  # read:accounts or profile, from clientapi.scopes
    return json_response(await credential_account(member))


@blueprint.route("/api/v1/accounts/update_credentials", methods=["PATCH", "POST"])
async def update_credentials() -> Response:
    member = await require_member("write:accounts")
    params = await body_params()
    changes: dict[str, Any] = {}
    display_name = text(params, "display_name", max_length=MAX_DISPLAY_NAME)
    if display_name is not None:
        changes["display_name"] = display_name.strip()
    note = text(params, "note", max_length=MAX_NOTE)
    if note is not None:
        changes["summary"] = note_html(note)
    locked = flag(params, "locked")
    if locked is not None:
        changes["manually_approves_followers"] = locked
    discoverable = flag(params, "discoverable")
    if discoverable is not None:
        changes["discoverable"] = discoverable
    language = text(params, "source[language]", max_length=8)
    if language is not None:
        changes["language"] = validate_language(language) if language else None
    for name in ("chosen_languages", "ui_language"):  # Baraza: filter and interface languages
        value = params.get(f"{name}[]", params.get(name))
        if value is not None:
            codes = validate_languages(value)
            changes[name] = codes if name == "chosen_languages" else (codes or [None])[0]
    if changes:
        for name, value in changes.items():
            setattr(member, name, value)
        await member.save(update_fields=list(changes))
        from outbox.profile import publish_profile_update

        await publish_profile_update(settings(), member)
    return json_response(await credential_account(member))


@blueprint.get("/api/v1/accounts/lookup")
async def lookup() -> Response:
    acct = (request.args.get("acct") or "").strip().removeprefix("@")
    if not acct:
        raise Unprocessable("acct is required")
    name, _, domain = acct.partition("@")
    host = settings().host
    local = not domain or domain.lower() == host
    key = "local_username" if local else "username"
    if not (fits_column(Actor, key, name) and fits_column(Actor, "domain", domain)):
        actor = None  # no row holds a key that long
    elif local:
        actor = await Actor.get_or_none(local_username=name, local=True, suspended_at=None)
    else:
        actor = await Actor.get_or_none(
            username=name, domain=domain.lower(), local=False, suspended_at=None
        )
    viewer = await current_member()
    if actor is None or (actor.local and actor.type == "Application"):
        raise NotFound("Record not found")
    if not await may_know(actor, viewer):
        raise NotFound("Record not found")
    return json_response(await account(actor, viewer=viewer))


@blueprint.get("/api/v1/accounts/relationships")
async def relationships_view() -> Response:
    member = await require_member("read:follows")
    ids = id_list(request.args.getlist("id[]") + request.args.getlist("id"), "id")
    if len(ids) > MAX_RELATIONSHIP_IDS:
        raise Unprocessable(f"at most {MAX_RELATIONSHIP_IDS} ids")
    # A private space the member may not know has no relationship to show, as an unused id.
    known = (await knowledge(member)).visible(await Actor.filter(id__in=ids))
    found = {a.id: a for a in known}
    return json_response(await relationships(member, [found[i] for i in ids if i in found]))


@blueprint.get("/api/v1/accounts/search")
async def search() -> Response:
    member = await require_member("read:accounts")
    query = (request.args.get("q") or "").strip().removeprefix("@")
    if not query:
        raise Unprocessable("q is required")
    page = parse_page(request.args, default=40, maximum=80)
    resolve = request.args.get("resolve", "").lower() in ("1", "true")
    following = request.args.get("following", "").lower() in ("1", "true")
    found: list[Actor] = []
    if resolve and "@" in query:
        try:
            parse_handle(query)
            found.append(await resolve_handle(query, services=services()))
        except NotFound as exc:
            # Not resolvable: the search still answers with the local matches below.
            log.info("account search could not resolve %r: %s", query, exc.reason)
    name, _, domain = query.partition("@")
    candidates = Actor.filter(username__istartswith=name, suspended_at=None).exclude(
        type="Application"
    )
    if domain:
        candidates = candidates.filter(domain__istartswith=domain)
    if following:
        followed = Follow.filter(follower=member, accepted=True).values_list("target_id", flat=True)
        candidates = candidates.filter(id__in=list(await followed))
    for actor in await candidates.order_by("-local", "username").limit(page.limit):
        if all(actor.id != f.id for f in found):
            found.append(actor)
    known = await knowledge(member)
    visible = known.visible(found)
    return json_response([await account(a, known=known) for a in visible[: page.limit]])


@blueprint.get("/api/v1/accounts/<account_id>")
async def get_account(account_id: str) -> Response:
    actor = await account_or_404(account_id)
    if actor.local and actor.type == "Application":
        raise NotFound("Record not found")
    return json_response(await account(actor, viewer=await current_member()))


async def _follow_page(query: Any, related: str, base_path: str) -> Response:
    """Followers or following, paged by the follow row's id as Mastodon pages them."""
    page = parse_page(request.args, default=40, maximum=80)
    rows = await bounded(query.prefetch_related(related), page)
    if page.ascending:
        rows = list(reversed(rows))
    known = await knowledge(await current_member())
    body = [await account(getattr(r, related), known=known) for r in rows]
    response = json_response(body)
    link = link_header(settings().url(base_path), request.args, [r.id for r in rows])
    if link:
        response.headers["Link"] = link
    return response


@blueprint.get("/api/v1/accounts/<account_id>/followers")
async def followers(account_id: str) -> Response:
    actor = await account_or_404(account_id)
    query = Follow.filter(target=actor, accepted=True, follower__suspended_at=None)
    return await _follow_page(query, "follower", f"/api/v1/accounts/{actor.id}/followers")


@blueprint.get("/api/v1/accounts/<account_id>/following")
async def following(account_id: str) -> Response:
    actor = await account_or_404(account_id)
    query = Follow.filter(follower=actor, accepted=True, target__suspended_at=None)
    hidden = (await knowledge(await current_member())).hidden
    if hidden:  # a member's private spaces are not listed to whoever may not know them
        query = query.filter(target_id__not_in=hidden)
    return await _follow_page(query, "target", f"/api/v1/accounts/{actor.id}/following")


@blueprint.post("/api/v1/accounts/<account_id>/follow")
async def follow(account_id: str) -> Response:
    member = await require_member("write:follows")
    target = await account_or_404(account_id)
    notify_posts = flag(await body_params(), "notify")  # Mastodon: `status` notifications
    await graph.follow(settings(), member, target, notify_posts=notify_posts)
    return json_response(await relationship(member, target))


@blueprint.post("/api/v1/accounts/<account_id>/unfollow")
async def unfollow(account_id: str) -> Response:
    member = await require_member("write:follows")
    target = await account_or_404(account_id)
    await graph.unfollow(settings(), member, target)
    return json_response(await relationship(member, target))


@blueprint.post("/api/v1/accounts/<account_id>/block")
async def block(account_id: str) -> Response:
    member = await require_member("write:blocks")
    target = await account_or_404(account_id)
    await graph.block(settings(), member, target)
    return json_response(await relationship(member, target))


@blueprint.post("/api/v1/accounts/<account_id>/unblock")
async def unblock(account_id: str) -> Response:
    member = await require_member("write:blocks")
    target = await account_or_404(account_id)
    await graph.unblock(settings(), member, target)
    return json_response(await relationship(member, target))


@blueprint.post("/api/v1/accounts/<account_id>/mute")
async def mute(account_id: str) -> Response:
    member = await require_member("write:mutes")
    target = await account_or_404(account_id)
    await graph.mute(member, target)
    return json_response(await relationship(member, target))


@blueprint.post("/api/v1/accounts/<account_id>/unmute")
async def unmute(account_id: str) -> Response:
    member = await require_member("write:mutes")
    target = await account_or_404(account_id)
    await graph.unmute(member, target)
    return json_response(await relationship(member, target))


@blueprint.get("/api/v1/follow_requests")
async def follow_requests() -> Response:
    member = await require_member("read:follows")
    query = Follow.filter(target=member, accepted=False, follower__suspended_at=None)
    return await _follow_page(query, "follower", "/api/v1/follow_requests")


async def _pending_request(member: Actor, account_id: str) -> tuple[Follow, Actor]:
    requester = await account_or_404(account_id)
    request_row = await Follow.get_or_none(follower=requester, target=member, accepted=False)
    if request_row is None:
        raise NotFound("no follow request from this account")
    return request_row, requester


@blueprint.post("/api/v1/follow_requests/<account_id>/authorize")
async def authorize_request(account_id: str) -> Response:
    member = await require_member("write:follows")
    request_row, requester = await _pending_request(member, account_id)
    await graph.answer_follow(settings(), request_row, accept=True)
    return json_response(await relationship(member, requester))


@blueprint.post("/api/v1/follow_requests/<account_id>/reject")
async def reject_request(account_id: str) -> Response:
    member = await require_member("write:follows")
    request_row, requester = await _pending_request(member, account_id)
    await graph.answer_follow(settings(), request_row, accept=False)
    return json_response(await relationship(member, requester))
