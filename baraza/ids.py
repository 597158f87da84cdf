"""Time-ordered 64-bit ids for posts and activities.

Mastodon's clients page by id (`max_id`, `min_id`), so ids must sort by creation time; they
are also known before the row is written, so a post's URI can be built in the same insert.
"""

from __future__ import annotations

import secrets
import time

_last = 0


def new_id(now_ms: int | None = None) -> int:
    """48 bits of milliseconds, 16 random bits; strictly increasing within this process."""
    global _last
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    candidate = (ms << 16) | secrets.randbits(16)
    if candidate <= _last:
        candidate = _last + 1
    _last = candidate
    return candidate


def id_floor(ms: int) -> int:
    """The smallest id created at or after `ms` (for time-based pagination)."""
    return ms << 16
