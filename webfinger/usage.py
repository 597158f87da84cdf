"""NodeInfo usage figures. Only public posts count: private spaces leak not even a number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from actors.existence import knowledge, not_in_hidden_spaces
from storage.models import Actor, Post


@dataclass(frozen=True)
class Usage:
    users: int
    active_month: int
    active_halfyear: int
    local_posts: int


async def usage_counts(now: datetime | None = None) -> Usage:
    now = now or datetime.now(UTC)
    members = Actor.filter(local=True, type="Person", suspended_at=None)
    return Usage(
        users=await members.count(),
        active_month=await members.filter(last_active_at__gte=now - timedelta(days=30)).count(),
        active_halfyear=await members.filter(last_active_at__gte=now - timedelta(days=180)).count(),
        local_posts=await Post.filter(
            not_in_hidden_spaces((await knowledge(None)).hidden),
            local=True,
            visibility="public",
            deleted_at=None,
        ).count(),
    )
