"""The browser editor against a real `baraza serve`: headless Chromium types into the page
and a pycrdt client connected to the same document sees the server hold the text (issue 10);
two members in two browsers type, delete and format at once, see each other's named cursors
and end with the same text, with screenshots in English and Arabic at 360 and 1280 px
(issue 19)."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.browser import NODE, SCREENSHOTS, WEB, needs_browser, png_size
from tests.e2e.browser import built as _built
from tests.e2e.browser import drive as _drive
from tests.e2e.instance import Instance
from tests.e2e.peek import scalar
from tests.e2e.test_live_editing import YClient, _json, _until

pytestmark = needs_browser


@pytest.mark.parametrize("engine", one_engine("postgres"))
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

        shown = await asyncio.to_thread(
            _drive, "type_into_editor.mjs", f"{page}#token={token}", " hello عالم"
        )
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


@pytest.mark.parametrize("engine", one_engine("sqlite"))
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


SEED = "Draft:\n\nSecond line\n\nEnd."
# Amina (English, desktop): adds a line, deletes its last word, bolds "gamma", makes the first
# line a heading, types a slip and undoes it. Karima (Arabic, phone), at the same time: types
# on the third line, deletes two letters, makes it a list item. The edits touch different
# lines, so the merge is known.
MERGED = "## Draft:\n\n- Second line مرحبا ب\n\nEnd.\nAlpha beta **gamma**"


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_two_members_edit_at_once_and_see_each_other(make_instance) -> None:
    await asyncio.to_thread(_built)
    a: Instance = await make_instance("127.0.0.2")
    for who in ("amina", "karima"):
        await asyncio.to_thread(a.cli, "member", "add", who)
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "casefile", "karima")
    tokens = {who: await asyncio.to_thread(a.token, who) for who in ("amina", "karima")}
    names = {"amina": "Amina Diallo", "karima": "كريمة"}
    space_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "casefile")
    api = f"{a.base_url}/api/v1/spaces/{space_id}"

    async with aiohttp.ClientSession() as http:
        for who, name in names.items():
            await _json(
                http,
                "PATCH",
                f"{a.base_url}/api/v1/accounts/update_credentials",
                tokens[who],
                data={"display_name": name},
            )
        form = aiohttp.FormData()
        form.add_field("title", "Brief")
        form.add_field("file", SEED.encode(), filename="brief.md")
        doc = await _json(http, "POST", f"{api}/documents", tokens["amina"], data=form)
        page = f"{a.base_url}/spaces/{space_id}/documents/{doc['id']}/edit"
        live = f"{api}/documents/{doc['id']}/live".replace("http", "ws", 1)
        watcher = await YClient(
            await http.ws_connect(f"{live}?access_token={tokens['amina']}")
        ).start()
        await _until(lambda: watcher.content() == SEED, "the watcher is seeded")

        shown = await asyncio.to_thread(
            _drive,
            "two_members.mjs",
            f"{page}#token={tokens['amina']}",
            f"{page}#token={tokens['karima']}",
            names["amina"],
            names["karima"],
            str(SCREENSHOTS),
        )
        # Both browsers show the same text, and it holds every edit each of them made.
        assert shown["a"]["text"] == shown["b"]["text"] == MERGED, shown
        # Each lists both members, itself included, by display name.
        for side in ("a", "b"):
            assert sorted(shown[side]["people"]) == sorted(names.values())
            assert shown[side]["errors"] == []  # nothing blocked by the page's policy either
        assert shown["a"]["lang"] == ["en", "ltr"] and shown["b"]["lang"] == ["ar", "rtl"]
        assert shown["selectionShown"] >= 1  # Karima's selection is drawn in Amina's editor
        # The English line with Arabic words runs left to right in both pages, the Arabic one
        # included, whoever's name is on a cursor in it.
        assert shown["mixedLineDirection"] == ["ltr", "ltr"]
        assert len(set(shown["colours"])) == 2  # one colour each
        # Karima closing her page takes her off Amina's list at once, not after 30 s.
        assert shown["a"]["peopleAfter"] == [names["amina"]]
        assert shown["goneAfterMs"] < 5000
        # The server holds what the browsers show: a client we did not write agrees.
        await _until(lambda: watcher.content() == MERGED, "the server has the merged text")
        await watcher.close()

    sizes = {Path(p).stem: png_size(Path(p)) for p in shown["shots"]}
    for name in ("editor-en-1280", "editor-ar-1280", "editor-en-360", "editor-ar-360"):
        width = int(name.rsplit("-", 1)[1])
        assert sizes[name][0] == width, (name, sizes[name])


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_member_removed_while_editing_is_told_and_can_type_no_more(make_instance) -> None:
    """The room closes her socket (4403); the page stops reconnecting, says her access has
    ended, and turns read-only."""
    await asyncio.to_thread(_built)
    a: Instance = await make_instance("127.0.0.2")
    for who in ("amina", "karima"):
        await asyncio.to_thread(a.cli, "member", "add", who)
    await asyncio.to_thread(a.cli, "space", "add", "casefile", "--private", "--owner", "amina")
    await asyncio.to_thread(a.cli, "space", "join", "casefile", "karima")
    owner = await asyncio.to_thread(a.token, "amina")
    karima = await asyncio.to_thread(a.token, "karima")
    space_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "casefile")
    karima_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "karima")
    api = f"{a.base_url}/api/v1/spaces/{space_id}"

    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData()
        form.add_field("file", b"Draft:", filename="brief.txt")
        doc = await _json(http, "POST", f"{api}/documents", owner, data=form)
        page = f"{a.base_url}/spaces/{space_id}/documents/{doc['id']}/edit#token={karima}"
        driver = await asyncio.create_subprocess_exec(
            str(NODE),
            str(WEB / "tests" / "access_ends.mjs"),
            page,
            cwd=WEB,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert driver.stdout is not None
        line = await asyncio.wait_for(driver.stdout.readline(), 60)
        assert line.strip() == b"synced", line
        await _json(http, "POST", f"{api}/members/{karima_id}/remove", owner)
        out, err = await asyncio.wait_for(driver.communicate(), 60)
    assert driver.returncode == 0, err.decode()[-3000:]
    shown = json.loads(out.decode().strip().splitlines()[-1])
    assert shown["state"] == "ended"
    assert shown["status"] == "Your access to this document has ended."
    assert shown["before"] == shown["after"] == "Draft:"  # read-only now
    assert shown["errors"] == []
