"""Per-host signature styles ("double knocking", as Fedify does it).

Peers differ in which HTTP signature they verify: Mastodon and most others draft-cavage, newer
servers RFC 9421, and some answer a style they do not know with 401, 400 or even 500. One
setting for every peer would lock some of them out, so each signed request:

1. is signed in the style this host last accepted (or the configured preference);
2. if the answer looks like a refused signature (400, 401, 5xx), is sent once more in the
   other style;
3. and whichever style got a 2xx is remembered for the host: in the `hosts` table, so it
   survives restarts, and in a small in-process cache, so reading it costs no query on the
   hot path of delivery.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol, TypeVar

from tortoise.exceptions import IntegrityError

from storage.models import Host

STYLES = ("cavage", "rfc9421")
CACHE_SECONDS = 300.0
"""How long a process trusts what it read; another process may have learned better since."""

_cache: dict[str, tuple[str | None, float]] = {}


class Answer(Protocol):
    status: int


A = TypeVar("A", bound=Answer)


def other_style(style: str) -> str:
    return STYLES[1] if style == STYLES[0] else STYLES[0]


def may_be_signature_refusal(status: int) -> bool:
    """Statuses a peer gives when it could not verify (or choked on) our signature's style.

    403 is left out: servers answer it for a block, which no other style would change; 404
    and 410 say the signature was fine and the object is not there.
    """
    return status in (400, 401) or 500 <= status < 600


async def known_style(host: str) -> str | None:
    """The style `host` last accepted, if we ever learned one."""
    cached = _cache.get(host)
    now = time.monotonic()
    if cached is not None and cached[1] > now:
        return cached[0]
    rows = await Host.filter(domain=host).limit(1).values_list("signature_style", flat=True)
    found = rows[0] if rows and rows[0] in STYLES else None
    _cache[host] = (found, now + CACHE_SECONDS)
    return found


async def prime_styles(hosts: Iterable[str]) -> None:
    """Read the styles of the hosts a claimed batch goes to in one query, so that each send
    finds its host's style in the cache instead of asking the database itself."""
    now = time.monotonic()
    unknown = {h for h in hosts if (c := _cache.get(h)) is None or c[1] <= now}
    if not unknown:
        return
    rows = await Host.filter(domain__in=unknown).values_list("domain", "signature_style")
    found = {domain: style for domain, style in rows if style in STYLES}
    for host in unknown:
        _cache[host] = (found.get(host), now + CACHE_SECONDS)


def note_style(host: str, style: str) -> bool:
    """Put what worked in the cache only; True when it is news the database must be told
    (the caller stores it: the delivery worker, for a whole batch at once)."""
    if style not in STYLES:
        raise ValueError(f"unknown signature style {style!r}")
    cached = _cache.get(host)
    if cached is not None and cached[0] == style and cached[1] > time.monotonic():
        return False
    _cache[host] = (style, time.monotonic() + CACHE_SECONDS)
    return True


async def remember_style(host: str, style: str) -> None:
    """Store what worked; nothing is written when it is what we already knew."""
    if style not in STYLES:
        raise ValueError(f"unknown signature style {style!r}")
    if await known_style(host) == style:
        return
    updated = await Host.filter(domain=host).update(signature_style=style)
    if not updated:
        try:
            await Host.create(domain=host, signature_style=style)
        except IntegrityError:
            await Host.filter(domain=host).update(signature_style=style)
    _cache[host] = (style, time.monotonic() + CACHE_SECONDS)


def forget_cached_styles() -> None:
    """Drop the in-process cache (tests that swap databases under one process)."""
    _cache.clear()


async def knock(
    host: str,
    preferred: str,
    send: Callable[[str], Awaitable[A]],
    remember: Callable[[str, str], Awaitable[None]] | None = None,
) -> A:
    """Send with the host's style, fall back to the other once, remember what got a 2xx.

    `send(style)` makes one signed request and returns its answer; exceptions (no answer at
    all) pass through, since no other signature would help a peer that is down. `remember`
    (default `remember_style`, written at once) lets the delivery worker batch the writes.
    """
    remember = remember or remember_style
    first = await known_style(host) or (preferred if preferred in STYLES else STYLES[0])
    answer = await send(first)
    if may_be_signature_refusal(answer.status):
        second = other_style(first)
        retry = await send(second)
        if 200 <= retry.status < 300:
            await remember(host, second)
        return retry
    if 200 <= answer.status < 300:
        await remember(host, first)
    return answer
