"""Instances for end-to-end tests, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ENGINES, _drop_postgres_database, fresh_database_url
from tests.e2e.instance import Instance


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def make_instance(
    engine: str, tmp_path: Path
) -> AsyncIterator[Callable[..., asyncio.Future]]:
    instances: list[Instance] = []
    databases: list[str] = []

    async def make(host: str = "127.0.0.2", **env: str) -> Instance:
        workdir = tmp_path / f"{host}-{len(instances)}"
        workdir.mkdir()
        url, pg_name = await fresh_database_url(engine, workdir)
        if pg_name:
            databases.append(pg_name)
        instance = Instance(host=host, database_url=url, workdir=workdir, extra_env=env)
        instances.append(instance)
        await asyncio.to_thread(instance.start)
        return instance

    yield make  # type: ignore[misc]
    for instance in instances:
        await asyncio.to_thread(instance.stop)
    for name in databases:
        await _drop_postgres_database(name)


@pytest.fixture
def sqlite_instance(tmp_path: Path) -> Iterator[Instance]:
    instance = Instance(
        host="127.0.0.2", database_url=f"sqlite://{tmp_path}/b.db", workdir=tmp_path
    )
    yield instance
    instance.stop()
