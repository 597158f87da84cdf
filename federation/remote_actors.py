"""Remote actors: fetched once, validated, cached in the actors table, refreshed when stale.

Signature checks and every origin decision trust what this module stores (an actor's key,
inbox, host), so a document is accepted only when it vouches for itself: its `id` is the URL
it was fetched from, its key belongs to it and lives on its host, its inbox is a real URL.
Validation (`actor_fields`) is a pure function of the document, tested by a table; the rest
is fetching and storing.

A burst of activities from an actor we have never seen would otherwise start one fetch per
activity, so fetches of the same actor or key in flight are shared (`_single_flight`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tortoise.exceptions import IntegrityError

from baraza.sanitize import clean_html
from federation.activities import host_of, parse_object, same_host
from federation.errors import BadRequest, BadSignature, NotFound, Refused
from federation.fetch import fetch_json
from federation.signatures import load_public_key_pem
from storage.cache_versions import VersionedCache
from storage.models import Actor

if TYPE_CHECKING:
    from baraza.services import Services
    from baraza.settings import Settings

__all__ = [
    "ACTOR_TYPES",
    "CACHE_TTL",
    "actor_fields",
    "actor_for_key",
    "get_actor",
    "upsert_actor_document",
]

ACTOR_TYPES = frozenset({"Person", "Group", "Service", "Application", "Organization"})
CACHE_TTL = timedelta(days=1)
_MAX_URL = 512  # the width of the URL columns; a longer id cannot be stored faithfully
_MAX_USERNAME = 255
_MAX_ALIASES = 100

_in_flight: dict[tuple[str, str], asyncio.Task[Actor]] = {}
# Known signers by keyId, for the inbox's hot path: dropped whenever any actor row changes or
# goes (a key rotated, an actor suspended or deleted), by the `actors` cache version.
_key_owners: VersionedCache[str, Actor] = VersionedCache("key owners", ("actors",))


async def get_actor(uri: str, *, services: Services, refresh: bool = False) -> Actor:
    """The actor whose id is `uri`: local from the table, remote from cache or the network."""
    if _is_local(uri, services.settings):
        actor = await Actor.get_or_none(uri=uri, local=True)
        if actor is None:
            raise NotFound(f"no local actor {uri}")
        return actor
    if not refresh:
        cached = await Actor.get_or_none(uri=uri, local=False)
        if cached is not None and _is_fresh(cached):
            return cached
    return await _single_flight(("actor", uri), lambda: _fetch_actor(uri, services))


async def actor_for_key(key_id: str, *, services: Services, refresh: bool = False) -> Actor:
    """The actor that owns `key_id`, for verifying an HTTP signature.

    A known key is trusted whatever its age: keys rarely change, and the inbox calls again
    with `refresh=True` once when a signature fails, which picks up a rotated key.
    """
    if _is_local(key_id, services.settings):
        actor = await Actor.filter(key_id=key_id, local=True).first()
        if actor is None:
            raise NotFound(f"no local key {key_id}")
        return actor
    if not refresh:
        token = await _key_owners.begin()
        cached = _key_owners.get(key_id)
        if cached is None:
            cached = await Actor.filter(key_id=key_id, local=False).order_by("-fetched_at").first()
            if cached is not None:
                _key_owners.put(key_id, cached, token)
        if cached is not None:
            return cached
    return await _single_flight(("key", key_id), lambda: _fetch_key_owner(key_id, services))


async def upsert_actor_document(doc: dict[str, Any], fetched_from: str) -> Actor:
    """Validate an actor document and store it; the caller has checked where it came from.

    Used after a fetch and for an inbound `Update` of a profile. A document can never
    overwrite a local actor, whatever it claims.
    """
    fields = actor_fields(doc, fetched_from)
    existing = await Actor.get_or_none(uri=fields["uri"])
    if existing is None:
        try:
            return await Actor.create(**fields)
        except IntegrityError:
            # Stored concurrently (another process, or an Update racing a fetch).
            existing = await Actor.get_or_none(uri=fields["uri"])
            if existing is None:
                raise
    if existing.local:
        raise Refused(f"{fields['uri']} is a local actor")
    existing.update_from_dict(fields)
    await existing.save()
    return existing


def actor_fields(doc: dict[str, Any], fetched_from: str) -> dict[str, Any]:
    """The columns to store for a remote actor document, or `Refused` saying what is wrong."""
    try:
        parsed = parse_object(doc)
    except BadRequest as exc:
        raise Refused(f"unusable actor document: {exc.reason}") from exc
    actor_id = parsed.id
    if not same_host(actor_id, fetched_from):
        raise Refused(f"actor id {actor_id[:200]} is not on the host it came from")
    if len(actor_id) > _MAX_URL:
        raise Refused("actor id is too long")
    actor_type = _actor_type(doc.get("type"))
    if actor_type is None:
        raise Refused(f"{actor_id} is a {parsed.type}, not an actor")
    inbox = _link(doc.get("inbox"))
    if inbox is None:
        raise Refused(f"actor {actor_id} has no inbox (or it is not an http(s) URL)")
    key_id, pem = _public_key(doc, actor_id)
    endpoints = doc.get("endpoints")
    is_group = actor_type == "Group"
    return {
        "uri": actor_id,
        "type": actor_type,
        "username": _username(doc, actor_id),
        "domain": host_of(actor_id),
        "local": False,
        "display_name": parsed.name or "",
        "summary": clean_html(parsed.summary) if parsed.summary else "",
        "url": _link(doc.get("url")),
        "inbox_url": inbox,
        "outbox_url": _link(doc.get("outbox")),
        "followers_url": _link(doc.get("followers")),
        "following_url": _link(doc.get("following")),
        "shared_inbox_url": (
            _link(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
        ),
        "key_id": key_id,
        "public_key_pem": pem,
        "manually_approves_followers": doc.get("manuallyApprovesFollowers") is True,
        # Absent means "not asked": keep such actors out of directories and search.
        "discoverable": doc.get("discoverable") is True,
        "posting_restricted_to_mods": is_group and doc.get("postingRestrictedToMods") is True,
        "also_known_as": _links(doc.get("alsoKnownAs"))[:_MAX_ALIASES],
        "moved_to": _link(doc.get("movedTo")),
        "document": doc,
        "fetched_at": datetime.now(UTC),
    }


def _is_local(url: str, settings: Settings) -> bool:
    """Compared by authority, not by prefix: `https://ours.example.evil/` is not ours."""
    return same_host(url, settings.base_url)


def _is_fresh(actor: Actor) -> bool:
    return actor.fetched_at is not None and datetime.now(UTC) - actor.fetched_at < CACHE_TTL


async def _single_flight(key: tuple[str, str], make: Callable[[], Awaitable[Actor]]) -> Actor:
    """Run `make` once for every concurrent caller asking for the same `key`.

    The shared work runs as its own task and callers await it through `shield`, so one
    caller giving up (a cancelled request) does not cancel the fetch the others wait for.
    """
    loop = asyncio.get_running_loop()
    task = _in_flight.get(key)
    if task is None or task.get_loop() is not loop:
        task = loop.create_task(make())
        _in_flight[key] = task
        task.add_done_callback(lambda done: _forget(key, done))
    return await asyncio.shield(task)


def _forget(key: tuple[str, str], task: asyncio.Task[Actor]) -> None:
    if _in_flight.get(key) is task:
        del _in_flight[key]
    if not task.cancelled():
        # Every waiter may have gone; mark the outcome seen so asyncio does not log it.
        task.exception()


async def _fetch(url: str, services: Services) -> dict[str, Any]:
    if services.instance_actor is None:
        # Made at `baraza init` and loaded at start-up; the wire layer only looks it up (the
        # one local Application actor), it never creates actors.
        services.instance_actor = await Actor.get_or_none(type="Application", local=True)
    if services.instance_actor is None:
        raise Refused("this instance has no instance actor to sign fetches: run `baraza init`")
    return await fetch_json(
        services.http,
        url,
        signer_actor=services.instance_actor,
        style=services.settings.signature_style,
    )


async def _fetch_actor(uri: str, services: Services) -> Actor:
    """Fetch and store; a document that names another URL on its host is fetched from there.

    That one refetch covers `/@alice` answering with `/users/alice`: the document is then
    taken from the URL it names, so its id and its source agree. `fetch_json` has already
    refused an id on another host.
    """
    doc = await _fetch(uri, services)
    if doc["id"] != uri:
        canonical = doc["id"]
        doc = await _fetch(canonical, services)
        if doc["id"] != canonical:
            raise Refused(f"{uri} does not serve a document with its own id")
        uri = canonical
    return await upsert_actor_document(doc, uri)


async def _fetch_key_owner(key_id: str, services: Services) -> Actor:
    """Find who owns `key_id` by fetching it.

    Mastodon's `actor#main-key` fetches the actor itself. Others serve a key document
    (`owner`, `publicKeyPem`) or a stub of the actor at `.../main-key`; then the owner is
    fetched in full and must list this very key, or anyone could claim any key.
    """
    url = key_id.split("#", 1)[0]
    doc = await _fetch(url, services)
    if _actor_type(doc.get("type")) is not None:
        if doc["id"] == url:
            actor = await upsert_actor_document(doc, url)
        else:
            actor = await get_actor(doc["id"], services=services, refresh=True)
    elif isinstance(doc.get("owner"), str) and "publicKeyPem" in doc:
        actor = await get_actor(doc["owner"], services=services, refresh=True)
    else:
        raise Refused(f"keyId {key_id} is neither an actor nor a public key")
    if actor.key_id != key_id:
        raise Refused(f"{actor.uri} does not list {key_id} as its public key")
    return actor


def _actor_type(value: object) -> str | None:
    """The actor type among `type`'s values (a list is allowed), AS2 prefixes removed."""
    values = value if isinstance(value, list) else [value]
    for item in values:
        if isinstance(item, str):
            name = item.removeprefix("https://www.w3.org/ns/activitystreams#")
            name = name.removeprefix("as:")
            if name in ACTOR_TYPES:
                return name
    return None


