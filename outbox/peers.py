"""The peer instances this server knows, as the admin console shows them.

A peer is any remote domain an actor was cached from or a delivery was addressed to (the
`hosts` breaker table). Its state is one pure rule (`peer_state`) over the domain policy and
the breaker; its software comes from NodeInfo, fetched on demand (`refresh_peer`, the console's
button) through the one outbound client, and cached in `peer_instances` so listing peers never
waits on the network. Blocking and unblocking a peer are the domain-block actions of
`federation.domain_blocks`, the same the blocks page, the CLI and the admin API call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from tortoise.exceptions import BaseORMException
from tortoise.functions import Count

from federation.client import HttpClient
from federation.nodeinfo import NodeInfoError, fetch_software
from federation.policy import Policy, is_refused, load_policy
from storage.models import Actor, Delivery, DomainBlock, Host, PeerInstance

log = logging.getLogger(__name__)

State = Literal["blocked", "unavailable", "reachable", "unknown"]
STATES: tuple[State, ...] = ("blocked", "unavailable", "reachable", "unknown")
LISTED = 500
REFRESH_AFTER = timedelta(days=1)
REFRESH_BATCH = 20
REFRESH_FIRST_DELAY = 300.0
REFRESH_EVERY = 3600.0


def peer_state(policy: Policy, domain: str, *, unavailable: bool, delivered_once: bool) -> State:
    """Pure: what the console says of a peer.

    Blocked wins (a suspended domain, or any domain outside the allowlist in allowlist mode):
    nothing is exchanged with it whatever its health. Then the delivery breaker: unavailable
    while it is open; reachable once a delivery got through; unknown when nothing was ever
    delivered (we only read from it, or never tried).
    """
    if is_refused(policy, domain):
        return "blocked"
    if unavailable:
        return "unavailable"
    if delivered_once:
        return "reachable"
    return "unknown"


@dataclass(frozen=True)
class Peer:
    domain: str
    state: State
    accounts: int = 0
    queued: int = 0
    failing: int = 0
    cancelled: int = 0  # refused by policy or cut off by a suspension: never sent
    software: str = ""
    version: str = ""
    fetched_at: datetime | None = None
    error: str = ""
    block: DomainBlock | None = None


async def _waiting(domains: list[str] | None = None) -> tuple[dict[str, int], ...]:
    """Deliveries waiting per host, those waiting after at least one failed try, and those
    cancelled (what a block did to the queue is what an admin checks after it)."""
    waiting = Delivery.filter(state__in=("queued", "sending"))
    cancelled = Delivery.filter(state="cancelled")
    if domains is not None:
        waiting = waiting.filter(host__in=domains)
        cancelled = cancelled.filter(host__in=domains)
    counts = [
        await rows.annotate(n=Count("id")).group_by("host").values("host", "n")
        for rows in (waiting, waiting.filter(attempts__gt=0), cancelled)
    ]
    return tuple({r["host"]: r["n"] for r in rows} for rows in counts)


async def _gather(domains: list[str] | None) -> list[Peer]:
    """Every fact the rule and the page need, one query per table."""
    actors = Actor.filter(local=False)
    hosts = Host.all()
    cached = PeerInstance.all()
    if domains is not None:
        actors = actors.filter(domain__in=domains)
        hosts = hosts.filter(domain__in=domains)
        cached = cached.filter(domain__in=domains)
    accounts = {
        r["domain"]: r["n"]
        for r in await actors.annotate(n=Count("id")).group_by("domain").values("domain", "n")
    }
    health = {h.domain: h for h in await hosts}
    software = {p.domain: p for p in await cached}
    queued, failing, cancelled = await _waiting(domains)
    policy = await load_policy()
    names = set(accounts) | set(health) | set(queued)
    if domains is not None:
        names &= set(domains)
    blocks = {b.domain: b for b in await DomainBlock.all()}
    peers = []
    for name in sorted(names):
        host = health.get(name)
        info = software.get(name)
        peers.append(
            Peer(
                domain=name,
                state=peer_state(
                    policy,
                    name,
                    unavailable=host is not None and host.unavailable_since is not None,
                    delivered_once=host is not None and host.last_success_at is not None,
                ),
                accounts=accounts.get(name, 0),
                queued=queued.get(name, 0),
                failing=failing.get(name, 0),
                cancelled=cancelled.get(name, 0),
                software=info.software_name if info else "",
                version=info.software_version if info else "",
                fetched_at=info.fetched_at if info else None,
                error=info.error if info else "",
                block=_block_for(blocks, name),
            )
        )
    return peers


def _block_for(blocks: dict[str, DomainBlock], domain: str) -> DomainBlock | None:
    """The block covering `domain` (its own, or a parent domain's; ports ignored)."""
    name = domain.rsplit(":", 1)[0] if domain.count(":") == 1 else domain
    parts = name.split(".")
    for i in range(len(parts)):
        found = blocks.get(".".join(parts[i:]))
        if found is not None:
            return found
    return None


async def known_peers(query: str = "", limit: int = LISTED) -> list[Peer]:
    """Peers whose domain contains `query`, in domain order, at most `limit`."""
    peers = await _gather(None)
    needle = query.strip().lower()
    if needle:
        peers = [p for p in peers if needle in p.domain]
    return peers[:limit]


async def peer(domain: str) -> Peer | None:
    """One known peer, or None when nothing here has ever come from or gone to `domain`."""
    found = await _gather([domain])
    return found[0] if found else None


async def _base_url(domain: str, default_scheme: str) -> str:
    """Where the peer answers: the scheme its actors' ids use, else the instance's own."""
    uris = await Actor.filter(local=False, domain=domain).limit(1).values_list("uri", flat=True)
    uri = uris[0] if uris else None
    scheme = uri.split("://", 1)[0] if isinstance(uri, str) and "://" in uri else default_scheme
    return f"{scheme}://{domain}"


class PeerBlocked(Exception):
    """The domain policy forbids talking to this peer, NodeInfo included."""


async def refresh_peer(
    http: HttpClient, domain: str, *, default_scheme: str = "https"
) -> PeerInstance:
    """Fetch the peer's NodeInfo now and cache what it says, or why it said nothing.

    A blocked peer costs no request, as for every other fetch. The fetch runs outside any
    transaction (it may take seconds); the cache row is written after it.
    """
    if is_refused(await load_policy(), domain):
        raise PeerBlocked(domain)
    now = datetime.now(UTC)
    try:
        software = await fetch_software(http, await _base_url(domain, default_scheme))
    except NodeInfoError as exc:
        values = {"fetched_at": now, "error": str(exc)[:255]}
    else:
        values = {
            "fetched_at": now,
            "error": "",
            "software_name": software.name,
            "software_version": software.version,
        }
    row, _created = await PeerInstance.update_or_create(defaults=values, domain=domain)
    return row


def stale_peers(
    peers: Iterable[Peer], now: datetime, *, after: timedelta = REFRESH_AFTER, limit: int
) -> list[str]:
    """Pure: the peers whose NodeInfo the worker should read next, never-read first, then
    the oldest; blocked peers are never fetched."""
    due = [
        p
        for p in peers
        if p.state != "blocked" and (p.fetched_at is None or now - p.fetched_at >= after)
    ]
    oldest = datetime.min.replace(tzinfo=UTC)
    due.sort(key=lambda p: (p.fetched_at is not None, p.fetched_at or oldest, p.domain))
    return [p.domain for p in due[:limit]]


async def refresh_stale_peers(
    http: HttpClient, *, default_scheme: str = "https", limit: int = REFRESH_BATCH
) -> int:
    """Read the NodeInfo of up to `limit` stale peers, one after another (a few requests an
    hour, never a burst); how many were read."""
    done = 0
    for domain in stale_peers(await _gather(None), datetime.now(UTC), limit=limit):
        with contextlib.suppress(PeerBlocked):  # blocked since the list was read
            await refresh_peer(http, domain, default_scheme=default_scheme)
            done += 1
    return done


async def run_nodeinfo_refresh(
    http: HttpClient,
    stop: asyncio.Event,
    *,
    default_scheme: str = "https",
    first_delay: float = REFRESH_FIRST_DELAY,
    every: float = REFRESH_EVERY,
) -> None:
    """The worker's loop: after `first_delay`, refresh stale peers every `every` seconds."""
    delay = first_delay
    while True:
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
            return
        except TimeoutError:
            pass
        try:
            read = await refresh_stale_peers(http, default_scheme=default_scheme)
            if read:
                log.info("read the NodeInfo of %d peers", read)
        except (OSError, BaseORMException) as exc:
            log.warning("peer NodeInfo not refreshed this round: %s", exc)
        delay = every
