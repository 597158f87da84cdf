"""The one blob store: content-addressed, atomic, and closed to path tricks."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from storage.blobs import BlobMissing, BlobStore


async def test_bytes_and_streams_land_under_their_hash(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, "media")
    data = b"minutes of the meeting"
    sha = await store.write_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert await store.write_stream(io.BytesIO(data)) == sha
    assert await store.read(sha) == data
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == [sha]  # no temp files left


@pytest.mark.parametrize("name", ["../etc/passwd", "a" * 64, "", "0" * 63, "%2e%2e"])
async def test_names_that_are_not_hashes_are_missing(tmp_path: Path, name: str) -> None:
    store = BlobStore(tmp_path, "library")
    with pytest.raises(BlobMissing):
        await store.read(name)
    assert not store.exists(name)


async def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError("disk went away")

    store = BlobStore(tmp_path, "media")
    with pytest.raises(OSError):
        await store.write_stream(Broken(b"x"))
    assert list((tmp_path / "media").iterdir()) == []
