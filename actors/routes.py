"""Actor documents and their collections, with HTML for browsers and 404 for hidden spaces."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request

from actors.accounts import local_actor
from actors.collections import PAGE_SIZE, collection, collection_page, parse_page
from actors.documents import AS_CONTEXT, EXTENSION_TERMS, actor_document, key_document
from actors.existence import facts_of, knowledge, may_know
from actors.read_cache import (
    ACTOR_DOCUMENTS,
    COLLECTIONS,
    KEY_ONLY,
    actor_answer_is_shared,
    actor_variant,
    collection_is_shared,
)
from baraza.negotiation import wants_html
from baraza.rendered import Rendered
from baraza.responses import as2_response
from baraza.services import settings
from baraza.viewer import current_member
from federation.errors import NotFound
from storage.models import Actor, Follow, SpaceRole

blueprint = Blueprint("actors", __name__)

KIND_BY_PREFIX = {"users": "Person", "spaces": "Group"}
OBJECT_CONTEXT = [AS_CONTEXT, EXTENSION_TERMS]


async def visible_actor(name: str, kind: str | None) -> Actor:
    """A local actor the requester may know exists; private spaces are 404 to outsiders."""
    actor = await local_actor(name, kind=kind)
    if actor is None or actor.suspended_at is not None:
        raise NotFound("no such actor")
    if not await may_know(actor, await current_member()):
        raise NotFound("no such actor")
    return actor


async def _actor_answer(actor: Actor) -> Response:
    if wants_html(request.headers.get("Accept")) and actor.type != "Application":
        from baraza.pages import render_profile

        return await render_profile(actor)
    if settings().authorized_fetch and actor.type != "Application":
        from inbox.fetch_auth import signed_requester

        if await signed_requester() is None:
            return as2_response(key_document(settings(), actor))
    return as2_response(actor_document(settings(), actor))


async def _authorize_fetch(actor: Actor | None) -> None:
    """Authorized-fetch mode: AS2 GETs need a signature (the instance actor stays open)."""
    if not settings().authorized_fetch or (actor is not None and actor.type == "Application"):
        return
    from inbox.fetch_auth import require_signed_get

    await require_signed_get()


async def _cached_actor_answer(name: str, kind: str) -> Response:
    """The AS2 actor document from the read cache when every requester would get the same;
    browsers (HTML) and private spaces go the uncached way. The signature authorized fetch
    asks for is checked first: it decides which document is served, not whether to cache."""
    if wants_html(request.headers.get("Accept")):
        return await _actor_answer(await visible_actor(name, kind))
    signed = False
    if settings().authorized_fetch:
        from inbox.fetch_auth import signed_requester

        signed = await signed_requester() is not None
    key = (kind, name, actor_variant(settings().authorized_fetch, signed))
    token = await ACTOR_DOCUMENTS.begin()
    hit = ACTOR_DOCUMENTS.get(key)
    if hit is not None:
        return hit.respond(request.headers.get("If-None-Match"))
    actor = await visible_actor(name, kind)
    render = key_document if key[2] == KEY_ONLY else actor_document
    rendered = Rendered.of(render(settings(), actor))
    if actor_answer_is_shared(facts_of(actor), actor.suspended_at is not None):
        ACTOR_DOCUMENTS.put(key, rendered, token)
    return rendered.respond(request.headers.get("If-None-Match"))


@blueprint.get("/users/<name>")
async def member_actor(name: str) -> Response:
    return await _cached_actor_answer(name, "Person")


@blueprint.get("/spaces/<name>")
async def space_actor(name: str) -> Response:
    return await _cached_actor_answer(name, "Group")


@blueprint.get("/actor")
async def instance_actor() -> Response:
    from baraza.services import services

    actor = services().instance_actor
    if actor is None:
        raise NotFound("no instance actor")
    return as2_response(actor_document(settings(), actor))


@blueprint.get("/actor/<any(followers, following, outbox):which>")
async def instance_actor_collection(which: str) -> Response:
    """The instance actor follows no one, has no followers and publishes nothing, but its
    document names these collections, so they answer: valid and empty."""
    url = settings().url(f"/actor/{which}")
    page = parse_page(request.args.get("page"))
    if page is None:
        return as2_response(collection(url, 0))
    return as2_response(collection_page(url, page, 0, []))


@blueprint.get("/<any(users, spaces):prefix>/<name>/<any(followers, following, outbox):which>")
async def actor_collection(prefix: str, name: str, which: str) -> Response:
    """The collection and its first page come from the read cache when they are the same for
    every requester (`collection_is_shared`); authorized fetch's check comes first either way."""
    page = parse_page(request.args.get("page"))
    member = await current_member()
    shared = collection_is_shared(which, page, member is not None, prefix == "spaces")
    key = (prefix, name, which, page)
    token = await COLLECTIONS.begin() if shared else None
    hit = COLLECTIONS.get(key) if shared else None
    if hit is not None:
        await _authorize_fetch(None)  # members' and spaces' collections: signed, in that mode
        return hit.respond(request.headers.get("If-None-Match"))
    actor = await visible_actor(name, KIND_BY_PREFIX[prefix])
    await _authorize_fetch(actor)
    rendered = Rendered.of(await _collection_answer(actor, which, page))
    if shared and actor_answer_is_shared(facts_of(actor), False):
        COLLECTIONS.put(key, rendered, token)
    return rendered.respond(request.headers.get("If-None-Match"))


async def _collection_answer(actor: Actor, which: str, page: int | None) -> dict[str, Any]:
    url = f"{actor.uri}/{which}"
    if which == "outbox":
        from outbox.collection import outbox_count, outbox_items

        total = await outbox_count(actor)
        if page is None:
            return collection(url, total)
        items = await outbox_items(actor, page)
        return collection_page(url, page, total, items, context=OBJECT_CONTEXT)
    if which == "followers":
        query = Follow.filter(target=actor, accepted=True)
        related = "follower"
    else:
        query = Follow.filter(follower=actor, accepted=True)
        related = "target"
        # A member's private spaces are in no collection an outsider can read, nor its size.
        hidden = (await knowledge(await current_member())).hidden
        if hidden:
            query = query.filter(target_id__not_in=hidden)
    total = await query.count()
    if page is None:
        return collection(url, total)
    rows = (
        await query.order_by("-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .values_list(f"{related}__uri", flat=True)
    )
    return collection_page(url, page, total, rows)


@blueprint.get("/users/<name>/collections/featured")
async def featured_collection(name: str) -> Response:
    """A member's pinned posts, inline in one OrderedCollection, as Mastodon serves them."""
    from outbox.collection import featured_items

    actor = await visible_actor(name, "Person")
    await _authorize_fetch(actor)
    items = await featured_items(actor)
    return as2_response(
        {
            "@context": OBJECT_CONTEXT,
            "id": f"{actor.uri}/collections/featured",
            "type": "OrderedCollection",
            "totalItems": len(items),
            "orderedItems": items,
        }
    )


@blueprint.get("/spaces/<name>/moderators")
async def space_moderators(name: str) -> Response:
    space = await visible_actor(name, "Group")
    await _authorize_fetch(space)
    uris = await SpaceRole.filter(space=space).order_by("id").values_list("member__uri", flat=True)
    doc = collection(f"{space.uri}/moderators", len(uris))
    doc.pop("first", None)
    doc.pop("last", None)
    doc["orderedItems"] = list(uris)
    return as2_response(doc)
