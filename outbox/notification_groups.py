"""Grouped notifications (Mastodon 4.3): which notifications share a group, as a pure key.

Favourites and boosts of one post, and follows, made within the same hour share a group; every
other notification is its own group, `ungrouped-{id}`, the form Mastodon documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

GROUPED_TYPES = frozenset({"favourite", "reblog", "follow"})
BUCKET_SECONDS = 3600


class Groupable(Protocol):
    id: int
    type: str
    created_at: datetime


def _bucket(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp()) // BUCKET_SECONDS


def key_for(
    notification_id: int,
    type: str,
    post_id: int | None,
    created_at: datetime,
    grouped: frozenset[str] = GROUPED_TYPES,
) -> str:
    """Pure: the group key; a type the client does not group (`grouped_types[]`) is ungrouped."""
    if type not in grouped or type not in GROUPED_TYPES:
        return f"ungrouped-{notification_id}"
    if type == "follow":
        return f"follow-{_bucket(created_at)}"
    return f"{type}-{post_id}-{_bucket(created_at)}"


def group_key(row: Groupable, grouped: frozenset[str] = GROUPED_TYPES) -> str:
    return key_for(row.id, row.type, getattr(row, "post_id", None), row.created_at, grouped)
