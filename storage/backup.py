"""One archive holds the whole instance: a consistent snapshot of the database (SQLite's online
backup API, `pg_dump` for PostgreSQL) and every file under the data directory (media and
library blobs, the push seal key). The instance's keys and identity are rows of the database
(actors' private keys, `instance_settings`), so they travel in the snapshot.

The snapshot is taken while the server runs: SQLite's backup API copies a point in time under
WAL, `pg_dump` reads one repeatable-read transaction. Files are added after the snapshot, so a
blob a stored row names is already on disk (blobs are written before their rows commit).

Restoring needs a fresh target — no SQLite file, an empty PostgreSQL database, a data directory
without blobs — so it never mixes two instances.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
DATA_PREFIX = "data"
LAST_BACKUP_KEY = "backup.last"  # instance setting: {"at", "bytes", "file"} for the console


class BackupError(RuntimeError):
    """A backup or restore that cannot be made; the message says what to fix."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    bytes: int
    at: datetime
    files: int


def sqlite_path(database_url: str) -> Path | None:
    if not database_url.startswith("sqlite://"):
        return None
    return Path(database_url.removeprefix("sqlite://").split("?", 1)[0])


def libpq_url(database_url: str) -> str:
    """The URL `pg_dump`/`pg_restore` understand: scheme `postgresql`, no driver options."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _skipped(path: Path, database_file: Path | None) -> bool:
    """The live database (and its WAL files) travels as a snapshot, not as a copied file."""
    if database_file is None:
        return False
    resolved = path.resolve()
    base = database_file.resolve()
    return resolved in {base, Path(f"{base}-wal"), Path(f"{base}-shm"), Path(f"{base}-journal")}


def _snapshot(database_url: str, into: Path) -> str:
    source = sqlite_path(database_url)
    if source is not None:
        if not source.is_file():
            raise BackupError(f"no SQLite database at {source}")
        target = into / SQLITE_MEMBER
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.execute("PRAGMA busy_timeout=5000")
            src.backup(dst)
        return SQLITE_MEMBER
    target = into / PG_MEMBER
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", libpq_url(database_url)])
    return PG_MEMBER


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{command[0]}: {last}")


def write_backup(database_url: str, data_dir: Path, archive: Path, identity: str) -> BackupResult:
    """Write the archive (to a temporary name, renamed when complete)."""
    archive = archive.resolve()
    database_file = sqlite_path(database_url)
    now = datetime.now(UTC)
    files = 0
    with tempfile.TemporaryDirectory(prefix="baraza-backup-") as work:
        member = _snapshot(database_url, Path(work))
        partial = archive.with_name(f".{archive.name}.partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / member, arcname=member)
            if data_dir.is_dir():
                for path in sorted(data_dir.rglob("*")):
                    if not path.is_file() or path.is_symlink() or _skipped(path, database_file):
                        continue
                    if path.resolve() in (archive, partial.resolve()):
                        continue
                    relative = path.relative_to(data_dir).as_posix()
                    tar.add(path, arcname=f"{DATA_PREFIX}/{relative}", recursive=False)
                    files += 1
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "database": member,
                "instance": identity,
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
        os.replace(partial, archive)
    return BackupResult(path=archive, bytes=archive.stat().st_size, at=now, files=files)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def read_manifest(tar: tarfile.TarFile) -> dict[str, object]:
    try:
        raw = tar.extractfile(MANIFEST)
    except KeyError as exc:
        raise BackupError("not a Baraza backup: no manifest") from exc
    if raw is None:
        raise BackupError("not a Baraza backup: no manifest")
    manifest = json.loads(raw.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    return manifest


def safe_data_path(name: str, data_dir: Path) -> Path | None:
    """Pure: where an archive member under `data/` goes, or None for anything that would land
    outside the data directory (absolute paths, `..`)."""
    path = PurePosixPath(name)
    if path.is_absolute() or len(path.parts) < 2 or path.parts[0] != DATA_PREFIX:
        return None
    rest = path.parts[1:]
    if any(part in ("", ".", "..") for part in rest):
        return None
    return data_dir.joinpath(*rest)


def _is_empty_postgres(database_url: str) -> bool:
    done = subprocess.run(
        [
            "psql",
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command=SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            libpq_url(database_url),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"cannot reach the database: {done.stderr.strip()[:200]}")
    return done.stdout.strip() == "0"


def restore_backup(archive: Path, database_url: str, data_dir: Path) -> dict[str, object]:
    """Bring the archive back into a fresh database and data directory; returns its manifest."""
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    target_file = sqlite_path(database_url)
    if target_file is not None and target_file.exists():
        raise BackupError(f"{target_file} exists: restore needs a fresh database")
    if target_file is None and not _is_empty_postgres(database_url):
        raise BackupError("the PostgreSQL database is not empty: restore needs a fresh one")
    with tarfile.open(archive, "r:gz") as tar:
        manifest = read_manifest(tar)
        member = manifest.get("database")
        if (member == SQLITE_MEMBER) != (target_file is not None):
            raise BackupError(
                f"the backup holds a {'SQLite' if member == SQLITE_MEMBER else 'PostgreSQL'} "
                "database; restore it into the same engine"
            )
        entries = [m for m in tar.getmembers() if m.isfile()]
        for entry in entries:
            if entry.name.startswith(f"{DATA_PREFIX}/"):
                destination = safe_data_path(entry.name, data_dir)
                if destination is None:
                    raise BackupError(f"refusing the archive member {entry.name[:80]!r}")
                if destination.exists():
                    raise BackupError(f"{destination} exists: restore needs a fresh data directory")
        with tempfile.TemporaryDirectory(prefix="baraza-restore-") as work:
            source = tar.extractfile(str(member))
            if source is None:
                raise BackupError("the backup has no database snapshot")
            snapshot = Path(work) / str(member)
            with open(snapshot, "wb") as out:
                shutil.copyfileobj(source, out)
            if target_file is not None:
                target_file.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(snapshot, target_file)
            else:
                _run(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--exit-on-error",
                        f"--dbname={libpq_url(database_url)}",
                        str(snapshot),
                    ]
                )
        for entry in entries:
            destination = safe_data_path(entry.name, data_dir)
            if destination is None:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(entry)
            if source is None:
                continue
            with open(destination, "wb") as out:
                shutil.copyfileobj(source, out)
    return manifest