def _public_key(doc: dict[str, Any], actor_id: str) -> tuple[str, str]:
    """The actor's key id and PEM, checked to belong to the actor and to parse."""
    value = doc.get("publicKey")
    keys = [k for k in (value if isinstance(value, list) else [value]) if isinstance(k, dict)]
    if not keys:
        raise Refused(f"actor {actor_id} has no publicKey")
    key = next((k for k in keys if k.get("owner") == actor_id), keys[0])
    if key.get("owner") != actor_id:
        raise Refused(f"key owner mismatch: the key of {actor_id} names another owner")
    key_id = key.get("id")
    if not isinstance(key_id, str) or len(key_id) > _MAX_URL or not same_host(key_id, actor_id):
        # A key id on another host would let this actor shadow that host's real key.
        raise Refused(f"actor {actor_id} has a publicKey id that is not on its own host")
    pem = key.get("publicKeyPem")
    if not isinstance(pem, str):
        raise Refused(f"actor {actor_id} has no publicKeyPem")
    try:
        load_public_key_pem(pem)
    except BadSignature as exc:
        raise Refused(f"actor {actor_id}: publicKeyPem is not a usable public key") from exc
    return key_id, pem


def _username(doc: dict[str, Any], actor_id: str) -> str:
    name = doc.get("preferredUsername")
    if not isinstance(name, str) or not name.strip():
        name = urlsplit(actor_id).path.rstrip("/").rsplit("/", 1)[-1]
    name = name.strip()
    if not name or len(name) > _MAX_USERNAME:
        raise Refused(f"actor {actor_id} has no usable preferredUsername")
    return name


def _link(value: object) -> str | None:
    """One http(s) URL from an id, a Link object or a list of them (PeerTube, Misskey)."""
    links = _links(value)
    return links[0] if links else None


def _links(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items[:_MAX_ALIASES]:
        if isinstance(item, dict):
            item = item.get("href") or item.get("id")
        if isinstance(item, str) and len(item) <= _MAX_URL and _is_http_url(item):
            found.append(item)
    return found


def _is_http_url(value: str) -> bool:
    try:
        host_of(value)
    except BadRequest:
        return False
    return True
