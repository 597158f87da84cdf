"""Messages between Baraza's processes: publish/subscribe in this process, carried to every
other process on the same PostgreSQL database by `LISTEN/NOTIFY`.

Streaming events, co-editing updates, access changes and cache invalidations happen in one
process and matter in all of them: a client streaming from one `baraza serve` process must see a
status posted through another. PostgreSQL already connects them all, so no new server is
needed: each process opens one dedicated connection, LISTENs on one channel, and sends its
own messages as NOTIFYs on that same connection. A NOTIFY payload must stay under 8000 bytes;
a bigger message (a Yjs update with a pasted page) is written to `bus_messages` and only its
row id travels. A process ignores the notifications its own connection sent (same backend pid):
its subscribers already had them, synchronously, when they were published.

On SQLite (one process by design) nothing is started and the bus stays in this process.

Messages are small JSON objects and best effort, like the in-process queues they feed: while
the listening connection is down (a database restart) they are dropped, with a warning, and the
connection is retried every `RECONNECT_SECONDS`. What must not be lost is in the database
before it is published (posts, co-editing state); the bus only says "look again".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson

from storage.database import is_postgres

log = logging.getLogger(__name__)

__all__ = [
    "Bus",
    "Handler",
    "publish",
    "publish_invalidation",
    "shared",
    "start",
    "stop",
    "subscribe",
    "subscribe_invalidations",
]

PG_CHANNEL = "baraza_bus"
INLINE_LIMIT = 7000  # bytes of a NOTIFY payload; PostgreSQL refuses 8000 and more
OUTGOING_LIMIT = 10_000  # messages waiting to be sent before new ones are dropped
BATCH = 100  # NOTIFYs sent in one round trip
RECONNECT_SECONDS = 1.0
FLUSH_SECONDS = 2.0  # at stop, to send what is queued
KEEP_LARGE_SECONDS = 300  # a `bus_messages` row outlives every listener's read of it

LINK_ERRORS: tuple[type[Exception], ...] = (asyncpg.PostgresError, asyncpg.InterfaceError)

Message = dict[str, Any]
Handler = Callable[[Message], None]


@dataclass
class _Subscription:
    handler: Handler
    remote_only: bool


@dataclass
class Bus:
    """One process's view: its subscribers, and (on PostgreSQL) its link to the others."""

    subscriptions: dict[str, list[_Subscription]] = field(default_factory=dict)
    link: _PostgresLink | None = None

    def subscribe(
        self, channel: str, handler: Handler, *, remote_only: bool = False
    ) -> Callable[[], None]:
        """`handler` runs for every message on `channel` (only those from other processes when
        `remote_only`: a subscriber that already acted on its own). Returns the unsubscriber."""
        subscription = _Subscription(handler, remote_only)
        self.subscriptions.setdefault(channel, []).append(subscription)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self.subscriptions.get(channel, []).remove(subscription)

        return unsubscribe

    def publish(self, channel: str, message: Message) -> None:
        """Deliver to this process's subscribers now, and queue for the other processes."""
        self.deliver(channel, message, remote=False)
        if self.link is not None:
            self.link.send(channel, message)

    def deliver(self, channel: str, message: Message, *, remote: bool) -> None:
        for subscription in list(self.subscriptions.get(channel, ())):
            if subscription.remote_only and not remote:
                continue
            try:
                subscription.handler(message)
            except Exception:  # one broken subscriber must not silence the others
                log.exception("bus subscriber for %r failed", channel)

    @property
    def shared(self) -> bool:
        """True when other processes hear what this one publishes (PostgreSQL, started)."""
        return self.link is not None

    async def start(self, database_url: str) -> None:
        """Link to the other processes when the database is PostgreSQL; nothing on SQLite."""
        if self.link is not None or not is_postgres(database_url):
            return
        link = _PostgresLink(self, asyncpg_dsn(database_url))
        await link.start()
        self.link = link

    async def stop(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            await link.stop()


def asyncpg_dsn(database_url: str) -> str:
    """Tortoise's URL as asyncpg takes it: `postgresql://`, without tortoise's pool options."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


class _PostgresLink:
    """The dedicated connection: LISTEN for the others, NOTIFY for this process.

    One task sends (batching what piled up into one round trip), one task turns incoming
    notifications into deliveries (reading large ones from `bus_messages`); both use the one
    connection under a lock, since an asyncpg connection runs one query at a time."""

    def __init__(self, bus: Bus, dsn: str) -> None:
        self.bus = bus
        self.dsn = dsn
        self.conn: Any = None
        self.pid = 0
        self.lock = asyncio.Lock()
        self.outgoing: asyncio.Queue[tuple[str, Message]] = asyncio.Queue(OUTGOING_LIMIT)
        self.incoming: asyncio.Queue[str] = asyncio.Queue()
        self.tasks: list[asyncio.Task[None]] = []
        self.pruned_at = 0.0
        self.warned = False

    async def start(self) -> None:
        await self._connect()
        self.tasks = [
            asyncio.create_task(self._send_loop(), name="bus-send"),
            asyncio.create_task(self._receive_loop(), name="bus-receive"),
            asyncio.create_task(self._keep_connected(), name="bus-reconnect"),
        ]

    async def stop(self) -> None:
        """Sends what is still queued (for a moment at most), then closes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.outgoing.join(), FLUSH_SECONDS)
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.conn is not None and not self.conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.conn.close(), 2)
        self.conn = None

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        await conn.add_listener(PG_CHANNEL, self._on_notify)
        self.conn, self.pid = conn, conn.get_server_pid()
        self.warned = False

    async def _connection(self) -> Any:
        """The open connection; `_keep_connected` replaces a lost one."""
        if self.conn is None or self.conn.is_closed():
            raise ConnectionError("no connection to PostgreSQL")
        return self.conn

    async def _keep_connected(self) -> None:
        """Reopens the connection (and its LISTEN) once it is lost; what was published in
        between did not reach the other processes."""
        while True:
            await asyncio.sleep(RECONNECT_SECONDS)
            if self.conn is not None and not self.conn.is_closed():
                continue
            try:
                async with self.lock:
                    await self._connect()
                log.info("bus: the PostgreSQL link is back")
            except (OSError, ConnectionError, *LINK_ERRORS) as exc:
                self._lost(f"reconnecting: {exc}")

    def _on_notify(self, _conn: Any, pid: int, _channel: str, payload: str) -> None:
        if pid != self.pid:  # our own NOTIFYs come back to us too
            self.incoming.put_nowait(payload)

    def send(self, channel: str, message: Message) -> None:
        try:
            self.outgoing.put_nowait((channel, message))
        except asyncio.QueueFull:
            log.warning("bus: %d messages unsent; dropped one on %r", OUTGOING_LIMIT, channel)

    async def _send_loop(self) -> None:
        while True:
            batch = [await self.outgoing.get()]
            while not self.outgoing.empty() and len(batch) < BATCH:
                batch.append(self.outgoing.get_nowait())
            try:
                async with self.lock:
                    await self._send(batch)
            except (OSError, ConnectionError, *LINK_ERRORS) as exc:
                self._lost(f"{len(batch)} unsent: {exc}")
            finally:
                for _sent in batch:
                    self.outgoing.task_done()

    async def _send(self, batch: list[tuple[str, Message]]) -> None:
        conn = await self._connection()
        payloads = []
        for channel, message in batch:
            body = orjson.dumps({"c": channel, "m": message}).decode()
            if len(body.encode()) > INLINE_LIMIT:
                row_id = await conn.fetchval(
                    "INSERT INTO bus_messages (payload, created_at)"
                    " VALUES ($1, now()) RETURNING id",
                    body,
                )
                body = orjson.dumps({"r": row_id}).decode()
                await self._prune(conn)
            payloads.append(body)
        await conn.execute(
            "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", PG_CHANNEL, payloads
        )

    async def _prune(self, conn: Any) -> None:
        now = time.monotonic()
        if now - self.pruned_at < 60:
            return
        self.pruned_at = now
        await conn.execute(
            "DELETE FROM bus_messages WHERE created_at < now() - make_interval(secs => $1)",
            float(KEEP_LARGE_SECONDS),
        )

    async def _receive_loop(self) -> None:
        while True:
            payload = await self.incoming.get()
            try:
                data = orjson.loads(payload)
                if "r" in data:
                    async with self.lock:
                        conn = await self._connection()
                        body = await conn.fetchval(
                            "SELECT payload FROM bus_messages WHERE id = $1", int(data["r"])
                        )
                    if body is None:
                        log.warning("bus: message %s was pruned before it was read", data["r"])
                        continue
                    data = orjson.loads(body)
                channel, message = data["c"], data["m"]
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                log.warning("bus: ignored a malformed notification: %s", exc)
                continue
            except (OSError, ConnectionError, *LINK_ERRORS) as exc:
                self._lost(f"a large message unread: {exc}")
                continue
            self.bus.deliver(channel, message, remote=True)

    def _lost(self, what: str) -> None:
        if not self.warned:
            log.warning("bus: the PostgreSQL link is down (%s); retrying", what)
            self.warned = True


