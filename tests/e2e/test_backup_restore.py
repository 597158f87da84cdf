"""`baraza backup` of a running instance under load, `baraza restore` on a fresh data directory
and database, and every post, document, blob and key found again (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import aiohttp

from tests.conftest import _admin, _drop_postgres_database, _pg_url
from tests.e2e.instance import Instance


async def _post(http: aiohttp.ClientSession, instance: Instance, token: str, text: str) -> str:
    async with http.post(
        f"{instance.base_url}/api/v1/statuses",
        json={"status": text, "visibility": "public"},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        body = await response.json(content_type=None)
        assert response.status == 200, body
        return body["uri"]


async def _document(http: aiohttp.ClientSession, instance: Instance, token: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(f"{instance.base_url}/api/v1/spaces", headers=headers) as response:
        spaces = await response.json(content_type=None)
    space_id = spaces[0]["id"]
    form = aiohttp.FormData()
    form.add_field("title", "Field report")
    form.add_field("file", b"Witness statements, 12 pages.\n", filename="report.txt")
    url = f"{instance.base_url}/api/v1/spaces/{space_id}/documents"
    async with http.post(url, data=form, headers=headers) as response:
        body = await response.json(content_type=None)
        assert response.status == 200, body
    return str(body["id"])


def _rows(database_url: str) -> dict[str, object]:
    """What the restored database holds, read by a fresh process of our own code."""

    async def read() -> dict[str, object]:
        from storage.database import close_database, open_database
        from storage.models import Actor, LibraryDocument, Post
        from storage.settings_store import get_setting

        await open_database(database_url)
        try:
            return {
                "posts": set(await Post.filter(local=True).values_list("uri", flat=True)),
                "documents": {
                    str(i) for i in await LibraryDocument.all().values_list("id", flat=True)
                },
                "keys": {a.uri: a.private_key_pem for a in await Actor.filter(local=True)},
                "identity": await get_setting("identity.domain", ""),
            }
        finally:
            await close_database()

    return asyncio.run(read())


async def test_backup_under_load_restores_elsewhere(
    make_instance: Callable[..., asyncio.Future], engine: str, tmp_path: Path
) -> None:
    instance: Instance = await make_instance()
    instance.cli("member", "add", "amina")
    instance.cli("space", "add", "witnesses", "--private", "--owner", "amina")
    token = instance.token("amina")
    archive = tmp_path / "backup.tar.gz"
    before: list[str] = []
    during: list[str] = []
    async with aiohttp.ClientSession() as http:
        document = await _document(http, instance, token)
        for n in range(10):
            before.append(await _post(http, instance, token, f"before the backup {n}"))
        stop = asyncio.Event()

        async def load() -> None:
            n = 0
            while not stop.is_set():
                during.append(await _post(http, instance, token, f"during the backup {n}"))
                n += 1

        writer = asyncio.create_task(load())
        await asyncio.sleep(0.3)
        started = time.monotonic()
        backup = await asyncio.to_thread(instance.cli, "backup", str(archive))
        stop.set()
        await writer
    assert "wrote" in backup.stdout, backup.stdout
    assert during, "the server took posts while the backup ran"
    assert time.monotonic() - started < 120
    media = [p for p in (instance.workdir / "library").rglob("*") if p.is_file()]
    assert media, "the document's blob is on disk"
    last = instance.cli("backup", "--last").stdout.split("\t")
    assert int(last[1]) == archive.stat().st_size and last[2].strip() == str(archive)

    # A fresh machine: another data directory, another (empty) database.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    pg_name = None
    if engine == "postgres":
        pg_name = f"baraza_restore_{uuid.uuid4().hex[:10]}"
        await _admin(f'CREATE DATABASE "{pg_name}"')
        url = _pg_url(pg_name)
    else:
        url = f"sqlite://{fresh}/restored.db"
    try:
        restored = Instance(host=instance.host, database_url=url, workdir=fresh, port=instance.port)
        answer = await asyncio.to_thread(restored.cli, "restore", str(archive))
        assert "restored" in answer.stdout
        again = await asyncio.to_thread(restored.cli, "restore", str(archive), check=False)
        assert again.returncode == 1 and "fresh" in again.stderr  # never over an instance

        rows = await asyncio.to_thread(_rows, url)
        original = await asyncio.to_thread(_rows, instance.database_url)
        assert set(before) <= rows["posts"]  # type: ignore[operator]
        assert document in rows["documents"]  # type: ignore[operator]
        assert rows["keys"] == original["keys"]
        assert all(rows["keys"].values())  # type: ignore[union-attr]
        assert rows["identity"] == instance.domain
        # A consistent snapshot: the posts in it are a prefix of those the load wrote.
        taken = [u for u in during if u in rows["posts"]]  # type: ignore[operator]
        assert taken == during[: len(taken)]
        for blob in media:
            copy = fresh / blob.relative_to(instance.workdir)
            assert copy.read_bytes() == blob.read_bytes()
        seal = [p for p in instance.workdir.iterdir() if p.is_file() and "seal" in p.name]
        for key_file in seal:
            assert (fresh / key_file.name).read_bytes() == key_file.read_bytes()

        # The restored instance serves: it starts with the stored identity and answers.
        await asyncio.to_thread(instance.stop)
        await asyncio.to_thread(restored.start)
        try:
            async with aiohttp.ClientSession() as http:
                async with http.get(
                    before[0], headers={"Accept": "application/activity+json"}
                ) as response:
                    assert response.status == 200
                    assert json.loads(await response.text())["id"] == before[0]
        finally:
            await asyncio.to_thread(restored.stop)
    finally:
        if pg_name:
            await _drop_postgres_database(pg_name)
