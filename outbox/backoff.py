"""When to try a failed delivery again, and whether to try at all.

Pure functions of their inputs so the schedule and the classification can be read (and
tested) as tables. The schedule spreads `MAX_ATTEMPTS` attempts over about three days: long
enough to ride out a peer's weekend outage, short enough that a dead server stops costing us.
"""

from __future__ import annotations

import enum
from datetime import timedelta
from typing import Protocol

MAX_ATTEMPTS = 10
BASE_DELAY = timedelta(seconds=30)
FACTOR = 4
MAX_DELAY = timedelta(hours=20)
JITTER = 0.1
"""± fraction of the delay, so that deliveries failed together do not retry in lockstep."""

# Reasons from `federation.client.FetchError` that no retry can fix: the URL itself is bad.
PERMANENT_ERRORS = frozenset(
    {
        "forbidden address",
        "non-canonical IP literal",
        "unsupported scheme",
        "invalid url",
        "too many redirects",
    }
)


class Random(Protocol):
    """The part of `random.Random` the schedule needs; tests pass a seeded instance."""

    def uniform(self, a: float, b: float) -> float: ...


class Outcome(enum.Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GIVE_UP = "give_up"


def base_delay(attempts: int) -> timedelta:
    """The delay before the next try after `attempts` failed tries, without jitter."""
    if attempts < 1:
        return timedelta(0)
    seconds = BASE_DELAY.total_seconds() * FACTOR ** min(attempts - 1, 32)
    return timedelta(seconds=min(seconds, MAX_DELAY.total_seconds()))


def next_delay(attempts: int, rng: Random) -> timedelta:
    """Exponential backoff (30 s, 2 min, 8 min … capped at 20 h) with ±10 % jitter."""
    delay = base_delay(attempts)
    return delay * (1 + rng.uniform(-JITTER, JITTER))


def classify(status: int | None, error: str | None) -> Outcome:
    """What a response (or the lack of one) means for the delivery.

    Peers that are down, overloaded or slow (5xx, 429, 408, no answer) may recover; any
    other 4xx says the peer understood and refused, and 410 Gone says the inbox is no more,
    so sending again would only repeat the refusal. A 3xx is not followed for a POST (see
    `HttpClient.post`) and is retried, as Mastodon does: it is usually a misconfiguration
    that gets fixed.
    """
    if status is None:
        if error is not None and error in PERMANENT_ERRORS:
            return Outcome.GIVE_UP
        return Outcome.RETRY
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (408, 429) or status >= 500:
        return Outcome.RETRY
    if 400 <= status < 500:
        return Outcome.GIVE_UP
    return Outcome.RETRY