_bus = Bus()


def subscribe(channel: str, handler: Handler, *, remote_only: bool = False) -> Callable[[], None]:
    return _bus.subscribe(channel, handler, remote_only=remote_only)


def publish(channel: str, message: Message) -> None:
    _bus.publish(channel, message)


def shared() -> bool:
    return _bus.shared


async def start(database_url: str) -> None:
    await _bus.start(database_url)


async def stop() -> None:
    await _bus.stop()


# Cache invalidation: a process that changes what another may hold in a read cache (an actor
# document, a domain policy) says so; every process, this one included, drops its copy.

INVALIDATION = "invalidate"


def publish_invalidation(kind: str, key: str | int | None = None) -> None:
    """Every process drops its cached `kind` entry for `key` (`None`: all entries of `kind`)."""
    _bus.publish(INVALIDATION, {"kind": kind, "key": None if key is None else str(key)})


def subscribe_invalidations(kind: str, drop: Callable[[str | None], None]) -> Callable[[], None]:
    """`drop(key)` runs in every process whenever `publish_invalidation(kind, key)` is called in
    any of them (`key` as a string, or `None` for all); returns the unsubscriber."""

    def handler(message: Message) -> None:
        if message.get("kind") == kind:
            drop(message.get("key"))

    return _bus.subscribe(INVALIDATION, handler)
