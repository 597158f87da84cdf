"""Fixed-window request limits keyed by a string (a peer's host, a token, an address).

A flood from one hostile instance, one leaked token or one address must not starve everyone
else on a modest server; the answer to going over is a 429 with the seconds to wait, which
well-behaved peers (Mastodon's delivery queue among them) honour by retrying later.

The limiter is in-process: each server process counts on its own, so with N processes a
key may get up to N times the limit. That is coarse but needs no shared store, and the
point is to blunt floods, not to meter exactly. The clock is injected so the decision is a
pure function of the hits and the time, tested by a table.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

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


class RateLimiter:
    """Counts hits per key in fixed windows of `rate.window` seconds.

    Old windows are dropped when the table grows past `max_keys`, so a flood of distinct
    keys (spoofed hosts, random tokens) costs bounded memory.
    """

    def __init__(
        self,
        rate: Rate,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._max_keys = max_keys
        self._windows: dict[str, tuple[float, int]] = {}

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
        reset_after = max(1, math.ceil(start + self.rate.window - now))
        return Decision(allowed, self.rate.limit, self.rate.limit - count, reset_after)

    def _prune(self, now: float) -> None:
        expired = [k for k, (start, _) in self._windows.items() if now - start >= self.rate.window]
        for key in expired:
            del self._windows[key]
        if len(self._windows) >= self._max_keys:
            # Still full of live windows: forget the oldest half rather than grow without bound.
            oldest = sorted(self._windows, key=lambda k: self._windows[k][0])
            for key in oldest[: len(oldest) // 2]:
                del self._windows[key]
