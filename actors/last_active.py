"""When a member was last active: written where activity happens, read by NodeInfo's counts.

Sign-in, every use of a token and posting mark a member active. The mark has an hour's
resolution: a member already marked within the hour is not written again, so the many reads
of a busy client cost no writes (the actor row is loaded with the token anyway).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from storage.models import Actor

RESOLUTION = timedelta(hours=1)


def needs_mark(last_active_at: datetime | None, now: datetime) -> bool:
    """Pure: is the stored mark missing or older than the resolution?"""
    return last_active_at is None or now - last_active_at >= RESOLUTION


async def mark_active(member: Actor | None, now: datetime | None = None) -> bool:
    """Mark a local member active now, at most once per `RESOLUTION`; True if written.

    The update is conditional in SQL too, so two requests racing write once at most.
    """
    if member is None or not member.local or member.type != "Person":
        return False
    now = now or datetime.now(UTC)
    if not needs_mark(member.last_active_at, now):
        return False
    stale = Q(last_active_at__isnull=True) | Q(last_active_at__lte=now - RESOLUTION)
    written = await Actor.filter(stale, id=member.id).update(last_active_at=now)
    member.last_active_at = now
    return bool(written)
