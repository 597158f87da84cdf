"""The database went away mid-request: answer 503 with Retry-After, not 500.

A peer retries a 503 (Mastodon's delivery queue backs off and tries again for days) but
gives up on many 4xx and treats a 500 as our bug; an app shows "try again later". Since an
activity is stored before the 202 and nothing is stored on the way to an error, answering
503 loses nothing: the same POST succeeds once the database is back, and the pool reconnects
by itself, so no restart is needed.

Only errors that mean "cannot reach the database" become 503. A tortoise `OperationalError`
also wraps SQL and data errors, which are our bugs; those stay 500 so they are noticed
rather than retried forever.
"""

from __future__ import annotations

import errno
import logging
import socket
import sqlite3
from collections.abc import Iterator

from quart import Quart, Response
from tortoise.exceptions import DBConnectionError, OperationalError

from baraza.responses import error_response
from federation.errors import ServiceUnavailable

__all__ = ["DRIVER_ERRORS", "RETRY_AFTER_SECONDS", "install_outage_handlers", "is_outage"]

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
_SQLITE_OUTAGE_WORDS = ("locked", "unable to open", "disk i/o", "readonly database")
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
        errno.ETIMEDOUT,
        errno.EPIPE,
        errno.ECONNABORTED,
    }
)

try:
    import asyncpg

    _PG_OUTAGES: tuple[type[BaseException], ...] = (
        asyncpg.exceptions.PostgresConnectionError,  # 08xxx: connection failure, closed
        asyncpg.exceptions.OperatorInterventionError,  # 57xxx: admin shutdown, cannot connect
        asyncpg.exceptions.InsufficientResourcesError,  # 53xxx: too many connections
        asyncpg.exceptions.ObjectNotInPrerequisiteStateError,  # "not accepting connections"
        asyncpg.exceptions.InterfaceError,  # client side: "connection is closed"
    )
    _PG_BASE: tuple[type[BaseException], ...] = (
        asyncpg.exceptions.PostgresError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.InternalClientError,  # a pooled connection killed mid-operation
    )
    # A pooled connection the server killed while it was busy is left mid-operation: its next
    # query fails with "cannot switch to state …; another operation is in progress". Seen
    # during outages (tests/e2e/test_database_outage.py), it is an outage: 503, and the pool's
    # connections are replaced so none of them fails the request after.
    _PG_BROKEN: tuple[type[BaseException], ...] = (asyncpg.exceptions.InternalClientError,)
except ImportError:  # an SQLite-only installation
    _PG_OUTAGES = ()
    _PG_BASE = ()
    _PG_BROKEN = ()

DRIVER_ERRORS = _PG_BASE
"""Raw driver errors tortoise lets through; background loops retry on them instead of dying."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and what it was raised from, each once (a cycle of causes ends the walk)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_outage(error: BaseException) -> bool:
    """Whether `error`, or anything it was raised from, means the database is unreachable."""
    for current in _chain(error):
        if isinstance(current, DBConnectionError | ConnectionError | TimeoutError):
            return True
        if _PG_OUTAGES and isinstance(current, _PG_OUTAGES + _PG_BROKEN):
            return True
        if isinstance(current, sqlite3.OperationalError):
            return any(word in str(current).lower() for word in _SQLITE_OUTAGE_WORDS)
        if isinstance(current, socket.gaierror) or (
            isinstance(current, OSError) and current.errno in _NETWORK_ERRNOS
        ):
            return True  # a missing file is not an outage; a refused connection is
    return False


async def _replace_pooled_connections() -> None:
    """asyncpg's pool replaces every open connection at its next acquire: the broken one
    among them is never handed to a request again."""
    from tortoise import connections
    from tortoise.exceptions import ConfigurationError

    try:
        pool = getattr(connections.get("default"), "_pool", None)
    except (ConfigurationError, RuntimeError):  # no database open (an app without one)
        return
    if pool is not None:
        await pool.expire_connections()


def install_outage_handlers(app: Quart) -> None:
    async def _database_error(error: Exception) -> Response:
        if not is_outage(error):
            log.error("database error", exc_info=error)
            return error_response(500, "internal server error")
        log.warning("database unreachable: %s", error)
        if _PG_BROKEN and any(isinstance(e, _PG_BROKEN) for e in _chain(error)):
            await _replace_pooled_connections()
        return error_response(
            ServiceUnavailable.status,
            "database unavailable, retry later",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    for kind in (DBConnectionError, OperationalError, OSError, *_PG_BASE):
        app.register_error_handler(kind, _database_error)
