"""The last backup as the console's dashboard shows it: when, how large, and whether it is time
to worry. `baraza backup` records each archive it writes in the `backup.last` instance setting;
nothing else writes it, so a network that never ran a backup sees a warning, not a blank."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.backup import LAST_BACKUP_KEY
from storage.settings_store import get_setting

STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class BackupStatus:
    at: datetime | None
    bytes: int | None
    file: str
    warning: bool  # none yet, unreadable, or older than STALE_AFTER


def backup_status(record: str, now: datetime) -> BackupStatus:
    """Pure: the stored record (JSON, "" or "{}" when there is none) read against `now`.
    Table-tested in tests/outbox/test_backup_status.py."""
    try:
        data = json.loads(record or "{}")
        at = datetime.fromisoformat(str(data["at"]))
        size = int(data["bytes"])
    except (ValueError, KeyError, TypeError):
        return BackupStatus(at=None, bytes=None, file="", warning=True)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return BackupStatus(
        at=at, bytes=size, file=str(data.get("file", "")), warning=now - at > STALE_AFTER
    )


async def last_backup(now: datetime | None = None) -> BackupStatus:
    return backup_status(await get_setting(LAST_BACKUP_KEY, ""), now or datetime.now(UTC))
