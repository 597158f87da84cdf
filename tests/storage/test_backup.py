"""The archive's pure parts: where a member may land, and an archive that tries to escape the
data directory or is not ours is refused before anything is written."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from storage.backup import BackupError, libpq_url, restore_backup, safe_data_path

DATA = Path("/srv/baraza")


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("data/media/ab12", DATA / "media" / "ab12"),
        ("data/push-seal.key", DATA / "push-seal.key"),
        ("data/../etc/passwd", None),
        ("data/media/../../x", None),
        ("/data/x", None),
        ("database.sqlite3", None),
        ("data", None),
    ],
)
def test_safe_data_path(name: str, where: Path | None) -> None:
    assert safe_data_path(name, DATA) == where


def test_libpq_url_drops_driver_options() -> None:
    url = "asyncpg://u:p@db:5432/baraza?minsize=2"
    assert libpq_url(url) == "postgresql://u:p@db:5432/baraza"


def _archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_restore_refuses_escapes_and_strangers(tmp_path: Path) -> None:
    manifest = json.dumps({"format": 1, "database": "database.sqlite3"}).encode()
    evil = _archive(
        tmp_path / "evil.tar.gz",
        {"manifest.json": manifest, "database.sqlite3": b"", "data/../../escape": b"x"},
    )
    target = f"sqlite://{tmp_path}/new/b.db"
    with pytest.raises(BackupError, match="refusing"):
        restore_backup(evil, target, tmp_path / "data")
    assert not (tmp_path / "new" / "b.db").exists() and not (tmp_path / "escape").exists()
    stranger = _archive(tmp_path / "s.tar.gz", {"notes.txt": b"hello"})
    with pytest.raises(BackupError, match="no manifest"):
        restore_backup(stranger, target, tmp_path / "data")
    postgres = _archive(
        tmp_path / "pg.tar.gz",
        {"manifest.json": json.dumps({"format": 1, "database": "database.pgdump"}).encode()},
    )
    with pytest.raises(BackupError, match="same engine"):
        restore_backup(postgres, target, tmp_path / "data")
