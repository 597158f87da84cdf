"""The retry schedule and the meaning of each answer, as tables."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from outbox.backoff import JITTER, MAX_ATTEMPTS, Outcome, base_delay, classify, next_delay

CLASSIFY_CASES = [
    # status, error, expected, why
    (200, None, Outcome.DELIVERED, "OK"),
    (202, None, Outcome.DELIVERED, "Accepted: what Mastodon answers"),
    (204, None, Outcome.DELIVERED, "No Content"),
    (500, None, Outcome.RETRY, "server error may be transient"),
    (502, None, Outcome.RETRY, "bad gateway: proxy up, app down"),
    (503, None, Outcome.RETRY, "unavailable, e.g. maintenance"),
    (429, None, Outcome.RETRY, "rate limited: slow down, not stop"),
    (408, None, Outcome.RETRY, "request timeout"),
    (400, None, Outcome.GIVE_UP, "the peer rejects the payload; resending repeats it"),
    (401, None, Outcome.GIVE_UP, "signature refused"),
    (403, None, Outcome.GIVE_UP, "we are blocked"),
    (404, None, Outcome.GIVE_UP, "no such inbox"),
    (410, None, Outcome.GIVE_UP, "Gone: the actor was deleted"),
    (422, None, Outcome.GIVE_UP, "unprocessable"),
    (301, None, Outcome.RETRY, "redirects are not followed on POST; usually a fixable config"),
    (None, "timeout", Outcome.RETRY, "no answer in time"),
    (None, "connection failed", Outcome.RETRY, "host down"),
    (None, "dns resolution failed", Outcome.RETRY, "DNS hiccup"),
    (None, "server disconnected", Outcome.RETRY, "dropped mid-answer"),
    (None, None, Outcome.RETRY, "unknown failure: give it another chance"),
    (None, "forbidden address", Outcome.GIVE_UP, "SSRF guard: will never be allowed"),
    (None, "unsupported scheme", Outcome.GIVE_UP, "bad URL stays bad"),
    (None, "invalid url", Outcome.GIVE_UP, "bad URL stays bad"),
]


@pytest.mark.parametrize(("status", "error", "expected", "why"), CLASSIFY_CASES)
def test_classify(status: int | None, error: str | None, expected: Outcome, why: str) -> None:
    assert classify(status, error) is expected, why


def test_ten_attempts_span_about_three_days() -> None:
    # MAX_ATTEMPTS tries have MAX_ATTEMPTS - 1 waits between them.
    total = sum((base_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert MAX_ATTEMPTS == 10
    assert timedelta(days=2.5) <= total <= timedelta(days=3.5)


def test_delays_grow_and_are_capped() -> None:
    delays = [base_delay(n) for n in range(1, 40)]
    assert delays[0] == timedelta(seconds=30)
    assert all(a <= b for a, b in itertools.pairwise(delays))
    assert max(delays) <= timedelta(hours=20)


@pytest.mark.parametrize("attempts", range(1, MAX_ATTEMPTS + 1))
def test_jitter_is_bounded(attempts: int) -> None:
    rng = random.Random(attempts)
    base = base_delay(attempts)
    samples = [next_delay(attempts, rng) for _ in range(200)]
    assert all(base * (1 - JITTER) <= s <= base * (1 + JITTER) for s in samples)
    assert len(set(samples)) > 1, "jitter spreads retries that failed together"


def test_extreme_jitter_values_stay_in_bounds() -> None:
    class Edge:
        def __init__(self, value: float) -> None:
            self.value = value

        def uniform(self, a: float, b: float) -> float:
            return a if self.value < 0 else b

    assert next_delay(1, Edge(-1)) == timedelta(seconds=27)
    assert next_delay(1, Edge(1)) == timedelta(seconds=33)
