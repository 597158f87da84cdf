"""The web app's spaces in headless Chromium against a real `baraza serve` (SQLite and
PostgreSQL): a member joins a public space with the page's button, uploads a document to a
private space's library, publishes a Talk and answers it, all with plain forms; the server
holds each; then screenshots (spaces-*.png) of the directory, space, document, Talks and
Talk pages in English and Arabic at 360 px and 1280 px are written to var/screenshots/ for a
person to look at (docs/screenshots/ keeps some)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import one_engine
from tests.e2e.browser import SCREENSHOTS, drive, needs_browser
from tests.e2e.instance import Instance
from tests.e2e.peek import scalar

PASSWORD = "a long spaces password"

pytestmark = needs_browser


def _drive(base: str, **args: object) -> dict:
    return drive("web_spaces.mjs", base, json.dumps(args), timeout=300, page_errors=True)


@pytest.mark.parametrize("engine", one_engine("postgres"))
async def test_joining_uploading_and_answering_a_talk_in_a_browser(make_instance, engine) -> None:
    a: Instance = await make_instance("127.0.0.2")
    cli = lambda *args, stdin=None: asyncio.to_thread(a.cli, *args, stdin=stdin)  # noqa: E731
    for name in ("amina", "carla"):
        await cli("member", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
    await cli("space", "add", "agora", "--public", "--owner", "amina")
    await cli("space", "add", "casework", "--private", "--owner", "amina")
    await cli("space", "join", "casework", "carla")
    ids = {
        name: await scalar(a, "SELECT id FROM actors WHERE local_username = ?", name)
        for name in ("agora", "casework", "carla")
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    result = await asyncio.to_thread(
        _drive,
        a.base_url,
        username="carla",
        password=PASSWORD,
        publicSpace=ids["agora"],
        privateSpace=ids["casework"],
        document=f"Witness statement, draft ({engine})",
        title="Witness statement",
        talk="Monthly casework Talk",
        dir=str(SCREENSHOTS),
    )
    assert result["joined"] == "You joined the space."
    assert result["uploaded"] == "The document is in the library."
    assert result["editorPath"].startswith(f"/spaces/{ids['casework']}/documents/")
    assert result["editorPath"].endswith("/edit")
    assert result["answered"] == "true"
    follows = await scalar(
        a,
        "SELECT COUNT(*) FROM follows WHERE follower_id = ? AND target_id = ? AND accepted",
        ids["carla"],
        ids["agora"],
    )
    assert follows == 1
    titles = await scalar(
        a, "SELECT COUNT(*) FROM library_documents WHERE title = ?", "Witness statement"
    )
    assert titles == 1
    answers = await scalar(a, "SELECT COUNT(*) FROM event_participations WHERE state = ?", "accept")
    assert answers == 1
    assert len(result["shots"]) == 20
    for shot in result["shots"]:
        size = await asyncio.to_thread(lambda f=shot["file"]: Path(f).stat().st_size)
        assert size > 1000
        assert (shot["lang"], shot["dir"]) in (("en", "ltr"), ("ar", "rtl"))
        assert not shot["overflow"], f"{shot['file']} scrolls sideways"
