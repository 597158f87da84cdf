"""Opening the database and bringing its schema up to date.

SQLite (embedded) and PostgreSQL are two configurations of the same code path; the only
engine-specific choices (SQLite's WAL journal, PostgreSQL's SKIP LOCKED) are made here and in
`outbox/queue.py`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import DBConnectionError, OperationalError
from tortoise.migrations.api import migrate

log = logging.getLogger(__name__)

MODELS_MODULE = "storage.models"
MIGRATIONS_MODULE = "storage.migrations"


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened; the CLI turns this into one clear line."""


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection_url(database_url)},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection_url(database_url: str) -> str | dict[str, Any]:
    """Make the SQLite file's folder exist, so `sqlite://./var/baraza.db` works on a fresh clone,
    and count a statement's rows without its triggers' (`storage.sqlite_engine`)."""
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return expand_db_url(database_url) | {"engine": "storage.sqlite_engine"}
    return database_url


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


async def open_database(database_url: str) -> None:
    """Connect without touching the schema (serve and worker expect `baraza init` ran)."""
    from storage.cache_versions import reset_all

    reset_all()  # what was cached came from whichever database was open before
    try:
        await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
        conn = connections.get("default")
        if not is_postgres(database_url):
            await conn.execute_script("PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;")
        await conn.execute_query("SELECT 1")
    except (OSError, DBConnectionError, OperationalError, ConnectionError) as exc:
        raise DatabaseUnavailable(f"cannot open the database: {exc}") from exc


async def upgrade_schema(database_url: str) -> None:
    """Apply every migration not yet applied; harmless to run again."""
    try:
        await migrate(config=tortoise_config(database_url))
    except (OSError, DBConnectionError, OperationalError, ConnectionError) as exc:
        raise DatabaseUnavailable(f"cannot migrate the database: {exc}") from exc


async def close_database() -> None:
    await Tortoise.close_connections()
    # Tortoise caches built INSERT statements per connection *name*, not per engine; a process
    # that reopens "default" on another engine (the test suite does) must start afresh.
    EXECUTOR_CACHE.clear()
