"""The dashboard's backup line as a table: no record, a fresh one, one a week old, a broken one."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from outbox.backup_status import backup_status

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _record(age: timedelta, size: int = 2048) -> str:
    return json.dumps({"at": (NOW - age).isoformat(), "bytes": size, "file": "/b/x.tar"})


# (stored record, expected warning, expected bytes, why)
TABLE = [
    ("", True, None, "never backed up"),
    ("{}", True, None, "the CLI's empty record"),
    ("not json", True, None, "unreadable: worry rather than trust it"),
    (json.dumps({"at": "yesterday", "bytes": 1}), True, None, "a time that is no time"),
    (_record(timedelta(hours=3)), False, 2048, "this morning's"),
    (_record(timedelta(days=7)), False, 2048, "exactly a week is still fine"),
    (_record(timedelta(days=7, minutes=1)), True, 2048, "older than a week"),
    (json.dumps({"at": "2026-11-29T10:00:00", "bytes": 5}), False, 5, "naive times are UTC"),
]


@pytest.mark.parametrize(("record", "warning", "size", "why"), TABLE)
def test_the_backup_status(record: str, warning: bool, size: int | None, why: str) -> None:
    status = backup_status(record, NOW)
    assert status.warning is warning, why
    assert status.bytes == size, why
