"""The figures of the admin console's dashboard, read in one place so the page only renders.

Moderators see the moderation figures only (open reports); `members` and the delivery queue
are an admin's (`outbox/console_access.py` says who is which).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.functions import Count

from outbox.peers import Peer, known_peers
from storage.models import Actor, AuditEntry, Delivery, Report

RECENT_AUDIT = 10
HOSTS_SHOWN = 20
PEERS_SHOWN = 20


@dataclass(frozen=True)
class HostQueue:
    host: str
    queued: int
    failing: int


@dataclass(frozen=True)
class Overview:
    open_reports: int
    unassigned_reports: int
    members: int | None = None
    active_month: int | None = None
    public_spaces: int | None = None
    private_spaces: int | None = None
    hosts: list[HostQueue] = field(default_factory=list)
    recent_audit: list[AuditEntry] = field(default_factory=list)
    peers: list[Peer] = field(default_factory=list)


async def _queue_by_host() -> list[HostQueue]:
    """Deliveries waiting per host; `failing` are those waiting after at least one failed try,
    busiest hosts first."""
    waiting = Delivery.filter(state__in=("queued", "sending"))
    queued = await waiting.annotate(n=Count("id")).group_by("host").values("host", "n")
    failing = (
        await waiting.filter(attempts__gt=0)
        .annotate(n=Count("id"))
        .group_by("host")
        .values("host", "n")
    )
    failed = {row["host"]: row["n"] for row in failing}
    rows = [HostQueue(row["host"], row["n"], failed.get(row["host"], 0)) for row in queued]
    rows.sort(key=lambda row: (-row.failing, -row.queued, row.host))
    return rows[:HOSTS_SHOWN]


async def overview(*, admin: bool, now: datetime | None = None) -> Overview:
    """The dashboard's figures; with `admin` False only the moderation ones."""
    reports = Report.filter(resolved_at=None)
    open_reports = await reports.count()
    unassigned = await reports.filter(assigned_to_id=None).count()
    if not admin:
        return Overview(open_reports=open_reports, unassigned_reports=unassigned)
    now = now or datetime.now(UTC)
    members = Actor.filter(local=True, type="Person", suspended_at=None)
    spaces = Actor.filter(local=True, type="Group", suspended_at=None)
    recent = await AuditEntry.all().order_by("-id").limit(RECENT_AUDIT)
    return Overview(
        open_reports=open_reports,
        unassigned_reports=unassigned,
        members=await members.count(),
        active_month=await members.filter(last_active_at__gte=now - timedelta(days=30)).count(),
        public_spaces=await spaces.filter(private=False).count(),
        private_spaces=await spaces.filter(private=True).count(),
        hosts=await _queue_by_host(),
        recent_audit=list(recent),
        peers=await _busiest_peers(),
    )


async def _busiest_peers() -> list[Peer]:
    """The peers with most accounts and deliveries here first: the ones an admin asks about."""
    peers = await known_peers()
    peers.sort(key=lambda p: (-(p.accounts + p.queued), p.domain))
    return peers[:PEERS_SHOWN]
