"""Reading and posting in the web app in headless Chromium, against a real `baraza serve`
(SQLite and PostgreSQL): a member signs in, replies to a post from its page (with a content
warning) and likes it with the page's button, all without a script of ours; then screenshots
of the thread, profile, notifications and search pages in English and Arabic at 360 px and
1280 px are written to var/screenshots/ for a person to look at (docs/screenshots/ keeps some).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.browser import SCREENSHOTS, drive, needs_browser
from tests.e2e.instance import Instance
from tests.e2e.peek import scalar

PASSWORD = "a long reading password"

pytestmark = needs_browser


def _drive(base: str, **args: object) -> dict:
    return drive("web_reading.mjs", base, json.dumps(args), timeout=300, page_errors=True)


async def _post(session: aiohttp.ClientSession, base: str, token: str, **form: object) -> dict:
    async with session.post(
        f"{base}/api/v1/statuses", data=form, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        assert response.status == 200, await response.text()
        return await response.json()


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_reading_and_replying_in_a_browser(make_instance, engine) -> None:
    a: Instance = await make_instance("127.0.0.2")
    cli = lambda *args, stdin=None: asyncio.to_thread(a.cli, *args, stdin=stdin)  # noqa: E731
    for name in ("amina", "carla"):
        await cli("member", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
    await cli("space", "add", "agora", "--public", "--owner", "amina")
    await cli("space", "join", "agora", "carla")
    amina, carla = (
        await asyncio.to_thread(a.token, "amina"),
        await asyncio.to_thread(a.token, "carla"),
    )
    async with aiohttp.ClientSession() as http:
        base = a.base_url
        first = await _post(
            http, base, amina, status="Meeting notes for the agora: water, schools #rights"
        )
        reply = await _post(
            http, base, carla, status="Thank you, I add a point.", in_reply_to_id=first["id"]
        )
        poll = {
            "status": "Which evening suits the next meeting?",
            "poll[expires_in]": "86400",
        }
        form = aiohttp.FormData()
        for key, value in poll.items():
            form.add_field(key, value)
        for option in ("Tuesday", "Thursday"):
            form.add_field("poll[options][]", option)
        async with http.post(
            f"{base}/api/v1/statuses", data=form, headers={"Authorization": f"Bearer {amina}"}
        ) as response:
            assert response.status == 200, await response.text()
        # Carla hears of amina: a follow, a like of her reply and a mention.
        carla_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "carla")
        async with http.post(
            f"{base}/api/v1/accounts/{carla_id}/follow",
            headers={"Authorization": f"Bearer {amina}"},
        ) as response:
            assert response.status == 200
        async with http.post(
            f"{base}/api/v1/statuses/{reply['id']}/favourite",
            headers={"Authorization": f"Bearer {amina}"},
        ) as response:
            assert response.status == 200
        await _post(http, base, amina, status="@carla could you bring the water report?")
        amina_id = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "amina")
        async with http.post(
            f"{base}/api/v1/accounts/{amina_id}/follow",
            headers={"Authorization": f"Bearer {carla}"},
        ) as response:
            assert response.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    post = f"/@amina/{first['id']}"
    result = await asyncio.to_thread(
        _drive,
        a.base_url,
        username="carla",
        password=PASSWORD,
        post=post,
        postText="Meeting notes for the agora",
        reply=f"Tuesday works for me ({engine})",
        warning="schedule",
        pages=[
            ["thread", post],
            ["profile", "/@amina"],
            ["notifications", "/notifications"],
            ["search", "/search?q=agora"],
        ],
        dir=str(SCREENSHOTS),
    )
    assert result["replyingShown"]
    assert result["afterReply"].startswith("/@carla/")
    assert result["notice"].strip() == "Your post is published."
    assert result["replyInThread"]
    assert result["likedPressed"] == "true"
    replies = await scalar(
        a,
        "SELECT COUNT(*) FROM posts WHERE in_reply_to_uri IS NOT NULL AND summary = ?",
        "schedule",
    )
    assert replies == 1
    likes = await scalar(a, "SELECT COUNT(*) FROM likes WHERE post_id = ?", int(first["id"]))
    assert likes == 1
    assert len(result["shots"]) == 16
    for shot in result["shots"]:
        size = await asyncio.to_thread(lambda f=shot["file"]: Path(f).stat().st_size)
        assert size > 1000
        assert (shot["lang"], shot["dir"]) in (("en", "ltr"), ("ar", "rtl"))
        assert not shot["overflow"], f"{shot['file']} scrolls sideways"
