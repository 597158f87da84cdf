"""Turning a handle someone typed (`@alice@example.org`) into an actor.

The handle's domain is the authority for the name, so its WebFinger answer decides which
actor the handle means. That actor may live on another host (Mastodon's LOCAL_DOMAIN /
WEB_DOMAIN split: handles `@alice@example.org`, actor on `social.example.org`); then the
actor's own host must confirm, through its WebFinger, that the actor's canonical handle is
the one asked about. Without that round trip any domain could give a handle of its own to
someone else's actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from actors.accounts import local_actor
from federation.activities import host_of, parse_json
from federation.client import FetchError
from federation.errors import BadRequest, FederationError, NotFound
from federation.policy import check_inbound_host
from federation.remote_actors import get_actor
from storage.models import Actor

if TYPE_CHECKING:
    from baraza.services import Services

__all__ = ["JRD_ACCEPT", "parse_handle", "resolve_handle"]

JRD_ACCEPT = "application/jrd+json, application/json;q=0.9"
_AS2_TYPES = ("application/activity+json", "application/ld+json")


def parse_handle(handle: str) -> tuple[str, str]:
    """(user, domain) from `user@domain`, `@user@domain` or `acct:user@domain`."""
    text = handle.strip().removeprefix("acct:").removeprefix("@")
    user, sep, domain = text.rpartition("@")
    domain = domain.lower().rstrip(".")
    if not sep or not user or not domain or "@" in user or "/" in domain:
        raise NotFound(f"{handle[:200]!r} is not a handle like user@domain")
    if any(c.isspace() for c in user + domain):
        raise NotFound(f"{handle[:200]!r} is not a handle like user@domain")
    return user, domain


async def resolve_handle(handle: str, *, services: Services) -> Actor:
    """The actor a handle names, local or remote; `NotFound` says why it could not be found."""
    user, domain = parse_handle(handle)
    settings = services.settings
    if domain == settings.host:
        actor = await local_actor(user)
        if actor is None or actor.suspended_at is not None:
            raise NotFound(f"no account {user}@{domain} on this server")
        return actor
    try:
        href = await _self_link(user, domain, services)
        actor = await get_actor(href, services=services)
        if host_of(actor.uri) != domain:
            await _confirm_split_domain(actor, user, domain, services)
    except NotFound:
        raise
    except FederationError as exc:
        # Blocked, unreachable or an invalid actor: to whoever typed the handle, not found.
        raise NotFound(f"cannot resolve {user}@{domain}: {exc.reason}") from exc
    return actor


async def _confirm_split_domain(actor: Actor, user: str, domain: str, services: Services) -> None:
    """The actor's host must say that the actor's handle is `user@domain` (the round trip)."""
    actor_host = host_of(actor.uri)
    jrd = await _webfinger(actor.username, actor_host, services)
    subject = jrd.get("subject")
    if not isinstance(subject, str) or subject.lower() != f"acct:{user}@{domain}".lower():
        raise NotFound(
            f"{actor.uri} does not confirm the handle {user}@{domain} "
            f"(its server names it {str(subject)[:200]})"
        )
    if _as2_self_href(jrd) != actor.uri:
        raise NotFound(f"{actor_host} does not point {user}@{domain} at {actor.uri}")


async def _self_link(user: str, domain: str, services: Services) -> str:
    href = _as2_self_href(await _webfinger(user, domain, services))
    if href is None:
        raise NotFound(f"WebFinger for {user}@{domain} has no ActivityPub actor link")
    return href


async def _webfinger(user: str, domain: str, services: Services) -> dict[str, Any]:
    """One WebFinger lookup; redirects are allowed, since the answer is only a pointer."""
    await check_inbound_host(domain)
    scheme = "http" if services.settings.scheme == "http" else "https"
    resource = quote(f"acct:{user}@{domain}", safe=":@")
    url = f"{scheme}://{domain}/.well-known/webfinger?resource={resource}"
    try:
        response = await services.http.get(url, accept=JRD_ACCEPT)
    except FetchError as exc:
        raise NotFound(f"WebFinger for {user}@{domain} failed: {exc.reason}") from exc
    if response.status != 200:
        raise NotFound(f"WebFinger for {user}@{domain} answered {response.status}")
    try:
        return parse_json(response.body)
    except BadRequest as exc:
        raise NotFound(f"WebFinger for {user}@{domain} is not JSON: {exc.reason}") from exc


def _as2_self_href(jrd: dict[str, Any]) -> str | None:
    """The `self` link with an ActivityStreams media type; other `self` links are profiles."""
    links = jrd.get("links")
    if not isinstance(links, list):
        return None
    for link in links:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        media_type = link.get("type")
        href = link.get("href")
        if not isinstance(media_type, str) or not isinstance(href, str):
            continue
        if media_type.split(";", 1)[0].strip().lower() in _AS2_TYPES:
            try:
                host_of(href)
            except BadRequest:
                continue
            return href
    return None
