"""The cross-process bus: in-process delivery on every engine; on PostgreSQL, two buses on one
database stand for two processes (each has its own LISTEN connection, as a process would)."""

from __future__ import annotations

import asyncio
from typing import Any

from storage import bus
from storage.bus import INLINE_LIMIT, Bus, asyncpg_dsn


def test_in_process_subscribers_hear_a_publish_at_once_and_remote_only_ones_do_not() -> None:
    local = Bus()
    heard: list[Any] = []
    remote: list[Any] = []
    local.subscribe("c", heard.append)
    local.subscribe("c", remote.append, remote_only=True)
    local.subscribe("other", lambda _m: heard.append("wrong channel"))
    local.publish("c", {"n": 1})
    assert heard == [{"n": 1}]
    assert remote == []
    local.deliver("c", {"n": 2}, remote=True)
    assert remote == [{"n": 2}]
    assert not local.shared


def test_a_failing_subscriber_does_not_silence_the_others() -> None:
    local = Bus()
    heard: list[Any] = []

    def broken(_message: Any) -> None:
        raise RuntimeError("broken subscriber")

    local.subscribe("c", broken)
    local.subscribe("c", heard.append)
    local.publish("c", {"n": 1})
    assert heard == [{"n": 1}]


def test_invalidations_reach_subscribers_of_their_kind_only() -> None:
    dropped: list[tuple[str, str | None]] = []
    stop_actor = bus.subscribe_invalidations("actor", lambda key: dropped.append(("actor", key)))
    stop_policy = bus.subscribe_invalidations("policy", lambda key: dropped.append(("policy", key)))
    try:
        bus.publish_invalidation("actor", 42)
        bus.publish_invalidation("policy")
    finally:
        stop_actor()
        stop_policy()
    bus.publish_invalidation("actor", 43)  # unsubscribed: nobody hears it
    assert dropped == [("actor", "42"), ("policy", None)]


def test_tortoise_urls_become_asyncpg_dsns() -> None:
    assert (
        asyncpg_dsn("postgres://u:p@db:5432/baraza?minsize=1") == "postgresql://u:p@db:5432/baraza"
    )
    assert asyncpg_dsn("asyncpg://u@127.0.0.1/x") == "postgresql://u@127.0.0.1/x"


def test_sqlite_starts_no_link() -> None:
    async def go() -> bool:
        local = Bus()
        await local.start("sqlite://:memory:")
        return local.shared

    assert asyncio.run(go()) is False


async def _until(condition: Any, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polls what subscribers appended
            await asyncio.sleep(0.01)


async def test_messages_cross_processes_on_postgres_small_and_large_in_order(any_db: str) -> None:
    if not any_db.startswith("postgres"):
        return  # SQLite is one process: the in-process tests above are its whole bus
    a, b = Bus(), Bus()
    await a.start(any_db)
    await b.start(any_db)
    try:
        assert a.shared and b.shared
        at_a: list[Any] = []
        at_b: list[Any] = []
        a.subscribe("doc", at_a.append, remote_only=True)
        b.subscribe("doc", at_b.append)
        big = "x" * (INLINE_LIMIT + 5000)  # over NOTIFY's 8000 bytes: travels as a row id
        sent = [{"n": 1}, {"n": 2, "big": big}, {"n": 3}]
        for message in sent:
            a.publish("doc", message)
        await _until(lambda: len(at_b) == 3)
        assert at_b == sent
        b.publish("doc", {"n": 4})
        await _until(lambda: at_a)
        assert at_a == [{"n": 4}]
        await asyncio.sleep(0.2)
        assert len(at_b) == 4, "b heard its own message once, locally, not again from PostgreSQL"
        assert at_a == [{"n": 4}], "a did not hear its own messages back"
        a.publish("doc", {"n": 5})  # a process publishing as it exits (a CLI command)
        await a.stop()
        await _until(lambda: len(at_b) == 5)
        assert at_b[-1] == {"n": 5}, "what was queued was sent before the link closed"
    finally:
        await a.stop()
        await b.stop()
