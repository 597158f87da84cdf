"""In-process caches that every process drops as soon as the data under them changes.

The database keeps one counter per kind of cached data (`cache_versions`, migration 0015),
bumped by triggers, so every writer (core actions, the CLI, imports, tests writing rows
directly, another process) invalidates without knowing any cache exists. A cache remembers the
counters it was filled under; before answering it asks for the counters as they are *now*,
and empties itself if one moved.

"Now" is exact: `fresh_versions` answers with a read that started after it was called, so a
change committed before a request arrived is always seen by that request. Concurrent callers
share reads (those arriving while one is in flight wait for the next, which starts when it
ends), so at most two small reads are outstanding however many requests are: under load a
cache hit costs a fraction of one indexed read, the price of a primary-key lookup of three rows.

Inside a transaction a cache is bypassed: the transaction may have written what the cache
holds, and its own trigger bumps are not visible until it commits (deferred on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Hashable, Mapping
from typing import Generic, TypeVar

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient

VERSIONS_SQL = "SELECT name, version FROM cache_versions"

Versions = Mapping[str, int]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def in_transaction_now() -> bool:
    """Is the calling task inside a tortoise transaction (an action, a migration)?"""
    return isinstance(connections.get("default"), TransactionalDBClient)


async def _read() -> dict[str, int]:
    _, rows = await connections.get("default").execute_query(VERSIONS_SQL)
    found: dict[str, int] = {}
    for row in rows:
        name, version = tuple(row.values()) if isinstance(row, dict) else tuple(row)
        found[str(name)] = int(version)
    return found


class _Reader:
    """Shares version reads between concurrent callers without ever answering with an old one."""

    def __init__(self) -> None:
        self.running: asyncio.Future[dict[str, int]] | None = None
        self.running_started = 0.0
        self.queued: asyncio.Future[dict[str, int]] | None = None

    def reset(self) -> None:
        self.running = self.queued = None

    async def fresh(self) -> dict[str, int]:
        called = time.monotonic()
        loop = asyncio.get_running_loop()
        if self.running is not None and self.running.get_loop() is not loop:
            self.reset()  # a new event loop (tests): nothing from the old one can be awaited
        if self.running is None:
            return await asyncio.shield(self._start())
        if self.running_started >= called and not self.running.done():
            return await asyncio.shield(self.running)
        if self.queued is None:
            self.queued = loop.create_future()
        return await asyncio.shield(self.queued)

    def _start(self) -> asyncio.Future[dict[str, int]]:
        self.running_started = time.monotonic()
        # Made outside any caller's context: a read must not run inside someone's transaction.
        task = asyncio.get_running_loop().create_task(_read(), context=_EMPTY_CONTEXT.copy())
        self.running = task
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Future[dict[str, int]]) -> None:
        if task is not self.running:
            return
        self.running = None
        waiting, self.queued = self.queued, None
        if waiting is None or waiting.done():
            return
        follow_up = self._start()

        def hand_over(done: asyncio.Future[dict[str, int]]) -> None:
            if waiting.done():
                return
            if done.cancelled():
                waiting.cancel()
            elif done.exception() is not None:
                waiting.set_exception(done.exception())  # type: ignore[arg-type]
            else:
                waiting.set_result(done.result())

        follow_up.add_done_callback(hand_over)


def _empty_context() -> object:
    import contextvars

    return contextvars.Context()


_EMPTY_CONTEXT = _empty_context()
_reader = _Reader()
_caches: weakref.WeakSet[VersionedCache] = weakref.WeakSet()


async def fresh_versions() -> dict[str, int]:
    """Every counter, from a read that started after this call."""
    return await _reader.fresh()


def reset_all() -> None:
    """Forget every cache and every read: another database was opened (tests, the CLI)."""
    _reader.reset()
    for cache in list(_caches):
        cache.clear()


class VersionedCache(Generic[K, V]):
    """A bounded map whose entries hold while the named counters stay where they were.

    Use: `token = await cache.begin()`; `None` means do not use the cache (inside a
    transaction); otherwise `cache.get(key)`, and on a miss load and `cache.put(key, value,
    token)`. The token is the counters read *before* loading, so a value loaded while a change
    was committing is stored under the old counters and dropped at the next look.
    """

    def __init__(self, name: str, counters: tuple[str, ...], size: int = 10_000) -> None:
        self.name = name
        self.counters = counters
        self.size = size
        self._entries: dict[K, V] = {}
        self._filled_under: tuple[int, ...] | None = None
        _caches.add(self)

    def clear(self) -> None:
        self._entries.clear()
        self._filled_under = None

    async def begin(self) -> tuple[int, ...] | None:
        if in_transaction_now():
            return None
        versions = await fresh_versions()
        token = tuple(versions.get(name, 0) for name in self.counters)
        if token != self._filled_under:
            self._entries.clear()
            self._filled_under = token
        return token

    def get(self, key: K) -> V | None:
        return self._entries.get(key)

    def put(self, key: K, value: V, token: tuple[int, ...] | None) -> None:
        if token is None or token != self._filled_under:
            return
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = value

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
