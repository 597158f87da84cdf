"""The Letter as Atom feeds, and unsubscribing from it by email link.

A public space's feed is public (`/spaces/NAME/letter.atom`) and holds what an anonymous
reader may see. A private space's feed is reached only through a member's secret URL
(`/feeds/<token>.atom`), built with that member's view; an unknown or revoked token is a 404
like any missing page. Unsubscribing works without a login: the signed token is the proof.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from quart import Blueprint, Response, render_template, request

from actors.accounts import local_actor
from baraza.i18n import _
from baraza.responses import json_response
from baraza.services import settings
from clientapi.auth import require_member
from clientapi.spaces.spaces import find_space
from federation.errors import BadRequest, NotFound
from spaces.letter import Digest, build_digest
from spaces.letter_mail import unsubscribe_member
from spaces.letter_tokens import (
    feed_token_owner,
    issue_feed_token,
    letter_secret,
    revoke_feed_token,
    verify_member,
)
from storage.models import Actor, Follow

blueprint = Blueprint("letter_feeds", __name__)

FEED_WINDOW = timedelta(days=31)
ATOM = "application/atom+xml; charset=utf-8"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def atom_feed(digest: Digest, feed_id: str, title: str, self_url: str = "") -> str:
    """The digest's posts, documents and Talks as Atom (RFC 4287) entries; every value escaped.

    Each entry's id is its object's id (a URI that never changes, unlike a title), the feed
    names its author (so entries need not), and every entry has a link or a content."""
    entries: list[str] = []
    for post in digest.posts:
        entries.append(
            f"<entry><id>{escape(post.uri or post.url)}</id><title>{escape(post.author)}</title>"
            f"<updated>{_stamp(post.published)}</updated>"
            f'<link rel="alternate" href="{_attr(post.url)}"/>'
            f"<summary>{escape(post.excerpt)}</summary></entry>"
        )
    for document in digest.documents:
        entries.append(
            f"<entry><id>{escape(document.uri)}</id><title>{escape(document.title)}</title>"
            f"<updated>{_stamp(document.created_at)}</updated>"
            f'<content type="text">{escape(document.title)} [{escape(document.space)}]</content>'
            "</entry>"
        )
    for talk in digest.talks:
        entries.append(
            f"<entry><id>{escape(talk.uri or talk.url)}</id><title>{escape(talk.title)}</title>"
            f"<updated>{_stamp(digest.until)}</updated>"
            f'<link rel="alternate" href="{_attr(talk.url)}"/>'
            f"<summary>{escape(talk.starts)} {escape(talk.location)}</summary></entry>"
        )
    link = f'<link rel="self" href="{_attr(self_url)}"/>' if self_url else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(feed_id)}</id><title>{escape(title)}</title>{link}"
        f"<author><name>{escape(title)}</name></author>"
        f"<updated>{_stamp(digest.until)}</updated>{''.join(entries)}</feed>\n"
    )


async def _feed(space: Actor, reader: Actor | None, feed_id: str) -> Response:
    until = datetime.now(UTC)
    digest = await build_digest(reader, space, until - FEED_WINDOW, until)
    name = space.display_name or space.username
    body = atom_feed(digest, feed_id, name, settings().url(request.full_path.rstrip("?")))
    return Response(body, content_type=ATOM, headers={"Cache-Control": "private, no-store"})


@blueprint.get("/spaces/<name>/letter.atom")
async def public_feed(name: str) -> Response:
    space = await local_actor(name, kind="Group")
    if space is None or space.private or space.suspended_at is not None:
        raise NotFound("not found")
    return await _feed(space, None, settings().url(request.path))


@blueprint.get("/feeds/<token>.atom")
async def secret_feed(token: str) -> Response:
    owner = await feed_token_owner(token)
    if owner is None:
        raise NotFound("not found")
    member = await Actor.get_or_none(id=owner[0], local=True, suspended_at=None)
    space = await Actor.get_or_none(id=owner[1], local=True, type="Group", suspended_at=None)
    if member is None or space is None:
        raise NotFound("not found")
    if not await Follow.exists(follower=member, target=space, accepted=True):
        raise NotFound("not found")  # left the space: the URL dies with the membership
    return await _feed(space, member, settings().url(f"/spaces/{space.username}/letter"))


@blueprint.post("/api/v1/spaces/<space_id>/letter_feed")
async def create_feed(space_id: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    if not await Follow.exists(follower=member, target=space, accepted=True):
        raise NotFound("Record not found")
    token = await issue_feed_token(member.id, space.id)
    return json_response({"url": settings().url(f"/feeds/{token}.atom")})


@blueprint.post("/api/v1/spaces/<space_id>/letter_feed/revoke")
async def revoke_feed(space_id: str) -> Response:
    member = await require_member("write")
    space = await find_space(space_id, member)
    return json_response({"revoked": await revoke_feed_token(member.id, space.id)})


async def _unsubscribing() -> tuple[str, Actor]:
    """The signed token and the member it was signed for; 400 or 404 otherwise."""
    token = request.args.get("token", "")
    if not token:
        raise BadRequest("token is required")
    member_id = verify_member(await letter_secret(), token)
    member = await Actor.get_or_none(id=member_id, local=True) if member_id else None
    if member is None:
        raise NotFound("not found")
    return token, member


@blueprint.get("/letter/unsubscribe")
async def unsubscribe_page() -> Response:
    """A confirmation page that changes nothing: mail scanners and link previews follow links,
    and a GET must not unsubscribe anyone (RFC 8058). Its button POSTs the same URL."""
    token, _member = await _unsubscribing()
    html = await render_template("letter_unsubscribe.html", token=token)
    return Response(html, content_type="text/html; charset=utf-8")


@blueprint.post("/letter/unsubscribe")
async def unsubscribe_one_click() -> Response:
    """RFC 8058 one-click: a mail client POSTs `List-Unsubscribe=One-Click` to the URL of the
    `List-Unsubscribe` header; the confirmation page's button posts the same. The signed
    token in the URL is the proof, so no login or CSRF token is asked for."""
    _token, member = await _unsubscribing()
    await unsubscribe_member(member)
    return Response(
        _("You will no longer receive the Letter.") + "\n",
        content_type="text/plain; charset=utf-8",
    )
