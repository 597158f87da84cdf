"""Rendered discovery documents kept in process: actor documents, WebFinger, NodeInfo and the
first pages of actors' collections.

Only an answer that every requester would get is cached, and it is keyed by what decides it
(the name, the kind, the variant authorized fetch serves), never by who asked: a private space,
or a collection whose items depend on the viewer, is rendered per request as before. Checks
that depend on the requester (authorized fetch's signature, a blocked signer) run before the
cache is consulted. The decisions are pure functions below, tested by a table
(tests/actors/test_read_cache.py).

Every cache is dropped when a counter it depends on moves (`storage/cache_versions.py`:
triggers bump them on every write, in any process), so a profile edit, a suspension, a space
turned private, a new follower or a new post is seen by the very next request.
"""

from __future__ import annotations

import time

from actors.existence import OUTSIDER, ActorFacts, may_know_actor
from baraza.rendered import Rendered
from storage.cache_versions import VersionedCache

FULL = "full"
KEY_ONLY = "key"  # authorized fetch's answer to an unsigned GET of an actor
CACHED_PAGES = (None, 1)  # the collection itself and its first page: what peers fetch
NODEINFO_SECONDS = 60.0  # usage counts may lag a minute (new members are inserts)

ACTOR_DOCUMENTS: VersionedCache[tuple[str, str, str], Rendered] = VersionedCache(
    "actor documents", ("actors",)
)
WEBFINGER: VersionedCache[tuple[str, str | None], Rendered] = VersionedCache(
    "webfinger", ("actors",)
)
COLLECTIONS: VersionedCache[tuple[str, str, str, int | None], Rendered] = VersionedCache(
    "collections", ("actors", "follows", "new_posts", "posts")
)
NODEINFO: VersionedCache[str, tuple[float, Rendered]] = VersionedCache(
    "nodeinfo", ("actors", "new_posts", "posts")
)


def actor_variant(authorized_fetch: bool, signed: bool) -> str:
    """Which document an actor GET gets: the key-only one for an unsigned GET in authorized
    fetch mode (Mastodon's `restrict_fields_to`), the full one otherwise."""
    return KEY_ONLY if authorized_fetch and not signed else FULL


def actor_answer_is_shared(actor: ActorFacts, suspended: bool) -> bool:
    """Would every requester get this actor's document? Not for a suspended actor (404 for
    all, but a lifted suspension must show at once: not worth a special case) nor for a space
    an outsider may not know exists."""
    return not suspended and may_know_actor(actor, OUTSIDER)


def collection_is_shared(which: str, page: int | None, viewer_is_member: bool, space: bool) -> bool:
    """Is this collection answer the same for everyone, and does a counter say when it changes?
    `following` hides private spaces from all but their members, so only a non-member's view
    of it is shared. A space's outbox lists the Announces it relayed, which no counter watches.
    Only the collection and its first page are kept: later pages are rarely fetched."""
    if page not in CACHED_PAGES:
        return False
    if which == "following":
        return not viewer_is_member
    if which == "outbox":
        return not space
    return which == "followers"


def nodeinfo_fresh(filled_at: float, now: float) -> bool:
    return now - filled_at < NODEINFO_SECONDS


def nodeinfo_entry(cached: tuple[float, Rendered] | None) -> Rendered | None:
    if cached is None or not nodeinfo_fresh(cached[0], time.monotonic()):
        return None
    return cached[1]
