"""Which database errors mean "unreachable, retry" (503) and which are bugs (500)."""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import AsyncIterator

import asyncpg
import pytest
from quart import Quart
from tortoise.exceptions import DBConnectionError, IntegrityError, OperationalError

from baraza.outage import install_outage_handlers, is_outage


def _wrapped(outer: Exception, inner: BaseException) -> Exception:
    outer.__cause__ = inner
    return outer


CASES = [
    ("tortoise could not connect", DBConnectionError("x"), True),
    ("connection refused", ConnectionRefusedError(errno.ECONNREFUSED, "refused"), True),
    ("admin shutdown (pg_terminate_backend)", asyncpg.exceptions.AdminShutdownError("x"), True),
    ("not accepting connections", asyncpg.exceptions.ObjectNotInPrerequisiteStateError("x"), True),
    ("cannot connect now", asyncpg.exceptions.CannotConnectNowError("x"), True),
    ("connection closed mid-query", asyncpg.exceptions.ConnectionDoesNotExistError("x"), True),
    ("client-side closed", asyncpg.exceptions.InterfaceError("connection is closed"), True),
    (
        "a pooled connection killed mid-operation",
        asyncpg.exceptions.InternalClientError("cannot switch to state 11"),
        True,
    ),
    (
        "sqlite locked",
        _wrapped(OperationalError("x"), sqlite3.OperationalError("database is locked")),
        True,
    ),
    (
        "wrapped refusal",
        _wrapped(OperationalError("x"), ConnectionResetError(errno.ECONNRESET, "r")),
        True,
    ),
    (
        "sql syntax bug",
        _wrapped(OperationalError("x"), asyncpg.exceptions.PostgresSyntaxError("x")),
        False,
    ),
    (
        "value too long",
        _wrapped(OperationalError("x"), asyncpg.exceptions.StringDataRightTruncationError("x")),
        False,
    ),
    (
        "sqlite no such table",
        _wrapped(OperationalError("x"), sqlite3.OperationalError("no such table: x")),
        False,
    ),
    ("missing file", FileNotFoundError(errno.ENOENT, "gone"), False),
    ("integrity", IntegrityError("dup"), False),
]


@pytest.mark.parametrize(("why", "error", "expected"), CASES, ids=[c[0] for c in CASES])
def test_is_outage(why, error, expected) -> None:
    assert is_outage(error) is expected, why


@pytest.fixture
async def failing_app() -> AsyncIterator[Quart]:
    app = Quart(__name__)
    install_outage_handlers(app)
    raising = {
        "down": lambda: asyncpg.exceptions.CannotConnectNowError("starting up"),
        "refused": lambda: ConnectionRefusedError(errno.ECONNREFUSED, "refused"),
        "bug": lambda: _wrapped(OperationalError("x"), asyncpg.exceptions.PostgresSyntaxError("x")),
        "broken": lambda: asyncpg.exceptions.InternalClientError("operation in progress"),
    }

    @app.get("/<kind>")
    async def fail(kind: str) -> str:
        raise raising[kind]()

    async with app.test_app():
        yield app


@pytest.mark.parametrize("kind", ["down", "refused", "broken"])
async def test_outage_is_503_with_retry_after(failing_app, kind) -> None:
    response = await failing_app.test_client().get(f"/{kind}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "database unavailable" in (await response.get_json())["error"]


async def test_database_bug_stays_500(failing_app) -> None:
    response = await failing_app.test_client().get("/bug")
    assert response.status_code == 500
    assert (await response.get_json())["error"] == "internal server error"
