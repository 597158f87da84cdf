"""The one blob store: files kept once per SHA-256 under `data_dir/<area>/`.

Media attachments and library versions both live here. A file is written to a temporary
name beside its target, flushed to disk and renamed into place, so a reader sees the whole
file or none of it even after a crash, and a half-written upload never sits under a real hash.
Names are checked hashes, so no caller can reach outside the area (`../`).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import IO

SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


class BlobMissing(LookupError):
    """No file under this hash (or not a hash at all): the doors answer 404."""


class BlobStore:
    def __init__(self, data_dir: Path | str, area: str) -> None:
        self.directory = Path(data_dir) / area

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise BlobMissing(sha256)
        return self.directory / sha256

    def exists(self, sha256: str) -> bool:
        return bool(SHA256.match(sha256)) and (self.directory / sha256).is_file()

    def _write(self, stream: IO[bytes]) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        handle, temp_name = tempfile.mkstemp(dir=self.directory, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                stream.seek(0)
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            os.replace(temp_name, self.directory / sha)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return sha

    async def write_stream(self, stream: IO[bytes]) -> str:
        return await asyncio.to_thread(self._write, stream)

    async def write_bytes(self, data: bytes) -> str:
        import io

        return await asyncio.to_thread(self._write, io.BytesIO(data))

    async def read(self, sha256: str) -> bytes:
        path = self.path(sha256)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise BlobMissing(sha256) from exc
