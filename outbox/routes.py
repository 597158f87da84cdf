"""Serving local posts and activities by GET, asking the one visibility function first."""

from __future__ import annotations

from quart import Blueprint, Response, request

from actors.routes import visible_actor
from baraza.negotiation import wants_html
from baraza.rendered import Rendered
from baraza.responses import as2_response
from baraza.services import settings
from baraza.viewer import current_member, current_viewer
from federation.errors import NotFound
from inbox.fetch_auth import require_signed_get
from outbox.documents import (
    activity_tombstone,
    object_document,
    tombstone_document,
    wrap_activity,
)
from outbox.object_cache import OBJECTS, object_answer_is_shared
from outbox.reading import local_requester, remote_requester, space_is_private, subject_of
from outbox.visibility import may_see
from storage.ids import MAX_BIGINT
from storage.models import Activity, Post

blueprint = Blueprint("objects", __name__)


async def visible_post(name: str, post_id: int) -> Post:
    """The post if this requester may see it; 404 otherwise (existence does not leak)."""
    author = await visible_actor(name, "Person")
    post = await Post.get_or_none(id=post_id, actor=author, local=True)
    if post is None:
        raise NotFound("no such object")
    if post.deleted_at is not None:
        return post
    if settings().authorized_fetch:
        await require_signed_get()
    subject = subject_of(post, await space_is_private(post))
    member = await current_member()  # only when the token's scopes allow reading statuses
    requester = await (
        local_requester(post, member)
        if member
        else remote_requester(post, (await current_viewer()).signer)
    )
    if not may_see(subject, requester):
        raise NotFound("no such object")
    post.actor = author
    return post


async def _cached(name: str, post_id: int, variant: str) -> Response:
    """The AS2 answer for a post, from the read cache when it is the same for everyone
    (`object_answer_is_shared`); authorized fetch's check before a cached live post."""
    key = (name, post_id, variant)
    token = await OBJECTS.begin()
    hit = OBJECTS.get(key)
    if hit is not None:
        if hit.needs_signature and settings().authorized_fetch:
            await require_signed_get()
        return hit.respond(request.headers.get("If-None-Match"))
    post = await visible_post(name, post_id)
    if post.deleted_at is not None:
        rendered = Rendered.of(tombstone_document(post), status=410)
    elif variant == "note":
        rendered = Rendered.of(object_document(post, post.actor), needs_signature=True)
    else:
        note = object_document(post, post.actor, with_context=False)
        activity = wrap_activity(
            f"{post.uri}/activity",
            "Create",
            post.actor,
            note,
            to=note["to"],
            cc=note["cc"],
            published=note["published"],
        )
        rendered = Rendered.of(activity, needs_signature=True)
    if object_answer_is_shared(subject_of(post, await space_is_private(post))):
        OBJECTS.put(key, rendered, token)
    return rendered.respond(request.headers.get("If-None-Match"))


@blueprint.get("/users/<name>/statuses/<int:post_id>")
async def post_document(name: str, post_id: int) -> Response:
    if not wants_html(request.headers.get("Accept")):
        return await _cached(name, post_id, "note")
    post = await visible_post(name, post_id)
    if post.deleted_at is not None:
        return as2_response(tombstone_document(post), 410)
    from baraza.pages import render_post

    return await render_post(post)


@blueprint.get("/users/<name>/statuses/<int:post_id>/activity")
async def post_activity(name: str, post_id: int) -> Response:
    return await _cached(name, post_id, "activity")


@blueprint.get("/activities/<int:activity_id>")
async def activity_document(activity_id: int) -> Response:
    """Every activity we send dereferences at its id, to whoever may read what it carries."""
    from actors.urls import activity_url
    from outbox.activity_access import Answer, activity_facts, decide

    if not 0 < activity_id <= MAX_BIGINT:
        raise NotFound("no such activity")
    row = await Activity.get_or_none(id=activity_id, local=True)
    if row is None or row.uri != activity_url(settings(), activity_id):
        raise NotFound("no such activity")
    if settings().authorized_fetch:
        await require_signed_get()
    member = await current_member()
    signer = None if member else (await current_viewer()).signer
    answer = decide(await activity_facts(row, member, signer))
    if answer is Answer.HIDDEN:
        raise NotFound("no such activity")
    if answer is Answer.GONE:
        return as2_response(activity_tombstone(row), 410)
    return as2_response(row.document)
