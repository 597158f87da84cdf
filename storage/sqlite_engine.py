"""SQLite through tortoise, counting only the rows a statement itself changed.

tortoise's SQLite client reports the change in the connection's `total_changes`, which also
counts rows that triggers write. The cache-version triggers (migration 0015) write one row per
changed post, actor, follow or domain block, so every `.update()` or `.delete()` of those
reported twice its count on SQLite (a lifted suspension "restored" 4 posts of 2). The cursor's
`rowcount` is SQLite's `changes()`: the statement's own rows only, as PostgreSQL reports them.
Selected by `storage.database.tortoise_config` as the engine of every SQLite URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.backends.base.client import NestedTransactionContext, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)


@translate_exceptions
async def _execute_query(
    self: SqliteClient, query: str, values: list | None = None
) -> tuple[int, Sequence[dict]]:
    query = query.replace("\x00", "'||CHAR(0)||'")  # as tortoise's own client does
    async with self.acquire_connection() as connection:
        self.log.debug("%s: %s", query, values)
        async with connection.execute(query, values) as cursor:
            rows = await cursor.fetchall()
            changed = cursor.rowcount
    return (changed if changed > 0 else len(rows)), rows  # type: ignore[return-value]


class CountingTransactionWrapper(SqliteTransactionWrapper):
    execute_query = _execute_query  # type: ignore[assignment]

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(CountingTransactionWrapper(self))


class CountingSqliteClient(SqliteClient):
    execute_query = _execute_query  # type: ignore[assignment]

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(CountingTransactionWrapper(self), self._lock)


client_class = CountingSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return CountingSqliteClient
