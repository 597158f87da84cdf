"""The editor page's History panel in headless Chromium against a real `baraza serve`
(issue 19, item 3): two members each save a version, the panel lists the versions with their
co-authors, shows what changed since the older one with signs and words (not colour alone),
downloads PDF and DOCX through the token, and restores the older version, which both editors
then show. Screenshots of the panel at 360 px in English and Arabic go to var/screenshots."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.browser import SCREENSHOTS, needs_browser, png_size
from tests.e2e.browser import built as _built
from tests.e2e.browser import drive as _drive
from tests.e2e.instance import Instance
from tests.e2e.peek import scalar
from tests.e2e.test_live_editing import _json

pytestmark = needs_browser

SEED = "Minutes\n\nAgreed: meet on Friday."
LINE_A = "Amina: bring the budget."
LINE_B = "كريمة: سأحضر الخريطة."


def _head(path: str) -> bytes:
    """The first bytes of a downloaded file, enough to tell its format."""
    return Path(path).read_bytes()[:8]


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_history_lists_coauthors_shows_the_diff_and_restores(make_instance) -> None:
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
        form.add_field("title", "Minutes")
        form.add_field("file", SEED.encode(), filename="minutes.md")
        doc = await _json(http, "POST", f"{api}/documents", tokens["amina"], data=form)
        page = f"{a.base_url}/spaces/{space_id}/documents/{doc['id']}/edit"

        shown = await asyncio.to_thread(
            _drive,
            "history_panel.mjs",
            f"{page}#token={tokens['amina']}",
            f"{page}#token={tokens['karima']}",
            LINE_A,
            LINE_B,
            str(SCREENSHOTS),
        )
        after = await _json(http, "GET", f"{api}/documents/{doc['id']}", tokens["amina"])

    v2 = f"{SEED}\n{LINE_A}"
    v3 = f"{v2}\n{LINE_B}"
    assert shown["afterA"] == v2 and shown["latest"] == v3
    # Newest first, each saved version credited to who edited it, by display name.
    listed = {v["version"]: v for v in shown["versions"]}
    assert [v["version"] for v in shown["versions"]] == [3, 2, 1]
    assert listed[2]["people"] == [names["amina"]] and "Co-authors:" in listed[2]["said"]
    assert listed[3]["people"] == [names["karima"]]
    assert listed[1]["people"] == [names["amina"]] and "Uploaded by:" in listed[1]["said"]
    assert listed[3]["label"] == "Version 3 (current)" and all(v["time"] for v in listed.values())
    assert {v["version"]: v["people"] for v in shown["versionsAr"]}[3] == [names["karima"]]
    assert shown["versionsAr"][0]["label"].startswith("الإصدار")
    # The diff from version 2 to the current one: Karima's line added, said in words too.
    assert shown["diffTitle"] == "Changes from version 2 to the current version 3"
    assert "الإصدار 2" in shown["diffTitleAr"]
    assert shown["diff"][0]["kind"] != "diff-gap"  # no gap mark before the first line
    added = [line for line in shown["diff"] if line["kind"] == "diff-added"]
    assert added == [
        {"kind": "diff-added", "sign": "+", "said": "Added: ", "tag": "INS", "text": LINE_B}
    ]
    assert not [line for line in shown["diff"] if line["kind"] == "diff-removed"]
    assert {line["text"] for line in shown["diff"] if line["kind"] == "diff-same"} >= {LINE_A}
    # Downloads came through fetch with the token: real PDF and DOCX (a zip) files.
    pdf, docx = (_head(shown[kind]["path"]) for kind in ("pdf", "docx"))
    assert pdf[:5] == b"%PDF-" and docx[:2] == b"PK"
    assert shown["pdf"]["name"].endswith(".pdf") and shown["docx"]["name"].endswith(".docx")
    # Restore asked first, then both editors show version 2's text, saved as version 4.
    assert shown["dialogs"] == [
        "Restore version 2 as a new version? The text everyone is editing will be replaced by it."
    ]
    assert shown["status"] == "Version 2 restored as version 4."
    assert shown["restoredA"] == shown["restoredB"] == v2
    assert shown["versionsAfter"][0]["version"] == 4
    assert after["version"] == 4
    assert shown["errors"] == []
    # Usable at a phone's width: nothing scrolls sideways; the screenshots are 360 px wide.
    assert all(scroll <= client for scroll, client in shown["widths"]), shown["widths"]
    for path in shown["shots"]:
        assert png_size(Path(path))[0] == 360, path
