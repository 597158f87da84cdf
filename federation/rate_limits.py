"""Fixed-window request limits keyed by a string (a peer's host, a token, an address).

A flood from one hostile instance, one leaked token or one address must not starve everyone
else on a modest server; the answer to going over is a 429 with the seconds to wait, which
well-behaved peers (Mastodon's delivery queue among them) honour by retrying later.

One process (SQLite) counts in memory (`hit`). Several server processes on one PostgreSQL
count together (`check`): one atomic upsert per request in `storage.rate_counters`, so a key
gets the limit across all of them, not the limit in each; should that query fail, the process
falls back to its own count rather than refuse or wave everyone through. Either way the answer
is the pure `decide` over the window's start, its hits and the time, tested by a table.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from storage import rate_counters

log = logging.getLogger(__name__)

__all__ = ["Decision", "Rate", "RateLimiter", "parse_rate"]

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*([smh]?)\s*$")


@dataclass(frozen=True, slots=True)
class Rate:
    """`limit` requests per `window` seconds."""

    limit: int
    window: float


def parse_rate(text: str | None, default: Rate | None) -> Rate | None:
    """`"300/5m"`, `"300/300"` (seconds) or `"10/1h"`; `"off"` or `"0"` disables the limit.

    A malformed value raises `ValueError` at start-up rather than silently running unlimited.
    """
    if text is None or not text.strip():
        return default
    if text.strip().lower() in ("off", "0", "none"):
        return None
    match = _RATE.match(text)
    if match is None:
        raise ValueError(f"rate {text!r} is not LIMIT/SECONDS, e.g. 300/5m")
    limit, amount, unit = int(match[1]), int(match[2]), match[3]
    if limit < 1 or amount < 1:
        raise ValueError(f"rate {text!r} must have a positive limit and window")
    return Rate(limit, float(amount * _UNITS[unit]))


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer for one request, and what the `X-RateLimit-*` headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # whole seconds until the window ends (Retry-After when refused)


def decide(rate: Rate, start: float, hits: int, now: float) -> Decision:
    """Pure: the answer to the `hits`-th request (this one included) of the window that
    began at `start`, asked at `now`. Refused requests may count (the shared counter keeps
    counting) without changing the answer."""
    counted = min(hits, rate.limit)
    reset_after = max(1, math.ceil(start + rate.window - now))
    return Decision(hits <= rate.limit, rate.limit, rate.limit - counted, reset_after)


PRUNE_SECONDS = 60.0


class RateLimiter:
    """Counts hits per key in fixed windows of `rate.window` seconds.

    Old windows are dropped when the table grows past `max_keys`, so a flood of distinct
    keys (spoofed hosts, random tokens) costs bounded memory. `name` keeps this limiter's
    keys apart from other limiters' in the shared table; `shared` forces (or forbids) counting
    there, `None` following whether this process is linked to others (`storage.bus`).
    """

    def __init__(
        self,
        rate: Rate,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
        name: str = "limit",
        shared: bool | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[str, tuple[float, int]] = {}
        self.name = name
        self._shared = shared
        self._wall_clock = wall_clock
        self._pruned_at = 0.0
        self._failing = False

    async def check(self, key: str) -> Decision:
        """Count one request for `key` in every process's count, or this one's alone."""
        shared = rate_counters.enabled() if self._shared is None else self._shared
        if not shared:
            return self.hit(key)
        now = self._wall_clock()
        try:
            start, hits = await rate_counters.count_hit(
                self._shared_key(key), now, self.rate.window
            )
            if now - self._pruned_at >= PRUNE_SECONDS:
                self._pruned_at = now
                await rate_counters.prune(f"{self.name}:", now - self.rate.window)
        except rate_counters.DATABASE_ERRORS as exc:
            if not self._failing:
                log.warning("rate limit %s counted in this process only: %s", self.name, exc)
            self._failing = True
            return self.hit(key)
        self._failing = False
        return decide(self.rate, start, hits, now)

    def _shared_key(self, key: str) -> str:
        """`name:key`, the key hashed when it would not fit the column (a long host name)."""
        if len(key) > 200:
            key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
        return f"{self.name}:{key}"

    def hit(self, key: str) -> Decision:
        """Count one request for `key` and say whether it may proceed."""
        now = self._clock()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self.rate.window:
            start, count = now, 0
        allowed = count < self.rate.limit
        if allowed:
            count += 1
        if key not in self._windows and len(self._windows) >= self._max_keys:
            self._prune(now)
        self._windows[key] = (start, count)
        return decide(self.rate, start, count if allowed else count + 1, now)

    def _prune(self, now: float) -> None:
        expired = [k for k, (start, _) in self._windows.items() if now - start >= self.rate.window]
        for key in expired:
            del self._windows[key]
        if len(self._windows) >= self._max_keys:
            # Still full of live windows: forget the oldest half rather than grow without bound.
            oldest = sorted(self._windows, key=lambda k: self._windows[k][0])
            for key in oldest[: len(oldest) // 2]:
                del self._windows[key]
