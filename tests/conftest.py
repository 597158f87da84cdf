"""Shared fixtures: fresh databases (SQLite always, PostgreSQL when configured) and app clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from baraza.settings import Settings

POSTGRES_URL = os.environ.get("BARAZA_TEST_POSTGRES_URL")
ENGINES = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
REPO = Path(__file__).resolve().parent.parent


def peer_fixtures_dir() -> Path | None:
    env = os.environ.get("BARAZA_PEER_FIXTURES")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "fixtures" / "peers")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


async def _create_postgres_database() -> tuple[str, str]:
    import asyncpg

    name = f"baraza_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    base = POSTGRES_URL.rsplit("/", 1)[0]
    return f"{base}/{name}", name


async def _drop_postgres_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def fresh_database_url(engine: str, tmp_path: Path) -> tuple[str, str | None]:
    if engine == "postgres":
        url, name = await _create_postgres_database()
        return url, name
    return f"sqlite://{tmp_path}/baraza.db", None


async def _database(engine: str, tmp_path: Path) -> AsyncIterator[str]:
    from storage.database import close_database, open_database, upgrade_schema

    url, pg_name = await fresh_database_url(engine, tmp_path)
    try:
        await upgrade_schema(url)
        await close_database()
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
