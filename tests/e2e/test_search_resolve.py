"""`/api/v2/search?resolve=true` finds an account and a post on a second live instance."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.conftest import one_engine
from tests.e2e.conftest import engine, make_instance  # noqa: F401 - fixtures


@pytest.mark.parametrize("engine", one_engine("sqlite"))
async def test_resolves_remote_handle_and_post_url(make_instance) -> None:  # noqa: F811
    a = await make_instance("127.0.0.2")
    b = await make_instance("127.0.0.3")
    await asyncio.to_thread(a.cli, "member", "add", "amina")
    await asyncio.to_thread(b.cli, "member", "add", "bruno")
    amina = {"Authorization": f"Bearer {await asyncio.to_thread(a.token, 'amina')}"}
    bruno = {"Authorization": f"Bearer {await asyncio.to_thread(b.token, 'bruno')}"}
    search = f"{a.base_url}/api/v2/search"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{b.base_url}/api/v1/statuses", headers=bruno, json={"status": "field report"}
        ) as response:
            post = await response.json()
        params = {"q": f"@bruno@{b.domain}", "resolve": "false"}
        async with http.get(search, headers=amina, params=params) as response:
            assert (await response.json())["accounts"] == []  # not known without resolving
        params["resolve"] = "true"
        async with http.get(search, headers=amina, params=params) as response:
            body = await response.json()
        assert [acc["acct"] for acc in body["accounts"]] == [f"bruno@{b.domain}"]

        params = {"q": post["uri"], "resolve": "true", "type": "statuses"}
        async with http.get(search, headers=amina, params=params) as response:
            body = await response.json()
        assert [s["uri"] for s in body["statuses"]] == [post["uri"]]
        assert "field report" in body["statuses"][0]["content"]
