"""Issue 10, the browser editor: headless Chromium types into the page of a real `baraza
serve`, and a pycrdt client connected to the same document sees the server hold the text."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.instance import Instance
from tests.e2e.peek import scalar
from tests.e2e.test_live_editing import YClient, _json, _until

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
BUNDLE = REPO / "baraza" / "static" / "build" / "editor.js"
CHROMIUM = Path("/usr/bin/chromium")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or shutil.which("npm") is None or not CHROMIUM.is_file(),
    reason="needs node, npm and /usr/bin/chromium (`make browsers`, then `make web`)",
)


def _built() -> None:
    """Build the bundle and the driver's dependencies the way `make web` does, if missing."""
    if not (WEB / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    if not BUNDLE.is_file():
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)


def _type_in_browser(url: str, text: str) -> dict:
    driven = subprocess.run(
        [str(NODE), str(WEB / "tests" / "type_into_editor.mjs"), url, text],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert driven.returncode == 0, driven.stderr[-3000:]
    return json.loads(driven.stdout.strip().splitlines()[-1])


async def test_typing_in_the_browser_reaches_the_server(make_instance) -> None:
    await asyncio.to_thread(_built)
    a: Instance = await make_instance("127.0.0.2")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    token = await asyncio.to_thread(a.token, "amina")
    space_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "casefile")
    api = f"{a.base_url}/api/v1/spaces/{space_id}"

    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("title", "Brief")
        form.add_field("file", b"Draft:", filename="brief.txt")
        doc = await _json(http, "POST", f"{api}/documents", token, data=form)
        page = f"{a.base_url}/spaces/{space_id}/documents/{doc['id']}/edit"

        # The page is the same for anyone and says nothing about the document; Arabic is RTL.
        async with http.get(page, headers={"Accept-Language": "ar"}) as response:
            html = await response.text()
            assert response.status == 200
            assert '<html lang="ar" dir="rtl">' in html and "Brief" not in html
            assert "connect-src 'self'" in response.headers["Content-Security-Policy"]

        live = f"{api}/documents/{doc['id']}/live".replace("http", "ws", 1)
        watcher = await YClient(await http.ws_connect(f"{live}?access_token={token}")).start()
        await _until(lambda: watcher.content() == "Draft:", "the watcher is seeded")

        shown = await asyncio.to_thread(_type_in_browser, f"{page}#token={token}", " hello عالم")
        assert shown["before"] == "Draft:"
        assert shown["value"] == "Draft: hello عالم"
        assert shown["state"] == "synced"
        assert token not in shown["location"]  # the fragment is dropped once read
        assert shown["errors"] == []

        await _until(lambda: watcher.content() == "Draft: hello عالم", "the server has it")
        await watcher.close()
        # A fresh connection reads the typed text back from the server.
        fresh = await YClient(await http.ws_connect(f"{live}?access_token={token}")).start()
        await _until(lambda: fresh.content() == "Draft: hello عالم", "a new session sees it")
        await fresh.close()


async def test_without_a_token_the_page_says_so(make_instance) -> None:
    await asyncio.to_thread(_built)
    a: Instance = await make_instance("127.0.0.2")
    url = f"{a.base_url}/spaces/1/documents/1/edit"
    script = (
        "import { chromium } from 'playwright-core';"
        "const b = await chromium.launch({executablePath: '/usr/bin/chromium',"
        " args: ['--headless','--no-sandbox','--disable-gpu','--no-first-run']});"
        f"const p = await b.newPage(); await p.goto({json.dumps(url)});"
        "await p.waitForSelector('[data-state=\"notoken\"]', {timeout: 15000});"
        "console.log(await p.textContent('[data-status]')); await b.close();"
    )
    driven = await asyncio.to_thread(
        subprocess.run,
        [str(NODE), "--input-type=module", "-e", script],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert driven.returncode == 0, driven.stderr[-3000:]
    assert "No access token" in driven.stdout
