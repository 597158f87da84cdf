"""A new member's journey through the web app in headless Chromium, against a real
`baraza serve` on SQLite and PostgreSQL (issue 14, item 4): open an invitation → choose name
and password → set up two-factor (the code computed by pyotp from the key the page shows) →
sign out and in with a code → join a public space → post in it → a second member sees it in
the space → upload a document to a private space → answer a Talk → open the document in the
editor. Screenshots of the home, space and compose pages in English and Arabic at 360 px and
1280 px are written to var/screenshots/ by the run."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from tests.conftest import one_engine
from tests.e2e.browser import SCREENSHOTS, drive, needs_browser
from tests.e2e.instance import Instance
from tests.e2e.peek import scalar

PASSWORD = "a long journey password"

pytestmark = needs_browser


def _drive(phase: str, base: str, state: Path, **args: object) -> dict:
    """One phase of web/tests/web_journey.mjs; its JSON line, with no page errors."""
    return drive("web_journey.mjs", phase, base, str(state), json.dumps(args), page_errors=True)


async def _drive_async(*args: object, **kwargs: object) -> dict:
    return await asyncio.to_thread(_drive, *args, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_a_new_members_journey(make_instance, engine, tmp_path: Path) -> None:
    a: Instance = await make_instance("127.0.0.2")
    cli = lambda *args, stdin=None: asyncio.to_thread(a.cli, *args, stdin=stdin)  # noqa: E731
    await cli("member", "add", "host", "--admin", "--password-stdin", stdin=PASSWORD + "\n")
    await cli("member", "add", "bahati", "--password-stdin", stdin=PASSWORD + "\n")
    await cli("space", "add", "agora", "--public", "--owner", "host")
    await cli("space", "add", "casefile", "--private", "--owner", "host")
    agora = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "agora")
    casefile = await scalar(a, "SELECT id FROM actors WHERE local_username = ?", "casefile")
    link = (await cli("invite", "create", "--uses", "1", "--expires", "1d")).stdout.strip()
    assert link.startswith(f"{a.base_url}/invite/")
    amina, bahati = tmp_path / "amina.json", tmp_path / "bahati.json"

    # An invitation → name and password → signed in → two-factor set up from the page's key.
    opened = await _drive_async(
        "invite", a.base_url, amina, link=link, username="amina", password=PASSWORD
    )
    assert opened["landed"] == "/" and opened["qrIsInlineSvg"]
    totp = pyotp.TOTP(opened["secret"])
    confirm, sign_in = totp.now(), totp.at(time.time() + 30)  # the next step: codes are once
    secured = await _drive_async(
        "two-factor",
        a.base_url,
        amina,
        username="amina",
        password=PASSWORD,
        confirm=confirm,
        signIn=sign_in,
    )
    assert len(secured["recoveryCodes"]) == 10
    assert secured["signedOutAt"] == "/sign-in"
    assert secured["askedForCode"] == "/sign-in/code"
    assert secured["signedInAs"].strip() == "@amina"

    # Join the public space and post in it; a second member sees the post in the space.
    text = f"Hello agora from amina ({engine})"
    posted = await _drive_async("post", a.base_url, amina, space=agora, text=text)
    assert posted["joined"] and posted["ownPostShown"]
    seen = await _drive_async(
        "sign-in", a.base_url, bahati, username="bahati", password=PASSWORD, space=agora, text=text
    )
    assert seen["seen"]

    # The private space: an admin adds her; she uploads, answers a Talk, opens the editor.
    await cli("space", "join", "casefile", "amina")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    private = await _drive_async(
        "private",
        a.base_url,
        amina,
        space=casefile,
        title="Case notes",
        talk="Monthly talk",
        date=tomorrow,
    )
    assert private["uploaded"]
    assert private["answered"] and private["answeredWith"] == "accept"
    assert private["editorLink"], "the library offers the live editor for a text document"
    assert private["editorState"] == "synced"
    assert "# Case notes" in private["editorText"]
    assert "token=" not in private["editorLocation"]  # the page drops it from the address
    answers = await scalar(a, "SELECT COUNT(*) FROM event_participations WHERE state = ?", "accept")
    assert answers == 1

    # Screenshots a person can look at: home, space and compose, en and ar, 360 and 1280 px.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = [["home", "/"], ["space", f"/space/{agora}"], ["compose", f"/compose?space={agora}"]]
    shots = await _drive_async("screenshots", a.base_url, amina, pages=pages, dir=str(SCREENSHOTS))
    assert len(shots["shots"]) == 12
    for shot in shots["shots"]:
        size = await asyncio.to_thread(lambda f=shot["file"]: Path(f).stat().st_size)
        assert size > 1000
        assert (shot["lang"], shot["dir"]) in (("en", "ltr"), ("ar", "rtl"))
        assert not shot["overflow"], f"{shot['file']} scrolls sideways"
