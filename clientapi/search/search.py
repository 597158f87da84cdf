"""`GET /api/v2/search`: accounts, statuses and hashtags, and `resolve=true` for remote ones.

Search must not become a side door around visibility: statuses pass the same `may_see` as
every timeline (through `outbox.viewing`), private spaces are listed only to their members,
and hashtags are gathered only from public and unlisted posts, so the name of a tag used
inside a private space does not leak either. Resolving (WebFinger for `user@domain`, a signed
fetch as the instance actor for URLs) is for signed-in members only, as in Mastodon.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from quart import Blueprint, Response, request
from tortoise.expressions import Q

from actors.existence import Knowledge, knowledge
from baraza.responses import json_response
from baraza.services import services, settings
from clientapi.accounts.account_entity import account
from clientapi.auth import require
from clientapi.statuses.status_entity import statuses
from federation.errors import FederationError, Unprocessable
from outbox.viewing import visible_posts
from storage.ids import MAX_BIGINT, parse_int
from storage.models import Actor, Post

log = logging.getLogger(__name__)

blueprint = Blueprint("clientapi_search", __name__)

TYPES = ("accounts", "statuses", "hashtags")
DEFAULT_LIMIT = 20
MAX_LIMIT = 40
STATUS_SCAN = 400  # candidate posts read per search before visibility filtering
TAG_SCAN = 1000  # recent public posts whose hashtags are offered
ACTOR_TYPES = ("Person", "Group", "Service", "Organization", "Application")
POST_TYPES = ("Note", "Article", "Question", "Page", "Event", "Video", "Audio", "Image")
HANDLE = re.compile(r"^@?([^@\s/]+)@([^@\s/]+)$")


@dataclass(frozen=True)
class Query:
    """What the search box holds: a handle, a URL, or words."""

    kind: str  # handle | url | text
    text: str
    user: str = ""
    domain: str = ""


def classify(q: str) -> Query:
    """Pure: how to treat a search string. Table-tested."""
    q = q.strip()
    if q.lower().startswith(("https://", "http://")) and " " not in q:
        return Query("url", q)
    match = HANDLE.match(q)
    if match:
        return Query("handle", q.lstrip("@"), user=match[1], domain=match[2].lower())
    return Query("text", q.lstrip("@#") if q.startswith(("@", "#")) and " " not in q else q)


def _int(value: str | None, name: str, default: int, maximum: int) -> int:
    if value is None or value == "":
        return default
    number = parse_int(value, minimum=0, maximum=MAX_BIGINT)  # "²".isdigit() is true
    if number is None:
        raise Unprocessable(f"{name} must be a non-negative integer")
    return min(number, maximum)


async def _accounts(query: Query, known: Knowledge, limit: int, offset: int) -> list[Actor]:
    if query.kind == "url":
        return list(await Actor.filter(uri=query.text, suspended_at=None).limit(1))
    rows = Actor.filter(suspended_at=None, type__in=ACTOR_TYPES).exclude(type="Application")
    if query.kind == "handle":
        rows = rows.filter(username__iexact=query.user, domain__iexact=query.domain)
    elif query.text:
        name = query.text
        rows = rows.filter(Q(username__icontains=name) | Q(display_name__icontains=name))
    if known.hidden:  # a private space is invisible to non-members, and takes no place
        rows = rows.filter(id__not_in=known.hidden)
    return known.visible(await rows.order_by("-local", "username").offset(offset).limit(limit))


async def _statuses(query: Query, viewer: Actor | None, limit: int, offset: int) -> list[Post]:
    if query.kind == "url":
        candidates = await Post.filter(uri=query.text, deleted_at=None) or await Post.filter(
            url=query.text, deleted_at=None
        )
    elif query.kind == "text" and query.text:
        candidates = (
            await Post.filter(content__icontains=query.text, deleted_at=None)
            .order_by("-id")
            .limit(STATUS_SCAN)
        )
    else:
        return []
    return (await visible_posts(candidates, viewer))[offset : offset + limit]


async def _hashtags(query: Query, limit: int) -> list[dict[str, Any]]:
    if query.kind != "text" or not query.text or " " in query.text:
        return []
    wanted = query.text.lower()
    names: dict[str, str] = {}
    rows = (
        await Post.filter(visibility__in=("public", "unlisted"), deleted_at=None)
        .order_by("-id")
        .limit(TAG_SCAN)
        .values_list("tags", flat=True)
    )
    for tags in rows:
        for tag in tags:
            if isinstance(tag, dict) and tag.get("type") == "Hashtag":
                name = str(tag.get("name") or "").lstrip("#")
                if name and name.lower().startswith(wanted):
                    names.setdefault(name.lower(), name)
    base = settings().base_url
    return [
        {"name": name, "url": f"{base}/tags/{key}", "history": [], "following": False}
        for key, name in sorted(names.items())[:limit]
    ]


async def _resolve(query: Query) -> tuple[Actor | None, Post | None]:
    """Bring a remote account or post into the cache; nothing found is not an error."""
    from federation.fetch import fetch_json
    from federation.remote_actors import get_actor
    from inbox.ingest import store_remote_post
    from webfinger.resolve import resolve_handle

    svc = services()
    try:
        if query.kind == "handle":
            return await resolve_handle(query.text, services=svc), None
        if query.kind != "url":
            return None, None
        if await Actor.exists(uri=query.text) or await Post.exists(uri=query.text):
            return None, None
        assert svc.instance_actor is not None
        doc = await fetch_json(
            svc.http,
            query.text,
            signer_actor=svc.instance_actor,
            style=svc.settings.signature_style,
        )
        kind = doc.get("type")
        if kind in ACTOR_TYPES:
            return await get_actor(doc["id"], services=svc), None
        author_uri = doc.get("attributedTo")
        if kind in POST_TYPES and isinstance(author_uri, str):
            author = await get_actor(author_uri, services=svc)
            return None, await store_remote_post(doc, author, svc.settings.base_url, force=True)
    except FederationError as exc:
        log.info("search could not resolve %r: %s", query.text[:200], exc)
    return None, None


@blueprint.get("/api/v2/search")
async def search() -> Response:
    caller = await require("read:search", user=False)
    viewer = caller.account
    args = request.args
    q = (args.get("q") or "").strip()
    if not q:
        raise Unprocessable("Validation failed: q can't be blank")
    if len(q) > 512:
        raise Unprocessable("Validation failed: q is too long")
    wanted = args.get("type") or ""
    if wanted and wanted not in TYPES:
        raise Unprocessable(f"Validation failed: type must be one of {', '.join(TYPES)}")
    limit = max(1, _int(args.get("limit"), "limit", DEFAULT_LIMIT, MAX_LIMIT))
    offset = _int(args.get("offset"), "offset", 0, 10_000)
    resolve = args.get("resolve", "").lower() in ("1", "true") and viewer is not None
    query = classify(q)
    resolved_actor, resolved_post = await _resolve(query) if resolve else (None, None)

    result: dict[str, list[Any]] = {"accounts": [], "statuses": [], "hashtags": []}
    if wanted in ("", "accounts"):
        known = await knowledge(viewer)
        actors = await _accounts(query, known, limit, offset)
        if resolved_actor is not None and all(a.id != resolved_actor.id for a in actors):
            actors.insert(0, resolved_actor)
        # Resolving `name@this-host` finds local actors too: the same rule applies to them.
        actors = known.visible(actors)
        result["accounts"] = [await account(a, known=known) for a in actors[:limit]]
    if wanted in ("", "statuses"):
        posts = await _statuses(query, viewer, limit, offset)
        if resolved_post is not None and all(p.id != resolved_post.id for p in posts):
            posts = [*await visible_posts([resolved_post], viewer), *posts]
        result["statuses"] = await statuses(posts[:limit], viewer)
    if wanted in ("", "hashtags"):
        result["hashtags"] = await _hashtags(query, limit)
    return json_response(result)
