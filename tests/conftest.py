"""Shared fixtures: fresh databases (SQLite always, PostgreSQL when configured) and app clients."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from baraza.settings import Settings

POSTGRES_URL = os.environ.get("BARAZA_TEST_POSTGRES_URL")
ENGINES = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


def one_engine(preferred: str) -> list[str]:
    """The engine for a flow whose subject is a client, not the storage: a browser, an app's
    client library, another server's implementation. Such a flow runs once, on `preferred`
    when it is configured (else SQLite); the files alternate their preference, so both engines
    are driven by browsers and client libraries while the suite stays within its time. Flows
    whose subject is storage, the queues, federation or access (crashes, backups, delivery,
    defederation, private spaces, the matrix, co-editing) keep running on every engine."""
    return [preferred] if preferred in ENGINES else ["sqlite"]


REPO = Path(__file__).resolve().parent.parent


def peer_fixtures_dir() -> Path | None:
    env = os.environ.get("BARAZA_PEER_FIXTURES")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "fixtures" / "peers")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


# Migrating takes a while; each session migrates one template per engine and every test gets
# a copy (a file copy for SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL).
_TEMPLATES: dict[str, str] = {}
_TEMPLATE_DIR = Path(tempfile.mkdtemp(prefix="baraza-template-"))


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_url(name: str) -> str:
    assert POSTGRES_URL is not None
    return f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}"


async def _template(engine: str) -> str:
    """The migrated template's path (SQLite) or database name (PostgreSQL), made once."""
    if engine in _TEMPLATES:
        return _TEMPLATES[engine]
    from storage.database import close_database, upgrade_schema

    if engine == "postgres":
        name = f"baraza_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await _admin(f'CREATE DATABASE "{name}"')
        await upgrade_schema(_pg_url(name))
        await close_database()
        _TEMPLATES[engine] = name
    else:
        path = _TEMPLATE_DIR / "template.db"
        await upgrade_schema(f"sqlite://{path}")
        await close_database()
        _TEMPLATES[engine] = str(path)
    return _TEMPLATES[engine]


@pytest.fixture(scope="session", autouse=True)
def _drop_templates() -> Iterator[None]:
    yield
    name = _TEMPLATES.get("postgres")
    if name:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    shutil.rmtree(_TEMPLATE_DIR, ignore_errors=True)


async def _drop_postgres_database(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def fresh_database_url(engine: str, tmp_path: Path) -> tuple[str, str | None]:
    """A new, already migrated database: (url, PostgreSQL name to drop afterwards)."""
    template = await _template(engine)
    if engine == "postgres":
        name = f"baraza_t_{uuid.uuid4().hex[:12]}"
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return _pg_url(name), name
    target = tmp_path / "baraza.db"
    shutil.copyfile(template, target)
    return f"sqlite://{target}", None


async def _database(engine: str, tmp_path: Path) -> AsyncIterator[str]:
    from storage.database import close_database, open_database

    url, pg_name = await fresh_database_url(engine, tmp_path)
    try:
        await open_database(url)
        yield url
    finally:
        await close_database()
        if pg_name:
            await _drop_postgres_database(pg_name)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[str]:
    """A migrated SQLite database, open for the test."""
    async for url in _database("sqlite", tmp_path):
        yield url


@pytest.fixture(params=ENGINES)
async def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The same test on SQLite and, when BARAZA_TEST_POSTGRES_URL is set, on PostgreSQL."""
    async for url in _database(request.param, tmp_path):
        yield url


def make_settings(database_url: str, tmp_path: Path, **overrides: object) -> Settings:
    base = Settings(
        domain="testserver.example",
        scheme="https",
        database_url=database_url,
        data_dir=tmp_path,
        allow_private_addresses=True,
        in_process_worker=False,
    )
    return base.with_overrides(**overrides)


@pytest.fixture
def settings(db: str, tmp_path: Path) -> Settings:
    return make_settings(db, tmp_path)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[object]:
    from baraza.app import create_app

    application = create_app(settings, manage_database=False)
    async with application.test_app():
        yield application


@pytest.fixture
def client(app: object) -> object:
    return app.test_client()  # type: ignore[attr-defined]
