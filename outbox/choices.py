"""Pure rules for what members choose: pins, domain blocks, muted threads, followed tags and
scheduled posts. No I/O: each takes the facts its action gathered and answers; table-tested in
tests/outbox/test_choices.py.

Mastodon is the reference for each (docs.joinmastodon.org/methods/): five pins, a scheduled
post at least five minutes ahead, a domain block that hides a domain's posts everywhere but
lets a followed account's notifications through.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

PIN_LIMIT = 5
"""Mastodon's limit of pinned posts per local account (`max_pinned_statuses`)."""

PINNABLE = frozenset({"public", "unlisted"})
"""Stored visibilities a pin may show: a pin is on the profile and in the public `featured`
collection, so followers-only, direct and space posts stay off it."""

SCHEDULE_LEAD = timedelta(minutes=5)
"""How far ahead a scheduled post must be (Mastodon's `ScheduledStatus` validation)."""

MAX_SCHEDULED = 300
MAX_SCHEDULED_PER_DAY = 50
"""Mastodon's limits on a member's scheduled posts: in all, and for any one (UTC) day."""

MAX_THREAD_DEPTH = 100
"""How many parents a thread's root is looked for through; a longer chain ends there."""

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_TAG = re.compile(r"^\w*[^\W\d_]\w*$")
MAX_TAG_LENGTH = 100


def pin_refusal(
    *, own: bool, visibility: str, pinned_count: int, already_pinned: bool
) -> str | None:
    """Why a member may not pin a post (the 422's reason), or None when they may.

    Pinning a post already pinned is no change and no error (Mastodon answers the status).
    """
    if not own:
        return "Validation failed: You can only pin your own posts"
    if visibility not in PINNABLE:
        return "Validation failed: Only public and unlisted posts can be pinned"
    if already_pinned:
        return None
    if pinned_count >= PIN_LIMIT:
        return f"Validation failed: You can pin at most {PIN_LIMIT} posts"
    return None


def normal_domain(value: object) -> str | None:
    """A domain as a member types it (`Example.ORG`, `https://example.org/`), or None.

    Lower case, without scheme, path or trailing dot; only a syntactically valid host name.
    """
    if not isinstance(value, str):
        return None
    domain = value.strip().lower()
    for prefix in ("https://", "http://"):
        domain = domain.removeprefix(prefix)
    domain = domain.split("/", 1)[0].rstrip(".")
    if "@" in domain:
        domain = domain.rsplit("@", 1)[1]
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return domain if _DOMAIN.match(domain) else None


def domain_block_refusal(domain: str | None, own_host: str) -> str | None:
    """Why a member may not block `domain`: none given, or our own (that is muting everyone)."""
    if domain is None:
        return "Validation failed: domain must be a host name such as example.org"
    if domain == own_host.split(":", 1)[0].lower():
        return "Validation failed: you cannot block your own server"
    return None


def hidden_by_domain(blocked: frozenset[str], author_domain: str, author_local: bool) -> bool:
    """Does a member's domain block hide this author's posts from their timelines?

    A blocked domain's subdomains are blocked with it, as Mastodon's domain blocks match.
    """
    if author_local or not blocked:
        return False
    domain = author_domain.split(":", 1)[0].lower()
    return any(domain == d or domain.endswith(f".{d}") for d in blocked)


def hears_from_domain(blocked: frozenset[str], author_domain: str, *, follows: bool) -> bool:
    """May a notification from a remote author reach a member who blocks domains?

    An account the member follows still reaches them (Mastodon's NotifyService exception).
    """
    return follows or not hidden_by_domain(blocked, author_domain, author_local=False)


def tag_name(value: object) -> str | None:
    """A hashtag's name as stored and compared: without `#`, lower case; None if not one."""
    if not isinstance(value, str):
        return None
    name = value.strip().removeprefix("#")
    if not name or len(name) > MAX_TAG_LENGTH or not _TAG.match(name):
        return None
    return name.lower()


def schedule_refusal(
    scheduled_at: datetime, now: datetime, *, waiting: int = 0, same_day: int = 0
) -> str | None:
    """Why a post may not be scheduled at `scheduled_at` (timezone-aware), or None.

    `waiting` is how many of the member's posts wait already, `same_day` how many of them
    fall on the same UTC day: Mastodon allows 300 and 50.
    """
    if scheduled_at - now < SCHEDULE_LEAD:
        return "Validation failed: Scheduled at must be at least 5 minutes in the future"
    if waiting >= MAX_SCHEDULED:
        return f"Validation failed: at most {MAX_SCHEDULED} posts may wait to be published"
    if same_day >= MAX_SCHEDULED_PER_DAY:
        return f"Validation failed: at most {MAX_SCHEDULED_PER_DAY} posts may be scheduled a day"
    return None


def thread_root(uri: str, parents: Mapping[str, str | None]) -> str:
    """The first post of the thread `uri` is in: follow `parents` (a post's URI to the URI it
    replies to, None for a post that replies to nothing) up as far as they are known.

    A parent we never stored is the root as far as we know. A cycle (a forged reply chain)
    or a chain longer than `MAX_THREAD_DEPTH` ends where it was cut.
    """
    seen = {uri}
    current = uri
    for _ in range(MAX_THREAD_DEPTH):
        parent = parents.get(current)
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent
    return current


def conversation_participants(owner_id: int, author_id: int, mentioned_ids: list[int]) -> list[int]:
    """Who a member talks with in a direct thread: the last post's author and the accounts it
    mentions, without the member, in that order and each once (Mastodon's `accounts`)."""
    out: list[int] = []
    for actor_id in (author_id, *mentioned_ids):
        if actor_id != owner_id and actor_id not in out:
            out.append(actor_id)
    return out
