"""Rendered post documents kept in process, for the object GETs peers make most.

A post is cached only when every requester gets the same answer: a public or unlisted post
outside any private space (which `may_see` shows to anyone, anonymous included), or a deleted
one (its Tombstone, 410, for anyone). Followers-only, direct and space posts depend on who
asks and are decided per request as before. Authorized fetch's signature check still runs
before a cached live post is served. Dropped when any post or actor changes
(`storage/cache_versions.py`): an edit, a deletion, a post moved into a space, its author
suspended or renamed.
"""

from __future__ import annotations

from baraza.rendered import Rendered
from outbox.visibility import ANONYMOUS, Subject, may_see
from storage.cache_versions import VersionedCache

OBJECTS: VersionedCache[tuple[str, int, str], Rendered] = VersionedCache(
    "objects", ("actors", "posts")
)


def object_answer_is_shared(subject: Subject) -> bool:
    """Would every requester get this answer? A Tombstone goes to anyone; a live post only
    when the anonymous requester may see it (and so, by `may_see`, everyone may)."""
    return subject.deleted or may_see(subject, ANONYMOUS)
