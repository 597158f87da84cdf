"""`baraza backup FILE` and `baraza restore FILE`: the instance in one archive, and back
(`storage/backup.py` says what it holds). The last backup's time and size are kept as an
instance setting, where `baraza backup --last` (and the console) read them."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from baraza.cli_errors import CliError
from baraza.settings import Settings


async def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    from storage.backup import LAST_BACKUP_KEY, BackupError, write_backup
    from storage.settings_store import get_setting, set_setting

    if args.last:
        last = json.loads(await get_setting(LAST_BACKUP_KEY, "{}"))
        print(f"{last['at']}\t{last['bytes']}\t{last['file']}" if last else "no backup yet")
        return 0
    if not args.file:
        raise CliError("name the archive to write: baraza backup FILE")
    target = Path(args.file)
    try:
        result = await asyncio.to_thread(
            write_backup, settings.database_url, settings.data_dir, target, settings.base_url
        )
    except (BackupError, OSError) as exc:
        raise CliError(f"backup failed: {exc}") from exc
    record = {"at": result.at.isoformat(), "bytes": result.bytes, "file": str(result.path)}
    await set_setting(LAST_BACKUP_KEY, json.dumps(record))
    print(f"wrote {result.path} ({result.bytes} bytes, database and {result.files} files)")
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    """Runs without opening the database: the target is empty until the snapshot is in."""
    from storage.backup import BackupError, restore_backup

    try:
        manifest = restore_backup(Path(args.file), settings.database_url, settings.data_dir)
    except (BackupError, OSError) as exc:
        raise CliError(f"restore failed: {exc}") from exc
    print(
        f"restored {manifest['instance']} as of {manifest['created_at']} "
        f"({manifest['files']} files); run `baraza init` to apply newer migrations"
    )
    return 0


def register_backup(sub: Any) -> None:
    backup = sub.add_parser("backup", help="write the database, files and keys to one archive")
    backup.add_argument("file", nargs="?", help="the archive to write (.tar.gz)")
    backup.add_argument("--last", action="store_true", help="when the last backup was made")
    backup.set_defaults(handler=cmd_backup)
    restore = sub.add_parser("restore", help="restore an archive into a fresh database")
    restore.add_argument("file")
    restore.set_defaults(handler=cmd_restore, without_database=True)
