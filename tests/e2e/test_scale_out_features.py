"""Scale-out keeps every feature (issue 15 item 5): two `baraza serve` processes and one
`baraza worker` on one PostgreSQL database, one instance. A client streaming from A sees a
status posted through B; two co-editors, one on A and one on B, converge (their editors never
resync, so each sees the other's edits only if the rooms relay them across processes), and
the stored state holds both; a rate limit spent through A is enforced by B."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from pycrdt import Doc, Text

from tests.conftest import POSTGRES_URL, _drop_postgres_database, fresh_database_url
from tests.e2e.instance import Instance
from tests.e2e.peek import eventually, scalar
from tests.e2e.yeditor import YEditor

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="scale-out is a PostgreSQL feature: set BARAZA_TEST_POSTGRES_URL to run it",
)

API_LIMIT = 30  # per token and hour, in all processes together


def _serve(instance: Instance) -> None:
    """`baraza serve` on the already initialised database (no second `init`)."""
    log = open(instance.log_path, "ab")
    instance.process = subprocess.Popen(
        [sys.executable, "-m", "baraza", "serve", "--host", instance.host, "--port",
         str(instance.port)],
        env=instance.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip


async def _people(instance: Instance) -> tuple[dict[str, str], int]:
    """What `baraza init` does, members, a private space and tokens, written to the database
    directly (no CLI process to start)."""
    from actors.accounts import create_member, create_space, ensure_instance_actor, join_space
    from baraza.settings import Settings
    from clientapi.tokens import issue_token
    from storage.database import close_database, open_database
    from storage.settings_store import store_identity

    config = Settings.from_env(instance.env())
    await open_database(instance.database_url)
    try:
        await store_identity(config.domain, config.scheme)
        await ensure_instance_actor(config)
        members = {n: await create_member(config, n) for n in ("amina", "carla", "dario")}
        space = await create_space(config, "casefile", private=True, owner=members["amina"])
        await join_space(space, members["carla"])
        tokens = {n: (await issue_token(m, "read write"))[0] for n, m in members.items()}
        return tokens, space.id
    finally:
        await close_database()


async def _stream_sees_status_from_other_process(
    http: aiohttp.ClientSession, a: Instance, b: Instance, tokens: dict[str, str]
) -> None:
    ws_url = a.base_url.replace("http", "ws", 1) + "/api/v1/streaming"
    async with http.ws_connect(
        f"{ws_url}?access_token={tokens['carla']}&stream=public:local"
    ) as ws:
        await asyncio.sleep(0.3)  # subscribed before the post
        async with http.post(
            f"{b.base_url}/api/v1/statuses",
            json={"status": "posted through B", "visibility": "public"},
            headers={"Authorization": f"Bearer {tokens['amina']}"},
        ) as response:
            assert response.status == 200, await response.text()
        message = await ws.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        event = json.loads(message.data)
        assert event["event"] == "update"
        assert "posted through B" in json.loads(event["payload"])["content"]


async def _editors_on_two_processes_converge(
    http: aiohttp.ClientSession, a: Instance, b: Instance, tokens: dict[str, str], space: int
) -> None:
    form = aiohttp.FormData()
    form.add_field("title", "Statement")
    form.add_field("file", b"Draft:", filename="statement.txt")
    async with http.post(
        f"{a.base_url}/api/v1/spaces/{space}/documents",
        data=form,
        headers={"Authorization": f"Bearer {tokens['amina']}"},
    ) as response:
        document = await response.json(content_type=None)
        assert response.status == 200, document
    path = f"/api/v1/spaces/{space}/documents/{document['id']}/live"

    def live(instance: Instance, who: str) -> str:
        return f"{instance.base_url.replace('http', 'ws', 1)}{path}?access_token={tokens[who]}"

    on_a, on_b = YEditor(http, live(a, "amina")), YEditor(http, live(b, "carla"))
    await asyncio.gather(on_a.connect(), on_b.connect())

    async def synced() -> bool:
        return on_a.synced and on_b.synced and str(on_a.text) == str(on_b.text) == "Draft:"

    await eventually(synced, "both editors hold the document", 10)
    for n in range(5):  # interleaved, each at its own end of the text
        await on_a.edit(("insert", 1.0, f" a{n}", None))
        await on_b.edit(("insert", 0.0, f"b{n} ", None))
    await on_a.probe()
    await on_b.probe()
    await asyncio.gather(on_a.settled(), on_b.settled())

    async def converged() -> bool:
        return str(on_a.text) == str(on_b.text)

    await eventually(converged, "the editors on A and B converge", 10)
    text = str(on_a.text)
    for n in range(5):
        assert f" a{n}" in text and f"b{n} " in text, text
    await asyncio.gather(on_a.disconnect(), on_b.disconnect())

    stored = await scalar(
        a, "SELECT live_state FROM library_documents WHERE id = ?", int(document["id"])
    )
    merged = Doc()
    merged_text = merged.get("content", type=Text)
    merged.apply_update(base64.b64decode(stored))
    assert str(merged_text) == text, "the stored state holds every edit from both processes"


async def _limit_spent_on_a_holds_on_b(
    http: aiohttp.ClientSession, a: Instance, b: Instance, token: str
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    statuses = []
    for _ in range(API_LIMIT):
        async with http.get(
            f"{a.base_url}/api/v1/accounts/verify_credentials", headers=headers
        ) as response:
            statuses.append(response.status)
            remaining = response.headers["X-RateLimit-Remaining"]
    assert statuses == [200] * API_LIMIT and remaining == "0"
    async with http.get(f"{b.base_url}/api/v1/accounts/verify_credentials", headers=headers) as r:
        assert r.status == 429, "B counts what A allowed"
        assert int(r.headers["Retry-After"]) > 0


async def test_two_servers_and_a_worker_keep_streams_coediting_and_limits(tmp_path: Path) -> None:
    started = time.monotonic()
    url, name = await fresh_database_url("postgres", tmp_path)
    assert name is not None
    limits = {"BARAZA_API_RATE": f"{API_LIMIT}/1h", "BARAZA_IN_PROCESS_WORKER": "0"}
    a = Instance(host="127.0.0.2", database_url=url, workdir=tmp_path, extra_env=limits)
    b = Instance(
        host="127.0.0.2",
        database_url=url,
        workdir=tmp_path,
        extra_env={**limits, "BARAZA_DOMAIN": a.domain},  # one instance, two processes
    )
    worker: subprocess.Popen | None = None
    try:
        tokens, space = await _people(a)
        _serve(a)
        _serve(b)
        worker = subprocess.Popen(  # noqa: ASYNC220 - spawning only
            [sys.executable, "-m", "baraza", "worker"],
            env={**os.environ, **a.env()},
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        await asyncio.gather(asyncio.to_thread(a.wait_ready), asyncio.to_thread(b.wait_ready))
        async with aiohttp.ClientSession() as http:
            await _stream_sees_status_from_other_process(http, a, b, tokens)
            await _editors_on_two_processes_converge(http, a, b, tokens, space)
            await _limit_spent_on_a_holds_on_b(http, a, b, tokens["dario"])
            print(f"whole flow in {time.monotonic() - started:.1f}s (database copy included)")
        assert worker.poll() is None, "the worker runs beside them"
        worker_log = (tmp_path / "worker.log").read_text(errors="replace")
        assert "Traceback" not in worker_log, worker_log
        for instance in (a, b):
            assert "Traceback" not in instance.log(), instance.log()
    finally:
        if worker is not None:
            worker.terminate()
            await asyncio.to_thread(worker.wait, 10)
        a.stop()
        b.stop()
        await _drop_postgres_database(name)
