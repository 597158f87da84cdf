"""The limiter's decisions as a table: hits at given times, and what each one is answered."""

from __future__ import annotations

import pytest

from federation.rate_limits import Rate, RateLimiter, parse_rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# (seconds since start, key) -> (allowed, remaining, reset_after); limit 2 per 10 s
CASES = [
    ("first hit is allowed", [(0, "a")], [(True, 1, 10)]),
    ("up to the limit", [(0, "a"), (1, "a")], [(True, 1, 10), (True, 0, 9)]),
    (
        "past the limit is refused",
        [(0, "a"), (0, "a"), (3, "a")],
        [(True, 1, 10), (True, 0, 10), (False, 0, 7)],
    ),
    (
        "keys are counted apart",
        [(0, "a"), (0, "a"), (0, "b")],
        [(True, 1, 10), (True, 0, 10), (True, 1, 10)],
    ),
    (
        "a new window starts afresh",
        [(0, "a"), (0, "a"), (10, "a")],
        [(True, 1, 10), (True, 0, 10), (True, 1, 10)],
    ),
    (
        "refusals do not extend the window",
        [(0, "a"), (0, "a"), (9, "a"), (10.5, "a")],
        [(True, 1, 10), (True, 0, 10), (False, 0, 1), (True, 1, 10)],
    ),
    (
        "reset is at least one second",
        [(0, "a"), (0, "a"), (9.9, "a")],
        [(True, 1, 10), (True, 0, 10), (False, 0, 1)],
    ),
]


@pytest.mark.parametrize(("why", "hits", "expected"), CASES, ids=[c[0] for c in CASES])
def test_fixed_window_decisions(why, hits, expected) -> None:
    clock = Clock()
    limiter = RateLimiter(Rate(2, 10), clock=clock)
    start = clock.now
    answers = []
    for at, key in hits:
        clock.now = start + at
        d = limiter.hit(key)
        answers.append((d.allowed, d.remaining, d.reset_after))
        assert d.limit == 2
    assert answers == expected, why


def test_memory_is_bounded_under_a_flood_of_keys() -> None:
    clock = Clock()
    limiter = RateLimiter(Rate(1, 60), clock=clock, max_keys=100)
    for n in range(10_000):
        limiter.hit(f"key-{n}")
    assert len(limiter._windows) <= 100
    assert limiter.hit("key-9999").allowed is False  # the newest are kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, Rate(300, 300)),
        ("", Rate(300, 300)),
        ("300/5m", Rate(300, 300)),
        ("300/300", Rate(300, 300)),
        ("10/1h", Rate(10, 3600)),
        (" 5 / 2s ", Rate(5, 2)),
        ("off", None),
        ("0", None),
    ],
)
def test_parse_rate(text, expected) -> None:
    assert parse_rate(text, Rate(300, 300)) == expected


@pytest.mark.parametrize("text", ["300", "a/5m", "300/5d", "0/5m", "5/0", "-1/5m"])
def test_malformed_rate_fails_loudly(text) -> None:
    with pytest.raises(ValueError):
        parse_rate(text, Rate(300, 300))


@pytest.mark.parametrize(("why", "hits", "expected"), CASES, ids=[c[0] for c in CASES])
async def test_shared_counts_give_the_same_decisions_across_processes(
    any_db: str, why, hits, expected
) -> None:
    """The same table, counted in the database by two limiters standing for two processes
    that take turns: together they allow what one would (on SQLite the counting is in
    memory, each process its own, as one process by design needs)."""
    clock = Clock()
    shared = any_db.startswith("postgres")
    processes = [
        RateLimiter(Rate(2, 10), name="api", shared=shared, clock=clock, wall_clock=clock)
        for _ in range(2 if shared else 1)
    ]
    start = clock.now
    answers = []
    for n, (at, key) in enumerate(hits):
        clock.now = start + at
        d = await processes[n % len(processes)].check(key)
        answers.append((d.allowed, d.remaining, d.reset_after))
    assert answers == expected, why
    if shared:
        other = RateLimiter(Rate(2, 10), name="signin", shared=True, wall_clock=clock)
        assert (await other.check(hits[0][1])).remaining == 1, "limiters count apart"


async def test_shared_count_falls_back_to_this_process_when_the_database_is_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncpg

    from storage import rate_counters

    async def away(*_args: object) -> tuple[float, int]:
        raise asyncpg.InterfaceError("connection is closed")

    monkeypatch.setattr(rate_counters, "count_hit", away)
    limiter = RateLimiter(Rate(1, 60), name="api", shared=True)
    assert (await limiter.check("a")).allowed
    assert not (await limiter.check("a")).allowed, "still limited, by this process's count"
