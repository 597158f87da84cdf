"""Accepting an activity: store it unless its id is known, and only then answer 202."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import orjson

from baraza.ids import new_id
from federation.activities import Incoming
from federation.errors import BadRequest
from storage.models import Activity

MAX_STORED_URI = 512  # the width of the activities' uri columns


def dedupe_key(activity: Incoming) -> str:
    """The activity's id; a hash of the body for the rare peer that sends activities without one."""
    if activity.id:
        return activity.id
    digest = hashlib.sha256(orjson.dumps(activity.raw, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"urn:baraza:sha256:{digest}"


_COLUMNS = (
    "id",
    "uri",
    "type",
    "actor_uri",
    "object_uri",
    "local",
    "document",
    "state",
    "attempts",
    "next_try_at",
    "error",
    "created_at",
)


def _insert_sql(dialect: str) -> str:
    """The one statement the accept path runs: a replay (or a racing duplicate) inserts nothing
    and returns no row, whichever process or engine got there first."""
    marks = (
        ", ".join(f"${n}" for n in range(1, len(_COLUMNS) + 1))
        if dialect == "postgres"
        else ", ".join("?" for _ in _COLUMNS)
    )
    return (
        f"INSERT INTO activities ({', '.join(_COLUMNS)}) VALUES ({marks}) "  # noqa: S608
        "ON CONFLICT (uri) DO NOTHING RETURNING id"
    )


def _db_value(column: str, value: object) -> object:
    """Each value as tortoise itself would store it (JSON text, booleans, datetimes)."""
    return Activity._meta.fields_map[column].to_db_value(value, Activity)


async def store_incoming(activity: Incoming) -> int | None:
    """The stored row's id, or `None` for a replay (already stored: nothing changes).

    One round trip: no `exists` first, and no ORM statement building on the hot path."""
    from tortoise import connections

    uri = dedupe_key(activity)
    if len(uri) > MAX_STORED_URI or len(activity.object_id or "") > MAX_STORED_URI:
        raise BadRequest(f"ids longer than {MAX_STORED_URI} characters are not accepted")
    row = {
        "id": new_id(),
        "uri": uri,
        "type": activity.type[:32],
        "actor_uri": activity.actor,
        "object_uri": activity.object_id,
        "local": False,
        "document": activity.raw,
        "state": "received",
        "attempts": 0,
        "next_try_at": None,
        "error": "",
        "created_at": datetime.now(UTC),
    }
    connection = connections.get("default")
    # `_dict`: the plain call skips fetching for an INSERT on PostgreSQL, losing RETURNING.
    rows = await connection.execute_query_dict(
        _insert_sql(connection.capabilities.dialect),
        [_db_value(column, row[column]) for column in _COLUMNS],
    )
    if not rows:
        return None
    return int(rows[0]["id"])
