"""An admin turns logged-out reading off with the CLI while `baraza serve` runs: the next
request without a token is refused, with no restart; a member's token still reads."""

from __future__ import annotations

import asyncio

import aiohttp

from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures


async def test_the_cli_switch_takes_effect_in_the_running_server(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    token = await asyncio.to_thread(a.token, "amina")
    member = {"Authorization": f"Bearer {token}"}
    timeline = f"{a.base_url}/api/v1/timelines/public"
    instance = f"{a.base_url}/api/v2/instance"
    async with aiohttp.ClientSession() as http:
        async with http.get(timeline) as response:
            assert response.status == 200
        await asyncio.to_thread(a.cli, "settings", "logged-out-reading", "off")
        async with http.get(timeline) as response:
            assert response.status == 401
            assert await response.json() == {"error": "This method requires an authenticated user"}
        async with http.get(timeline, headers=member) as response:
            assert response.status == 200
        async with http.get(instance) as response:
            access = (await response.json())["configuration"]["timelines_access"]
            assert access["live_feeds"]["local"] == "authenticated"
        async with http.get(
            f"{a.base_url}/users/amina", headers={"Accept": "application/activity+json"}
        ) as response:
            assert response.status == 200  # what other servers fetch stays open
        await asyncio.to_thread(a.cli, "settings", "logged-out-reading", "on")
        async with http.get(timeline) as response:
            assert response.status == 200
    audit = (await asyncio.to_thread(a.cli, "audit")).stdout
    assert "settings.logged_out_reading" in audit
